"""/admin/spaces and PATCH /spaces/{slug}: create, edit, order, archive; audited."""

from __future__ import annotations

from sqlalchemy import select

from community.models import AuditEntry, Space


def _text(resp) -> str:
    return resp.get_data(as_text=True)


def _actions(db):
    return [a for a in db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))]


def test_an_admin_creates_edits_and_archives_a_space_from_the_page(
        db, browser, make_user, form_token, client, make_thread):
    admin = browser(make_user(role="admin"))
    page = _text(admin.get("/admin/spaces"))
    token = form_token(page)
    bad = admin.post("/admin/spaces", data={"slug": "Bad Slug!", "name": "Beans",
                                             "visibility": "public", "csrf_token": token})
    assert bad.status_code == 422
    assert 'id="slug-errors"' in _text(bad) and 'value="Beans"' in _text(bad)
    resp = admin.post("/admin/spaces", data={"slug": "beans", "name": "Beans",
                                              "description": "All about beans",
                                              "visibility": "members", "csrf_token": token})
    assert resp.status_code == 303
    space = db.session.scalar(select(Space).where(Space.slug == "beans"))
    assert space.visibility == "members"
    admin.post("/admin/spaces/beans", data={"name": "Coffee beans", "description": "Origins",
                                             "visibility": "public", "position": "3",
                                             "csrf_token": token})
    db.session.expire_all()
    space = db.session.scalar(select(Space).where(Space.slug == "beans"))
    assert (space.name, space.description, space.visibility, space.position) == (
        "Coffee beans", "Origins", "public", 3)
    assert "Coffee beans" in _text(client.get("/"))
    assert "beans" in [s["slug"] for s in client.get("/api/v1/spaces").get_json()["items"]]
    empty = admin.post("/admin/spaces/beans", data={"name": " ", "csrf_token": token})
    assert empty.status_code == 422 and 'id="name-errors"' in _text(empty)

    thread = make_thread(space=space)
    admin.post("/admin/spaces/beans", data={"archived": "1", "csrf_token": token})
    assert "beans" not in [s["slug"] for s in client.get("/api/v1/spaces").get_json()["items"]]
    assert client.get(f"/threads/{thread.id}").status_code == 200  # still readable
    assert _actions(db) == ["space_create", "space_update", "space_archive"]
    audit_page = _text(admin.get("/moderation/audit"))
    assert "Space archived" in audit_page


def test_an_archived_space_takes_no_new_thread(db, member_client, admin_client, make_space):
    make_space(slug="old-news")
    assert admin_client.patch("/api/v1/spaces/old-news", json={"archived": True}).get_json()[
        "archived"] is True
    resp = member_client.post("/api/v1/threads", json={
        "space": "old-news", "kind": "question", "title": "Is this space still alive?",
        "body": "Asking in an archived space should be refused."})
    assert resp.status_code == 403
    assert "old-news" not in [s["slug"] for s in member_client.get("/api/v1/spaces").get_json()["items"]]


def test_patch_space_follows_the_contract(db, admin_client, moderator_client, make_space):
    make_space(slug="gear")
    resp = admin_client.patch("/api/v1/spaces/gear", json={
        "name": "Gear", "description": "Machines", "visibility": "staff", "position": 2})
    assert resp.status_code == 200
    body = resp.get_json()
    assert {k: body[k] for k in ("slug", "name", "description", "visibility", "position")} == {
        "slug": "gear", "name": "Gear", "description": "Machines", "visibility": "staff",
        "position": 2}
    bad = admin_client.patch("/api/v1/spaces/gear", json={"visibility": "everyone"})
    assert bad.status_code == 422 and "visibility" in bad.get_json()["error"]["fields"]
    assert moderator_client.patch("/api/v1/spaces/gear", json={"name": "X"}).status_code == 403
    assert admin_client.patch("/api/v1/spaces/nope", json={"name": "X"}).status_code == 404
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "space_update"))
    assert entry.data["changes"]["visibility"] == ["public", "staff"]


def test_members_and_moderators_get_a_404_on_the_spaces_page(db, browser, make_user,
                                                            make_space, form_token):
    make_space(slug="quiet")
    for role in ("member", "moderator"):
        c = browser(make_user(role=role))
        page = c.get("/admin/spaces")
        assert page.status_code == 404 and "Create a space" not in _text(page)
        token = form_token(_text(c.get("/")))
        assert c.post("/admin/spaces/quiet", data={"archived": "1",
                                                    "csrf_token": token}).status_code == 404
    assert db.session.scalar(select(Space.archived_at).where(Space.slug == "quiet")) is None
    assert _actions(db) == []
