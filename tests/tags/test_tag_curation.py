"""Moderators describe tags and merge synonyms, on the page and through the API; audited."""

from __future__ import annotations

from sqlalchemy import select

from community.models import AuditEntry, Follow, Tag


def _text(resp) -> str:
    return resp.get_data(as_text=True)


def _audit(db, action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_a_moderator_describes_a_tag_on_its_page_and_it_is_audited(
        db, browser, make_user, make_thread, form_token):
    make_thread(tags=["descaling"])
    mod = browser(make_user(role="moderator"))
    page = _text(mod.get("/tags/descaling"))
    assert 'action="/tags/descaling/description"' in page
    resp = mod.post("/tags/descaling/description", data={
        "description": "Removing limescale from machines.", "csrf_token": form_token(page)})
    assert resp.status_code == 303
    assert "Removing limescale from machines." in _text(mod.get("/tags"))
    [entry] = _audit(db, "tag_describe")
    assert entry.target_type == "tag" and entry.data["after"] == "Removing limescale from machines."
    # Too long: the form comes back with the message next to the field and the text kept.
    long = "x" * 2001
    again = mod.post("/tags/descaling/description", data={
        "description": long, "csrf_token": form_token(page)})
    assert again.status_code == 422
    assert 'id="description-errors"' in _text(again) and long in _text(again)
    assert len(_audit(db, "tag_describe")) == 1


def test_members_cannot_curate_tags(db, browser, make_user, make_thread, member_client,
                                    form_token):
    make_thread(tags=["milk"])
    member = browser(make_user())
    page = _text(member.get("/tags/milk"))
    assert "/tags/milk/description" not in page and "/tags/milk/merge" not in page
    assert member.post("/tags/milk/description", data={
        "description": "Mine now", "csrf_token": form_token(page)}).status_code == 403
    assert member_client.patch("/api/v1/tags/milk", json={"description": "x"}).status_code == 403
    assert member_client.post("/api/v1/tags/milk/merge", json={"into": "x"}).status_code == 403
    assert _audit(db, "tag_describe") == []


def test_description_through_the_api(db, moderator_client, make_thread):
    make_thread(tags=["tamper"])
    resp = moderator_client.patch("/api/v1/tags/tamper", json={"description": "Pressing coffee."})
    assert resp.status_code == 200
    assert resp.get_json() == {"name": "tamper", "description": "Pressing coffee.", "count": 1}
    bad = moderator_client.patch("/api/v1/tags/tamper", json={"description": "y" * 2001})
    assert bad.status_code == 422 and "description" in bad.get_json()["error"]["fields"]
    assert len(_audit(db, "tag_describe")) == 1


def test_merging_on_the_page_asks_first_then_retags_moves_follows_and_redirects(
        db, app, browser, make_user, make_space, make_thread, form_token, client_for):
    space = make_space(slug="machines")
    both = make_thread(space=space, tags=["espresso-machine", "espresso-maker"])
    only_a = make_thread(space=space, tags=["espresso-maker"])
    follower = make_user()
    assert client_for(follower).put("/api/v1/tags/espresso-maker/follow").status_code == 200
    mod = browser(make_user(role="moderator"))
    page = _text(mod.get("/tags/espresso-maker"))
    token = form_token(page)
    ask = mod.post("/tags/espresso-maker/merge", data={"into": "espresso-machine",
                                                        "csrf_token": token})
    assert ask.status_code == 200
    assert "2 threads will be re-tagged with espresso-machine." in _text(ask)
    assert "1 follower will follow espresso-machine instead." in _text(ask)
    assert _audit(db, "tag_merge") == []  # nothing happened before the confirmation
    done = mod.post("/tags/espresso-maker/merge", data={
        "into": "espresso-machine", "confirm": "1", "csrf_token": form_token(_text(ask))})
    assert done.status_code == 303 and done.headers["Location"] == "/tags/espresso-machine"

    db.session.expire_all()
    for thread in (both, only_a):
        db.session.refresh(thread)
        assert [t.name for t in thread.tags] == ["espresso-machine"]
    source = db.session.scalar(select(Tag).where(Tag.name == "espresso-maker"))
    target = db.session.scalar(select(Tag).where(Tag.name == "espresso-machine"))
    assert source.synonym_of_id == target.id
    follow = db.session.scalar(select(Follow).where(Follow.user_id == follower.id))
    assert (follow.target_type, follow.target_id, follow.active) == ("tag", target.id, True)
    [entry] = _audit(db, "tag_merge")
    assert entry.data == {"name": "espresso-maker", "into": "espresso-machine", "threads": 2}

    redirect = browser().get("/tags/ESPRESSO-MAKER")
    assert redirect.status_code == 301 and redirect.headers["Location"] == "/tags/espresso-machine"
    names = [i["name"] for i in client_for(follower).get("/api/v1/tags").get_json()["items"]]
    assert names == ["espresso-machine"]
    # Typing the old name in the ask form tags with the new one.
    asker = browser(make_user())
    form = _text(asker.get("/ask?space=machines&kind=question"))
    resp = asker.post("/ask", data={
        "space": "machines", "kind": "question", "title": "Which espresso maker for a beginner?",
        "body": "I would like a machine that is easy to clean.",
        "tags": "espresso-maker, grinder", "csrf_token": form_token(form)})
    assert resp.status_code in (302, 303), _text(resp)[:500]
    thread_page = _text(asker.get(resp.headers["Location"]))
    assert 'href="/tags/espresso-machine"' in thread_page and "/tags/espresso-maker" not in thread_page


def test_a_merge_into_nothing_or_itself_is_refused_with_the_field_named(
        db, browser, make_user, make_thread, form_token, moderator_client):
    make_thread(tags=["crema"])
    mod = browser(make_user(role="moderator"))
    page = _text(mod.get("/tags/crema"))
    for into in ("", "no-such-tag", "crema"):
        resp = mod.post("/tags/crema/merge", data={"into": into, "csrf_token": form_token(page)})
        assert resp.status_code == 422 and 'id="into-errors"' in _text(resp), into
    api = moderator_client.post("/api/v1/tags/crema/merge", json={"into": "CREMA"})
    assert api.status_code == 422 and "into" in api.get_json()["error"]["fields"]
    assert _audit(db, "tag_merge") == []


def test_merge_through_the_api_and_synonyms_resolve_everywhere(db, moderator_client, make_thread,
                                                                member_client):
    make_thread(tags=["latte-art"])
    make_thread(tags=["milk-art"])
    resp = moderator_client.post("/api/v1/tags/milk-art/merge", json={"into": "latte-art"})
    assert resp.get_json() == {"merged": "milk-art", "into": "latte-art", "threads": 1}
    detail = member_client.get("/api/v1/tags/milk-art").get_json()
    assert detail["name"] == "latte-art" and detail["count"] == 2
    assert member_client.put("/api/v1/tags/milk-art/follow").get_json() == {
        "tag": "latte-art", "following": True}
    again = moderator_client.post("/api/v1/tags/milk-art/merge", json={"into": "latte-art"})
    assert again.status_code == 422
