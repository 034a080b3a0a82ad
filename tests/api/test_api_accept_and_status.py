"""POST/DELETE /threads/{id}/accept and PUT /threads/{id}/status."""

from __future__ import annotations

import pytest
from api_helpers import assert_error

from community.models import IDEA_STATUSES, Thread


@pytest.fixture
def question(make_user, make_thread, make_post, client_for):
    asker = make_user()
    thread = make_thread(author=asker)
    answers = [make_post(thread=thread, body=f"Answer number {i}") for i in range(3)]
    return thread, answers, client_for(asker)


def test_the_asker_accepts_an_answer_and_the_question_is_solved(question, db):
    thread, answers, asker = question
    resp = asker.post(f"/api/v1/threads/{thread.id}/accept", json={"post_id": answers[1].id})
    assert resp.status_code == 200, resp.json
    assert resp.json["accepted_post_id"] == answers[1].id
    assert resp.json["status"] == "solved"
    flags = {p["id"]: p["is_accepted"] for p in resp.json["posts"]}
    assert flags == {answers[0].id: False, answers[1].id: True, answers[2].id: False}


def test_accepting_another_answer_moves_the_mark(question):
    thread, answers, asker = question
    asker.post(f"/api/v1/threads/{thread.id}/accept", json={"post_id": answers[0].id})
    resp = asker.post(f"/api/v1/threads/{thread.id}/accept", json={"post_id": answers[2].id})
    assert resp.json["accepted_post_id"] == answers[2].id
    assert [p["id"] for p in resp.json["posts"] if p["is_accepted"]] == [answers[2].id]


def test_unaccept_returns_to_answered(question):
    thread, answers, asker = question
    asker.post(f"/api/v1/threads/{thread.id}/accept", json={"post_id": answers[0].id})
    resp = asker.delete(f"/api/v1/threads/{thread.id}/accept")
    assert resp.status_code == 200
    assert resp.json["accepted_post_id"] is None and resp.json["status"] == "answered"
    assert not any(p["is_accepted"] for p in resp.json["posts"])


def test_a_moderator_may_accept_and_unaccept(question, moderator_client, client):
    thread, answers, _ = question
    assert moderator_client.post(f"/api/v1/threads/{thread.id}/accept",
                                 json={"post_id": answers[0].id}).status_code == 200
    shown = client.get(f"/api/v1/threads/{thread.id}").json
    assert (shown["accepted_post_id"], shown["status"]) == (answers[0].id, "solved")
    assert moderator_client.delete(f"/api/v1/threads/{thread.id}/accept").status_code == 200
    shown = client.get(f"/api/v1/threads/{thread.id}").json
    assert (shown["accepted_post_id"], shown["status"]) == (None, "answered")


def test_others_cannot_accept_or_unaccept(question, client_for, make_user, employee_client, client,
                                          db):
    thread, answers, asker = question
    for other in (client_for(make_user(reputation=99999)), employee_client):
        assert_error(other.post(f"/api/v1/threads/{thread.id}/accept",
                                json={"post_id": answers[0].id}), 403, "forbidden")
    assert_error(client.post(f"/api/v1/threads/{thread.id}/accept",
                             json={"post_id": answers[0].id}), 401, "unauthorized")
    asker.post(f"/api/v1/threads/{thread.id}/accept", json={"post_id": answers[0].id})
    assert_error(client_for(make_user()).delete(f"/api/v1/threads/{thread.id}/accept"),
                 403, "forbidden")
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).accepted_post_id == answers[0].id


def test_accepting_an_answer_of_another_thread_is_404(question, make_thread, make_post):
    thread, _answers, asker = question
    elsewhere = make_post(thread=make_thread())
    assert_error(asker.post(f"/api/v1/threads/{thread.id}/accept", json={"post_id": elsewhere.id}),
                 404, "not_found")
    assert_error(asker.post(f"/api/v1/threads/{thread.id}/accept", json={"post_id": 99999}),
                 404, "not_found")
    shown = asker.get(f"/api/v1/threads/{thread.id}").json
    assert shown["accepted_post_id"] is None and shown["status"] == "answered"
    assert asker.get(f"/api/v1/threads/{elsewhere.thread_id}").json["accepted_post_id"] is None


def test_accept_needs_an_integer_post_id(question):
    thread, _answers, asker = question
    for bad in ({}, {"post_id": "1"}, {"post_id": -1}, {"post_id": 10**30}):
        assert_error(asker.post(f"/api/v1/threads/{thread.id}/accept", json=bad), 422,
                     field="post_id")
    assert asker.get(f"/api/v1/threads/{thread.id}").json["accepted_post_id"] is None


def test_only_questions_have_an_accepted_answer(client_for, make_user, make_thread, make_post):
    author = make_user()
    idea = make_thread(author=author, kind="idea")
    reply = make_post(thread=idea)
    assert_error(client_for(author).post(f"/api/v1/threads/{idea.id}/accept",
                                         json={"post_id": reply.id}), 422, "validation_error")
    shown = client_for(author).get(f"/api/v1/threads/{idea.id}").json
    assert shown["accepted_post_id"] is None and shown["status"] == "new"


def test_posts_come_accepted_first_then_by_score_then_oldest(question, client_for, make_user, db):
    thread, answers, asker = question
    a0, a1, a2 = answers
    # a2 gets the most votes, a0 and a1 tie (oldest first), then a1 is accepted.
    for _ in range(2):
        client_for(make_user()).put(f"/api/v1/posts/{a2.id}/vote", json={"value": 1})
    order = [p["id"] for p in asker.get(f"/api/v1/threads/{thread.id}").json["posts"]]
    assert order == [a2.id, a0.id, a1.id]
    asker.post(f"/api/v1/threads/{thread.id}/accept", json={"post_id": a1.id})
    order = [p["id"] for p in asker.get(f"/api/v1/threads/{thread.id}").json["posts"]]
    assert order == [a1.id, a2.id, a0.id]


def test_replies_to_ideas_and_discussions_are_oldest_first(make_thread, make_post, client_for,
                                                           make_user, client):
    for kind in ("idea", "discussion"):
        thread = make_thread(kind=kind)
        first, second = make_post(thread=thread), make_post(thread=thread)
        client_for(make_user()).put(f"/api/v1/posts/{second.id}/vote", json={"value": 1})
        order = [p["id"] for p in client.get(f"/api/v1/threads/{thread.id}").json["posts"]]
        assert order == [first.id, second.id]


# ---- idea status ----

def test_staff_set_an_idea_status_with_a_note(employee_client, make_thread, client):
    idea = make_thread(kind="idea")
    for status in IDEA_STATUSES:
        resp = employee_client.put(f"/api/v1/threads/{idea.id}/status",
                                   json={"status": status, "note": f"Now {status}."})
        assert resp.status_code == 200, resp.json
        assert resp.json["status"] == status
    shown = client.get(f"/api/v1/threads/{idea.id}").json
    assert shown["status"] == "duplicate" and shown["status_note"] == "Now duplicate."


def test_the_note_is_optional(moderator_client, make_thread):
    idea = make_thread(kind="idea")
    resp = moderator_client.put(f"/api/v1/threads/{idea.id}/status", json={"status": "planned"})
    assert resp.status_code == 200 and resp.json["status_note"] is None


def test_members_cannot_set_an_idea_status_even_their_own(client_for, make_user, make_thread, db):
    author = make_user(reputation=99999)
    idea = make_thread(kind="idea", author=author)
    assert_error(client_for(author).put(f"/api/v1/threads/{idea.id}/status",
                                        json={"status": "shipped"}), 403, "forbidden")
    db.session.expire_all()
    assert db.session.get(Thread, idea.id).status == "new"


def test_an_unknown_status_or_a_non_idea_is_422(employee_client, make_thread):
    idea = make_thread(kind="idea")
    assert_error(employee_client.put(f"/api/v1/threads/{idea.id}/status",
                                     json={"status": "done"}), 422, field="status")
    question = make_thread(kind="question")
    assert_error(employee_client.put(f"/api/v1/threads/{question.id}/status",
                                     json={"status": "planned"}), 422, "validation_error")
    assert employee_client.get(f"/api/v1/threads/{idea.id}").json["status"] == "new"
    assert employee_client.get(f"/api/v1/threads/{question.id}").json["status"] == "open"
