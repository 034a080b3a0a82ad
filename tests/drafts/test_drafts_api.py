"""The drafts API: save, restore, discard; per member; unreadable forms are missing."""

from __future__ import annotations

from sqlalchemy import select

from community.models import Draft
from community.services import accounts


def _rows(db) -> list[tuple]:
    db.session.rollback()
    return list(db.session.execute(
        select(Draft.user_id, Draft.key, Draft.title, Draft.body).order_by(Draft.id)))


def _not_found(resp) -> None:
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"


def test_a_member_saves_restores_and_discards_an_answer_draft(db, member_client, make_thread):
    thread = make_thread()
    key = f"thread:{thread.id}"
    saved = member_client.put(f"/api/v1/drafts/{key}", json={"body": "Half an answer"})
    assert saved.status_code == 200
    assert saved.get_json()["body"] == "Half an answer"
    assert saved.get_json()["thread_id"] == thread.id
    member_client.put(f"/api/v1/drafts/{key}", json={"body": "Half an answer, then more"})
    got = member_client.get(f"/api/v1/drafts/{key}").get_json()
    assert (got["key"], got["body"], got["title"]) == (key, "Half an answer, then more", None)
    assert got["updated_at"].endswith("+00:00")
    assert _rows(db) == [(member_client.user.id, key, None, "Half an answer, then more")]
    gone = member_client.delete(f"/api/v1/drafts/{key}")
    assert gone.status_code == 204
    assert _rows(db) == []
    _not_found(member_client.get(f"/api/v1/drafts/{key}"))
    # Discarding what is not there is no error: the form exists, its draft does not.
    assert member_client.delete(f"/api/v1/drafts/{key}").status_code == 204
    assert _rows(db) == []


def test_an_ask_form_draft_keeps_its_title_and_lists_latest_first(db, member_client,
                                                                  make_space, make_thread):
    space, thread = make_space(), make_thread()
    member_client.put(f"/api/v1/drafts/thread:{thread.id}", json={"body": "An answer",
                                                                  "title": "ignored"})
    member_client.put(f"/api/v1/drafts/new:{space.id}",
                      json={"title": "Why does my grinder squeak?", "body": "It started"})
    got = member_client.get(f"/api/v1/drafts/new:{space.id}").get_json()
    assert (got["title"], got["body"], got["space_id"]) == (
        "Why does my grinder squeak?", "It started", space.id)
    listing = member_client.get("/api/v1/drafts").get_json()
    assert listing["total"] == 2
    assert [d["key"] for d in listing["items"]] == [f"new:{space.id}", f"thread:{thread.id}"]
    assert listing["items"][1]["title"] is None  # an answer box has no title


def test_another_member_never_sees_a_draft(db, member_client, make_user, client_for,
                                           make_thread):
    thread = make_thread()
    key = f"thread:{thread.id}"
    member_client.put(f"/api/v1/drafts/{key}", json={"body": "Mine alone"})
    other = client_for(make_user())
    _not_found(other.get(f"/api/v1/drafts/{key}"))
    assert other.get("/api/v1/drafts").get_json()["items"] == []
    # Their own save and discard touch only their own row.
    other.put(f"/api/v1/drafts/{key}", json={"body": "Theirs"})
    other.delete(f"/api/v1/drafts/{key}")
    assert _rows(db) == [(member_client.user.id, key, None, "Mine alone")]
    assert member_client.get(f"/api/v1/drafts/{key}").get_json()["body"] == "Mine alone"


def test_a_draft_on_a_thread_that_became_unreadable_is_missing(db, member_client, make_space,
                                                               make_thread):
    space = make_space(visibility="members")
    thread = make_thread(space=space)
    key = f"thread:{thread.id}"
    member_client.put(f"/api/v1/drafts/{key}", json={"body": "Written before the move"})
    space.visibility = "staff"
    db.session.commit()
    for resp in (member_client.get(f"/api/v1/drafts/{key}"),
                 member_client.put(f"/api/v1/drafts/{key}", json={"body": "Overwritten?"}),
                 member_client.delete(f"/api/v1/drafts/{key}")):
        _not_found(resp)
    assert member_client.get("/api/v1/drafts").get_json() == {
        "items": [], "page": 1, "per_page": 20, "total": 0}
    # Nothing was changed by the refused calls.
    assert _rows(db) == [(member_client.user.id, key, None, "Written before the move")]


def test_a_missing_or_malformed_key_is_missing(db, member_client, make_thread):
    thread = make_thread()
    for key in ("thread:999999", "new:999999", "thread:abc", "post:1", "thread:0",
                f"thread:{thread.id}x", "new:" + "9" * 30):
        _not_found(member_client.put(f"/api/v1/drafts/{key}", json={"body": "text"}))
    assert _rows(db) == []


def test_guests_are_asked_to_sign_in(db, client, make_thread):
    thread = make_thread()
    resp = client.put(f"/api/v1/drafts/thread:{thread.id}", json={"body": "anonymous"})
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "unauthorized"
    assert client.get("/api/v1/drafts").get_json()["error"]["code"] == "unauthorized"
    assert _rows(db) == []


def test_bad_input_names_the_field_and_keeps_the_draft(db, member_client, make_thread,
                                                       make_space):
    thread, space = make_thread(), make_space()
    key = f"thread:{thread.id}"
    member_client.put(f"/api/v1/drafts/{key}", json={"body": "Kept"})
    for body in ({}, {"body": 5}, {"body": "x" * 32_001}, {"body": "a\x00b"}):
        resp = member_client.put(f"/api/v1/drafts/{key}", json=body)
        assert resp.status_code == 422, body
        assert "body" in resp.get_json()["error"]["fields"]
    resp = member_client.put(f"/api/v1/drafts/new:{space.id}", json={"body": "b", "title": "t" * 256})
    assert resp.get_json()["error"]["fields"] == {"title": ["Write at most 255 characters."]}
    assert _rows(db) == [(member_client.user.id, key, None, "Kept")]


def test_saving_an_empty_form_discards_its_draft(db, member_client, make_thread):
    thread = make_thread()
    key = f"thread:{thread.id}"
    member_client.put(f"/api/v1/drafts/{key}", json={"body": "Something"})
    resp = member_client.put(f"/api/v1/drafts/{key}", json={"body": "  \n"})
    assert resp.status_code == 204 and resp.get_data() == b""
    assert _rows(db) == []


def test_saves_are_rate_limited_per_account(limited_app, db, make_user, make_thread):
    limited_app.config["DRAFT_RATE_LIMIT"] = "3 per minute"
    thread = make_thread()
    key = f"thread:{thread.id}"

    def save_as(user, text):
        token = accounts.issue_token(db.session, user)
        db.session.commit()  # the test's session lets go of SQLite first
        return limited_app.test_client().put(
            f"/api/v1/drafts/{key}", json={"body": text},
            headers={"Authorization": f"Bearer {token}"})

    first, second = make_user(), make_user()
    answers = [save_as(first, f"version {n}") for n in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[3].get_json()["error"]
    assert refused["code"] == "rate_limited" and int(answers[3].headers["Retry-After"]) > 0
    assert _rows(db) == [(first.id, key, None, "version 2")]  # the refused save changed nothing
    # Another account has its own allowance.
    assert save_as(second, "theirs").get_json()["body"] == "theirs"
