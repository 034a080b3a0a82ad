"""GET/POST /threads, GET/PATCH /threads/{id}: filters, sorting, pagination, revisions."""

from __future__ import annotations

import re

import pytest
from api_helpers import assert_error, thread_body

from community.models import Revision, Thread


def _ids(resp):
    assert resp.status_code == 200, resp.json
    assert set(resp.json) == {"items", "page", "per_page", "total"}
    return [t["id"] for t in resp.json["items"]]


# ---- create and read ----

def test_a_member_asks_a_question(member_client, make_space, db):
    space = make_space()
    resp = member_client.post("/api/v1/threads", json=thread_body(
        space, title="How do I reset my password?", body="I *forgot* it and the link expired.",
        tags=["Accounts", "login"]))
    assert resp.status_code == 201, resp.json
    t = resp.json
    assert t["space"] == space.slug and t["kind"] == "question"
    assert t["title"] == "How do I reset my password?"
    assert "<em>forgot</em>" in t["body_html"]
    assert t["tags"] == ["accounts", "login"]
    assert t["status"] == "open" and t["score"] == 0 and t["my_vote"] == 0
    assert t["accepted_post_id"] is None and t["posts"] == []
    assert t["author"]["username"] == member_client.user.username
    assert set(t["author"]) >= {"id", "username", "display_name", "level", "is_staff", "is_ambassador"}
    assert re.search(r"\+00:00$", t["created_at"])
    assert db.session.get(Thread, t["id"]).author_id == member_client.user.id


@pytest.mark.parametrize("kind", ["idea", "discussion"])
def test_ideas_and_discussions_can_be_started(member_client, make_space, kind):
    resp = member_client.post("/api/v1/threads", json=thread_body(make_space(), kind=kind))
    assert resp.status_code == 201
    assert resp.json["kind"] == kind
    assert resp.json["status"] == ("new" if kind == "idea" else "open")


def test_a_guest_cannot_create_a_thread(client, make_space):
    assert_error(client.post("/api/v1/threads", json=thread_body(make_space())), 401, "unauthorized")
    assert client.get("/api/v1/threads").json["total"] == 0


def test_thread_creation_answers_field_errors(member_client, make_space):
    space = make_space()
    cases = {
        "title": {"title": "short"},
        "body": {"body": "too short"},
        "kind": {"kind": "poll"},
        "tags": {"tags": ["Not A Tag!"]},
    }
    for field, override in cases.items():
        assert_error(member_client.post("/api/v1/threads", json=thread_body(space, **override)),
                     422, "validation_error", field=field)
    assert_error(member_client.post("/api/v1/threads", json=thread_body(space, tags=list("abcdef"))),
                 422, "validation_error", field="tags")
    assert member_client.get("/api/v1/threads").json["total"] == 0


def test_a_thread_in_an_unknown_space_is_404(member_client, db):
    assert_error(member_client.post("/api/v1/threads", json=thread_body("no-such-space")),
                 404, "not_found")
    assert db.session.query(Thread).count() == 0


def test_get_thread_has_the_contract_fields(client, make_thread, make_post):
    thread = make_thread()
    make_post(thread=thread)
    resp = client.get(f"/api/v1/threads/{thread.id}")
    assert resp.status_code == 200
    assert set(resp.json) >= {
        "id", "space", "kind", "title", "body", "body_html", "author", "tags", "status", "score",
        "my_vote", "accepted_post_id", "is_locked", "is_pinned", "duplicate_of", "created_at",
        "last_activity_at", "posts"}
    assert "case" not in resp.json
    (post,) = resp.json["posts"]
    assert set(post) >= {"id", "thread_id", "author", "body", "body_html", "score", "my_vote",
                         "is_accepted", "is_official", "created_at", "edited_at"}
    assert resp.json["status"] == "answered"


def test_get_unknown_thread_is_404(client):
    assert_error(client.get("/api/v1/threads/424242"), 404, "not_found")


# ---- edit ----

def test_the_author_edits_a_thread_and_a_revision_is_kept(client_for, make_user, make_thread, db):
    author = make_user()
    thread = make_thread(author=author, title="The original title here", tags=["old"])
    api = client_for(author)
    resp = api.patch(f"/api/v1/threads/{thread.id}", json={
        "title": "A better title for this", "body": "A **new** body that is long enough.",
        "tags": ["new"]})
    assert resp.status_code == 200, resp.json
    assert resp.json["title"] == "A better title for this"
    assert "<strong>new</strong>" in resp.json["body_html"]
    assert resp.json["tags"] == ["new"]
    assert resp.json["edited_at"] is not None
    (rev,) = db.session.query(Revision).filter_by(thread_id=thread.id).all()
    assert rev.title == "The original title here" and rev.tags == "old"
    assert rev.editor_id == author.id


def test_a_patch_with_only_some_fields_keeps_the_others(client_for, make_user, make_thread):
    author = make_user()
    thread = make_thread(author=author, tags=["keep"])
    resp = client_for(author).patch(f"/api/v1/threads/{thread.id}",
                                    json={"title": "Only the title changes here"})
    assert resp.status_code == 200
    assert resp.json["tags"] == ["keep"] and resp.json["body"] == thread.body


def test_a_moderator_edits_someone_elses_thread(moderator_client, make_thread, client, db):
    thread = make_thread()
    resp = moderator_client.patch(f"/api/v1/threads/{thread.id}",
                                  json={"title": "Edited by the moderator"})
    assert resp.status_code == 200
    assert client.get(f"/api/v1/threads/{thread.id}").json["title"] == "Edited by the moderator"
    (rev,) = db.session.query(Revision).filter_by(thread_id=thread.id).all()
    assert rev.editor_id == moderator_client.user.id


def test_another_member_cannot_edit_without_the_reputation(client_for, make_user, make_thread, db):
    thread = make_thread(title="Nobody else may change this")
    resp = client_for(make_user(reputation=10)).patch(
        f"/api/v1/threads/{thread.id}", json={"title": "Vandalised title here"})
    err = assert_error(resp, 403, "forbidden")
    assert "1000" in err["message"]
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).title == "Nobody else may change this"
    assert db.session.query(Revision).count() == 0


def test_a_member_with_the_edit_privilege_can_edit(client_for, make_user, make_thread, client):
    thread = make_thread()
    resp = client_for(make_user(reputation=1000)).patch(
        f"/api/v1/threads/{thread.id}", json={"title": "Improved by a trusted member"})
    assert resp.status_code == 200
    assert client.get(f"/api/v1/threads/{thread.id}").json["title"] == "Improved by a trusted member"


def test_edit_answers_field_errors(client_for, make_user, make_thread, client):
    author = make_user()
    thread = make_thread(author=author)
    assert_error(client_for(author).patch(f"/api/v1/threads/{thread.id}", json={"title": "x"}),
                 422, "validation_error", field="title")
    shown = client.get(f"/api/v1/threads/{thread.id}").json
    assert shown["title"] == thread.title and shown["edited_at"] is None


def test_a_guest_cannot_edit(client, make_thread):
    thread = make_thread()
    assert_error(client.patch(f"/api/v1/threads/{thread.id}", json={"title": "Guest edit title"}),
                 401, "unauthorized")
    assert client.get(f"/api/v1/threads/{thread.id}").json["title"] == thread.title


# ---- list, filters, sorting, pagination ----

def test_list_filters_by_space_kind_and_tag(client, make_space, make_thread):
    a, b = make_space(slug="alpha"), make_space(slug="beta")
    q = make_thread(space=a, kind="question", tags=["python"])
    i = make_thread(space=a, kind="idea", tags=["rust"])
    d = make_thread(space=b, kind="discussion", tags=["python"])
    assert set(_ids(client.get("/api/v1/threads"))) == {q.id, i.id, d.id}
    assert set(_ids(client.get("/api/v1/threads?space=alpha"))) == {q.id, i.id}
    assert _ids(client.get("/api/v1/threads?kind=idea")) == [i.id]
    assert set(_ids(client.get("/api/v1/threads?tag=python"))) == {q.id, d.id}
    assert _ids(client.get("/api/v1/threads?space=beta&tag=python")) == [d.id]
    assert client.get("/api/v1/threads?space=alpha").json["total"] == 2


def test_list_of_an_unknown_space_is_404(client):
    assert_error(client.get("/api/v1/threads?space=nowhere"), 404, "not_found")


def test_list_filters_by_question_status(client, db, make_space, make_thread, make_post):
    space = make_space()
    open_q = make_thread(space=space)
    answered = make_thread(space=space)
    make_post(thread=answered)
    solved = make_thread(space=space)
    answer = make_post(thread=solved)
    solved.accepted_post_id = answer.id
    closed = make_thread(space=space)
    closed.is_closed = True
    db.session.commit()
    statuses = {}
    for status in ("open", "answered", "solved", "closed"):
        ids = _ids(client.get(f"/api/v1/threads?status={status}&kind=question"))
        statuses[status] = set(ids)
        for item in client.get(f"/api/v1/threads?status={status}").json["items"]:
            assert item["status"] == status
    assert statuses == {"open": {open_q.id}, "answered": {answered.id}, "solved": {solved.id},
                        "closed": {closed.id}}


def test_list_filters_by_idea_status(client, db, make_thread):
    planned = make_thread(kind="idea")
    planned.idea_status = "planned"
    new = make_thread(kind="idea")
    make_thread(kind="question")
    db.session.commit()
    assert _ids(client.get("/api/v1/threads?status=planned")) == [planned.id]
    assert _ids(client.get("/api/v1/threads?status=new")) == [new.id]
    assert _ids(client.get("/api/v1/threads?status=shipped")) == []


def test_an_unknown_filter_value_is_a_field_error(client):
    assert_error(client.get("/api/v1/threads?status=bogus"), 422, field="status")
    assert_error(client.get("/api/v1/threads?kind=poll"), 422, field="kind")
    assert_error(client.get("/api/v1/threads?sort=random"), 422, field="sort")


def test_sort_by_votes_and_unanswered(client, db, make_space, make_thread, make_post):
    space = make_space()
    low, high, answered = (make_thread(space=space) for _ in range(3))
    high.score, low.score, answered.score = 5, -1, 2
    db.session.commit()
    make_post(thread=answered)
    assert _ids(client.get(f"/api/v1/threads?space={space.slug}&sort=votes")) == \
        [high.id, answered.id, low.id]
    unanswered = _ids(client.get(f"/api/v1/threads?space={space.slug}&sort=unanswered"))
    assert set(unanswered) == {low.id, high.id}


def test_recent_sort_puts_the_latest_activity_first(client, make_space, make_thread, make_post):
    space = make_space()
    first, second = make_thread(space=space), make_thread(space=space)
    assert _ids(client.get("/api/v1/threads?sort=recent")) == [second.id, first.id]
    make_post(thread=first)
    assert _ids(client.get("/api/v1/threads")) == [first.id, second.id]


def test_pagination_shape_and_pages(client, make_space, make_thread):
    space = make_space()
    made = [make_thread(space=space) for _ in range(5)]
    resp = client.get("/api/v1/threads?per_page=2&page=2")
    assert resp.json["page"] == 2 and resp.json["per_page"] == 2 and resp.json["total"] == 5
    assert len(resp.json["items"]) == 2
    seen = []
    for page in (1, 2, 3):
        seen += _ids(client.get(f"/api/v1/threads?per_page=2&page={page}"))
    assert sorted(seen) == sorted(t.id for t in made)
    assert _ids(client.get("/api/v1/threads?per_page=2&page=9")) == []


def test_default_page_is_one_of_twenty(client):
    resp = client.get("/api/v1/threads")
    assert resp.json == {"items": [], "page": 1, "per_page": 20, "total": 0}


@pytest.mark.parametrize("query", ["page=0", "page=-1", "page=abc", "page=1.5", "per_page=0",
                                   "per_page=abc", "per_page=-5"])
def test_bad_page_arguments_are_400(client, query):
    assert_error(client.get(f"/api/v1/threads?{query}"), 400, "bad_request")


def test_per_page_over_100_is_clamped(client):
    resp = client.get("/api/v1/threads?per_page=1000")
    assert resp.status_code == 200
    assert resp.json["per_page"] == 100
