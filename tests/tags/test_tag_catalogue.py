"""/tags and /tags/<name>: counts of what the reader may read, search, follow buttons."""

from __future__ import annotations

from sqlalchemy import select

from community.models import Follow, Notification, Tag


def _text(resp) -> str:
    return resp.get_data(as_text=True)


def test_counts_only_include_threads_the_reader_may_read(db, app, browser, client, make_user,
                                                         make_space, make_thread, client_for):
    public, staff = make_space(), make_space(visibility="staff")
    member, employee = make_user(), make_user(role="employee")
    make_thread(space=public, tags=["shared"])
    make_thread(space=staff, author=employee, tags=["shared"])
    make_thread(space=staff, author=employee, tags=["secret-roadmap"])

    def counts(c):
        items = c.get("/api/v1/tags").get_json()["items"]
        return {i["name"]: i["count"] for i in items}

    assert counts(client_for(member)) == {"shared": 1}
    assert counts(client_for(employee)) == {"shared": 2, "secret-roadmap": 1}
    assert counts(client) == {"shared": 1}
    member_page = _text(browser(member).get("/tags"))
    assert "1 thread" in member_page and "secret-roadmap" not in member_page
    assert "2 threads" in _text(browser(employee).get("/tags"))
    # A tag found only on staff threads does not exist to a member, on any surface.
    assert client_for(member).get("/api/v1/tags/secret-roadmap").status_code == 404
    assert browser(member).get("/tags/secret-roadmap").status_code == 404
    assert client_for(member).put("/api/v1/tags/secret-roadmap/follow").status_code == 404
    detail = client_for(employee).get("/api/v1/tags/shared").get_json()
    assert detail["count"] == 2 and detail["threads"]["total"] == 2
    assert client_for(member).get("/api/v1/tags/shared").get_json()["threads"]["total"] == 1


def test_the_catalogue_is_sorted_by_count_searchable_by_prefix_and_paginated(
        db, client, make_space, make_thread):
    space = make_space()
    for _ in range(3):
        make_thread(space=space, tags=["espresso"])
    make_thread(space=space, tags=["espresso-machine", "milk"])
    make_thread(space=space, tags=["milk"])
    names = [i["name"] for i in client.get("/api/v1/tags").get_json()["items"]]
    assert names == ["espresso", "milk", "espresso-machine"]
    found = client.get("/api/v1/tags?q=ESPRESSO").get_json()
    assert [i["name"] for i in found["items"]] == ["espresso", "espresso-machine"]
    assert found["total"] == 2
    second = client.get("/api/v1/tags?per_page=2&page=2").get_json()
    assert [i["name"] for i in second["items"]] == ["espresso-machine"]
    assert second["total"] == 3
    page = _text(client.get("/tags?q=mil"))
    assert 'href="/tags/milk"' in page and "/tags/espresso" not in page
    # A prefix with LIKE's wildcards is a prefix, not a pattern.
    assert client.get("/api/v1/tags?q=%25").get_json()["items"] == []


def test_thread_lists_and_pages_link_tags_to_their_page(db, client, make_space, make_thread):
    thread = make_thread(space=make_space(slug="brewing"), tags=["pour-over"])
    for path in ("/", "/spaces/brewing", f"/threads/{thread.id}"):
        assert 'href="/tags/pour-over"' in _text(client.get(path)), path
    page = _text(client.get("/tags/pour-over"))
    assert thread.title in page


def test_following_a_tag_from_its_page_notifies_new_threads_with_it(
        db, app, browser, make_user, make_space, make_thread, form_token):
    space = make_space()
    make_thread(space=space, tags=["grinder"])
    member = make_user()
    c = browser(member)
    page = _text(c.get("/tags/grinder"))
    assert 'action="/tags/grinder/follow"' in page and "aria-pressed=\"false\"" in page
    resp = c.post("/tags/grinder/follow", data={"follow": "1", "csrf_token": form_token(page)})
    assert resp.status_code == 303
    assert 'aria-pressed="true"' in _text(c.get("/tags/grinder"))
    thread = make_thread(space=space, tags=["grinder"])
    verbs = db.session.scalars(select(Notification.verb).where(
        Notification.user_id == member.id, Notification.thread_id == thread.id)).all()
    assert verbs == ["thread_created"]
    # Without the page's token nothing changes.
    assert c.post("/tags/grinder/follow", data={"follow": "0"}).status_code == 400
    page = _text(c.get("/tags/grinder"))
    c.post("/tags/grinder/follow", data={"follow": "0", "csrf_token": form_token(page)})
    tag = db.session.scalar(select(Tag).where(Tag.name == "grinder"))
    row = db.session.scalar(select(Follow).where(Follow.user_id == member.id,
                                                 Follow.target_id == tag.id))
    assert row.target_type == "tag" and row.active is False
    later = make_thread(space=space, tags=["grinder"])
    assert db.session.scalars(select(Notification).where(
        Notification.user_id == member.id, Notification.thread_id == later.id)).all() == []


def test_following_a_space_from_its_page(db, browser, make_user, make_space, make_thread,
                                         client_for, form_token):
    space = make_space(slug="roasting")
    member = make_user()
    c = browser(member)
    page = _text(c.get("/spaces/roasting"))
    assert 'action="/spaces/roasting/follow"' in page
    c.post("/spaces/roasting/follow", data={"follow": "1", "csrf_token": form_token(page)})
    assert 'aria-pressed="true"' in _text(c.get("/spaces/roasting"))
    follows = client_for(member).get("/api/v1/follows").get_json()["items"]
    assert [(f["type"], f["slug"]) for f in follows] == [("space", "roasting")]
    thread = make_thread(space=space)
    assert db.session.scalars(select(Notification.verb).where(
        Notification.user_id == member.id, Notification.thread_id == thread.id)).all() == [
        "thread_created"]
    staff_space = make_space(slug="internal", visibility="staff")
    assert c.post("/spaces/internal/follow", data={
        "follow": "1", "csrf_token": form_token(page)}).status_code == 404
    assert staff_space.id


def test_follow_and_unfollow_a_tag_through_the_api(db, member_client, make_thread):
    make_thread(tags=["kettle"])
    assert member_client.put("/api/v1/tags/Kettle/follow").get_json() == {
        "tag": "kettle", "following": True}
    assert member_client.delete("/api/v1/tags/kettle/follow").get_json() == {
        "tag": "kettle", "following": False}
    assert member_client.put("/api/v1/tags/nope/follow").status_code == 404
