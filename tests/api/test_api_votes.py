"""PUT/DELETE /threads/{id}/vote and /posts/{id}/vote."""

from __future__ import annotations

import pytest
from api_helpers import assert_error

from community.models import Post, Thread, Vote


@pytest.fixture
def targets(make_thread, make_post, make_user):
    """A thread and a post by other people, as (url, model, id) pairs."""
    thread = make_thread()
    post = make_post(thread=thread)
    return [(f"/api/v1/threads/{thread.id}/vote", Thread, thread.id),
            (f"/api/v1/posts/{post.id}/vote", Post, post.id)]


def _score(db, model, ident):
    db.session.expire_all()
    return db.session.get(model, ident).score


def test_one_vote_per_user_and_item_and_a_repeat_changes_nothing(member_client, targets, db):
    for url, model, ident in targets:
        first = member_client.put(url, json={"value": 1})
        again = member_client.put(url, json={"value": 1})
        assert first.status_code == 200 and first.json == {"score": 1, "my_vote": 1}
        assert again.status_code == 200 and again.json == {"score": 1, "my_vote": 1}
        assert _score(db, model, ident) == 1
    assert db.session.query(Vote).filter_by(user_id=member_client.user.id).count() == 2


def test_changing_up_to_down_moves_the_score_by_two(client_for, make_user, targets, db):
    for url, model, ident in targets:
        # A fresh voter per item: casting a downvote costs reputation (gamification).
        api = client_for(make_user(reputation=125))
        assert api.put(url, json={"value": 1}).json == {"score": 1, "my_vote": 1}
        resp = api.put(url, json={"value": -1})
        assert resp.json == {"score": -1, "my_vote": -1}
        assert _score(db, model, ident) == -1
        assert api.put(url, json={"value": 1}).json == {"score": 1, "my_vote": 1}


def test_removing_a_vote(client_for, make_user, targets, db):
    for url, model, ident in targets:
        api = client_for(make_user(reputation=125))
        api.put(url, json={"value": -1})
        resp = api.delete(url)
        assert resp.status_code == 200 and resp.json == {"score": 0, "my_vote": 0}
        assert api.delete(url).json == {"score": 0, "my_vote": 0}  # nothing left to remove
        assert _score(db, model, ident) == 0
    assert db.session.query(Vote).count() == 0


def test_my_vote_is_shown_on_the_thread_and_its_posts(member_client, targets, make_thread):
    for url, _model, _ident in targets:
        member_client.put(url, json={"value": 1})
    thread_id = targets[0][2]
    body = member_client.get(f"/api/v1/threads/{thread_id}").json
    assert body["my_vote"] == 1 and body["score"] == 1
    assert body["posts"][0]["my_vote"] == 1


def test_votes_of_several_users_add_up(client_for, make_user, targets, db):
    url, model, ident = targets[0]
    for _ in range(3):
        client_for(make_user()).put(url, json={"value": 1})
    client_for(make_user(reputation=200)).put(url, json={"value": -1})
    assert _score(db, model, ident) == 2


def test_voting_on_your_own_content_is_403(client_for, make_user, make_thread, make_post, db):
    me = make_user()
    api = client_for(me)
    thread = make_thread(author=me)
    post = make_post(thread=make_thread(), author=me)
    for url in (f"/api/v1/threads/{thread.id}/vote", f"/api/v1/posts/{post.id}/vote"):
        assert_error(api.put(url, json={"value": 1}), 403, "forbidden")
    assert db.session.query(Vote).count() == 0


def test_a_downvote_needs_125_reputation_for_members(client_for, make_user, targets, db):
    for url, model, ident in targets:
        err = assert_error(client_for(make_user(reputation=124)).put(url, json={"value": -1}),
                           403, "forbidden")
        assert "125" in err["message"] and "reputation" in err["message"]
        assert _score(db, model, ident) == 0
        assert client_for(make_user(reputation=125)).put(url, json={"value": -1}).status_code == 200


def test_staff_can_downvote_whatever_their_reputation(employee_client, targets):
    for url, _model, _ident in targets:
        assert employee_client.put(url, json={"value": -1}).json == {"score": -1, "my_vote": -1}


def test_guests_cannot_vote(client, targets, db):
    for url, _model, _ident in targets:
        assert_error(client.put(url, json={"value": 1}), 401, "unauthorized")
        assert_error(client.delete(url), 401, "unauthorized")
    assert db.session.query(Vote).count() == 0


@pytest.mark.parametrize("value", [0, 2, -2, "1", 1.0, None, True])
def test_a_vote_value_other_than_plus_or_minus_one_is_a_field_error(member_client, targets, value,
                                                                   db):
    for url, model, ident in targets:
        assert_error(member_client.put(url, json={"value": value}), 422, "validation_error",
                     field="value")
        assert _score(db, model, ident) == 0
    assert db.session.query(Vote).count() == 0


def test_voting_on_a_deleted_post_is_404(member_client, moderator_client, make_thread, make_post,
                                        db):
    post = make_post(thread=make_thread())
    assert moderator_client.delete(f"/api/v1/posts/{post.id}").status_code == 204
    assert_error(member_client.put(f"/api/v1/posts/{post.id}/vote", json={"value": 1}), 404)
    assert _score(db, Post, post.id) == 0 and db.session.query(Vote).count() == 0


def test_voting_on_a_missing_item_is_404(member_client, db):
    assert_error(member_client.put("/api/v1/threads/987654/vote", json={"value": 1}), 404)
    assert_error(member_client.put("/api/v1/posts/987654/vote", json={"value": 1}), 404)
    assert db.session.query(Vote).count() == 0
