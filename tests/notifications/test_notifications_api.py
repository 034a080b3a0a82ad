"""The notifications, follows, watches and preferences endpoints of API.md."""

from __future__ import annotations

import pytest


def answer(client_for, user, thread, body="Here is an answer that helps."):
    resp = client_for(user).post(f"/api/v1/threads/{thread.id}/posts", json={"body": body})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def test_list_shows_the_contract_fields_and_unread_filter(member_client, client_for, make_user,
                                                         make_thread):
    thread = make_thread(author=member_client.user, title="Which grinder for espresso at home?")
    answerer = make_user()
    post = answer(client_for, answerer, thread)
    body = member_client.get("/api/v1/notifications?unread=1&verb=x").get_json()
    item = next(i for i in body["items"] if i["verb"] == "answer_posted")
    assert set(item) >= {"id", "verb", "text", "url", "thread_id", "actor", "created_at", "read"}
    assert item["url"] == f"/threads/{thread.id}#post-{post['id']}"
    assert item["actor"]["username"] == answerer.username and item["read"] is False
    assert item["created_at"].endswith("+00:00")
    me = member_client.get("/api/v1/me").get_json()
    assert me["unread_notifications"] == body["total"]


def test_mark_one_then_all_read(member_client, client_for, make_user, make_thread):
    thread = make_thread(author=member_client.user)
    answer(client_for, make_user(), thread)
    answer(client_for, make_user(), thread)
    items = member_client.get("/api/v1/notifications?unread=1").get_json()["items"]
    total = len(items)
    resp = member_client.post("/api/v1/notifications/read", json={"ids": [items[0]["id"]]})
    assert resp.status_code == 200 and resp.get_json() == {"unread": total - 1}
    resp = member_client.post("/api/v1/notifications/read", json={"all": True})
    assert resp.get_json() == {"unread": 0}
    assert member_client.get("/api/v1/notifications?unread=1").get_json()["items"] == []
    assert len(member_client.get("/api/v1/notifications").get_json()["items"]) == total


def test_marking_someone_elses_notification_changes_nothing(member_client, client_for, make_user,
                                                           make_thread):
    other = make_user()
    thread = make_thread(author=other)
    answer(client_for, make_user(), thread)
    other_client = client_for(other)
    [note] = [i for i in other_client.get("/api/v1/notifications").get_json()["items"]
              if i["verb"] == "answer_posted"]
    member_client.post("/api/v1/notifications/read", json={"ids": [note["id"]]})
    again = other_client.get("/api/v1/notifications?unread=1").get_json()["items"]
    assert note["id"] in [i["id"] for i in again]


@pytest.mark.parametrize("payload", [{}, {"ids": "1"}, {"ids": [True]}, {"ids": [-1]},
                                     {"ids": ["x"]}, {"all": "yes"}, [1, 2]])
def test_bad_read_bodies_are_clear_errors(member_client, client_for, make_user, make_thread,
                                         payload):
    thread = make_thread(author=member_client.user)
    answer(client_for, make_user(), thread)
    before = member_client.get("/api/v1/notifications?unread=1").get_json()["items"]
    assert "answer_posted" in [i["verb"] for i in before]
    resp = member_client.post("/api/v1/notifications/read", json=payload)
    assert resp.status_code in (400, 422)
    assert set(resp.get_json()) == {"error"} and resp.get_json()["error"]["message"]
    assert member_client.get("/api/v1/notifications?unread=1").get_json()["items"] == before


def test_guests_get_401(client, client_for, make_user, make_thread):
    answer(client_for, make_user(), make_thread(title="A thread whose news stays private"))
    for path in ("/api/v1/notifications", "/api/v1/watches"):
        resp = client.get(path)
        assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "unauthorized"
        assert "stays private" not in resp.get_data(as_text=True)


def test_follow_and_unfollow_a_thread(member_client, client_for, make_user, make_thread):
    thread = make_thread()
    resp = member_client.put(f"/api/v1/threads/{thread.id}/follow")
    assert resp.status_code == 200 and resp.get_json() == {"thread_id": thread.id, "following": True}
    answer(client_for, make_user(), thread)
    verbs = [i["verb"] for i in member_client.get("/api/v1/notifications").get_json()["items"]]
    assert verbs.count("answer_posted") == 1
    resp = member_client.delete(f"/api/v1/threads/{thread.id}/follow")
    assert resp.get_json()["following"] is False
    answer(client_for, make_user(), thread)
    verbs = [i["verb"] for i in member_client.get("/api/v1/notifications").get_json()["items"]]
    assert verbs.count("answer_posted") == 1


def test_following_an_unreadable_thread_is_a_404(member_client, make_space, make_thread, make_user):
    thread = make_thread(space=make_space(visibility="staff"), author=make_user(role="employee"))
    resp = member_client.put(f"/api/v1/threads/{thread.id}/follow")
    assert resp.status_code == 404
    assert member_client.put("/api/v1/threads/999999/follow").status_code == 404
    assert member_client.put("/api/v1/spaces/nope/follow").status_code == 404
    assert member_client.get("/api/v1/follows").get_json()["items"] == []


def test_follow_a_space_and_a_tag(member_client, client_for, make_user, make_space):
    space = make_space(slug="grinders")
    assert member_client.put("/api/v1/spaces/grinders/follow").get_json()["following"] is True
    author = client_for(make_user())
    resp = author.post("/api/v1/threads", json={"space": "grinders", "kind": "question",
                                                "title": "Burr grinder or blade grinder?",
                                                "body": "Which one keeps the flavour best?",
                                                "tags": ["burr"]})
    assert resp.status_code == 201
    assert member_client.put("/api/v1/tags/burr/follow").get_json() == {"tag": "burr", "following": True}
    follows = member_client.get("/api/v1/follows").get_json()["items"]
    assert {(f["type"], f["name"]) for f in follows} == {("space", space.name), ("tag", "burr")}
    verbs = [i["verb"] for i in member_client.get("/api/v1/notifications").get_json()["items"]]
    assert "thread_created" in verbs


def test_watches_crud(member_client, make_space):
    make_space(slug="machines")
    resp = member_client.post("/api/v1/watches", json={"query": "descaling pump", "tags": ["Pumps"],
                                                       "spaces": ["machines"]})
    assert resp.status_code == 201, resp.get_json()
    watch = resp.get_json()
    assert {k: watch[k] for k in ("query", "tags", "spaces")} == {
        "query": "descaling pump", "tags": ["pumps"], "spaces": ["machines"]}
    assert member_client.get("/api/v1/watches").get_json()["items"] == [watch]
    assert member_client.delete(f"/api/v1/watches/{watch['id']}").status_code == 204
    assert member_client.get("/api/v1/watches").get_json()["items"] == []
    assert member_client.delete(f"/api/v1/watches/{watch['id']}").status_code == 404


@pytest.mark.parametrize("payload", [{}, {"query": ""}, {"query": "x" * 300}, {"tags": ["Bad Tag!"]},
                                     {"spaces": ["no-such-space"]}, {"query": "a\u0000b"},
                                     {"tags": "notalist"}])
def test_bad_watches_are_refused(member_client, payload):
    resp = member_client.post("/api/v1/watches", json=payload)
    assert resp.status_code == 422, resp.get_json()
    assert member_client.get("/api/v1/watches").get_json()["items"] == []


def test_a_member_cannot_watch_a_staff_space_or_delete_anothers_watch(member_client, client_for,
                                                                     make_user, make_space):
    make_space(slug="internal", visibility="staff")
    assert member_client.post("/api/v1/watches", json={"spaces": ["internal"]}).status_code == 422
    other = client_for(make_user())
    watch = other.post("/api/v1/watches", json={"query": "milk"}).get_json()
    assert member_client.delete(f"/api/v1/watches/{watch['id']}").status_code == 404
    assert member_client.get("/api/v1/watches").get_json()["items"] == []
    assert other.get("/api/v1/watches").get_json()["items"] == [watch]


def test_preferences_round_trip(member_client):
    items = member_client.get("/api/v1/notifications/preferences").get_json()["items"]
    verbs = {i["verb"] for i in items}
    assert "answer_posted" in verbs and "case_assigned" not in verbs  # staff-only verbs hidden
    resp = member_client.put("/api/v1/notifications/preferences", json={
        "items": [{"verb": "answer_posted", "in_app": False, "email": "daily"}]})
    assert resp.status_code == 200
    mine = {i["verb"]: i for i in resp.get_json()["items"]}["answer_posted"]
    assert (mine["in_app"], mine["email"]) == (False, "daily")
    bad = member_client.put("/api/v1/notifications/preferences",
                            json={"items": [{"verb": "case_assigned", "email": "daily"}]})
    assert bad.status_code == 422
    bad = member_client.put("/api/v1/notifications/preferences",
                            json={"items": [{"verb": "answer_posted", "email": "hourly"}]})
    assert bad.status_code == 422


def test_in_app_off_hides_the_verb(member_client, client_for, make_user, make_thread):
    member_client.put("/api/v1/notifications/preferences",
                      json={"items": [{"verb": "answer_posted", "in_app": False}]})
    thread = make_thread(author=member_client.user)
    answer(client_for, make_user(), thread)
    verbs = [i["verb"] for i in member_client.get("/api/v1/notifications").get_json()["items"]]
    assert "answer_posted" not in verbs


def test_the_openapi_spec_documents_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/notifications", "/notifications/read", "/watches", "/watches/{watch_id}",
                 "/threads/{thread_id}/follow", "/spaces/{slug}/follow", "/tags/{name}/follow",
                 "/notifications/preferences"):
        assert path in paths, path
