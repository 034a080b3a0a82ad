"""Thread moderation: lock, pin, close, move, duplicate, merge; allowed and refused by role."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from community.models import AuditEntry, Follow, Post, Thread, Vote


def _mod(client, thread_id, action, target=None):
    body = {"action": action}
    if target is not None:
        body["target"] = target
    return client.post(f"/api/v1/threads/{thread_id}/moderate", json=body)


@pytest.mark.parametrize("action,attr,value", [
    ("lock", "is_locked", True), ("pin", "is_pinned", True), ("close", "is_closed", True)])
def test_moderators_lock_pin_and_close_and_undo_it(db, moderator_client, make_thread, action,
                                                   attr, value):
    thread = make_thread()
    resp = _mod(moderator_client, thread.id, action)
    assert resp.status_code == 200, resp.get_json()
    db.session.expire_all()
    assert getattr(db.session.get(Thread, thread.id), attr) is value
    undo = {"lock": "unlock", "pin": "unpin", "close": "reopen"}[action]
    assert _mod(moderator_client, thread.id, undo).status_code == 200
    db.session.expire_all()
    assert getattr(db.session.get(Thread, thread.id), attr) is not value
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.target_id == thread.id)))
    assert {f"thread_{action}", f"thread_{undo}"} <= actions


@pytest.mark.parametrize("action", ["lock", "pin", "move", "merge"])
def test_members_and_employees_cannot_moderate_threads(db, member_client, employee_client,
                                                       make_thread, action):
    thread = make_thread()
    assert _mod(member_client, thread.id, action, "x").status_code == 403
    assert _mod(employee_client, thread.id, action, "x").status_code == 403
    db.session.expire_all()
    after = db.session.get(Thread, thread.id)
    assert (after.is_locked, after.is_pinned, after.space_id) == (False, False, thread.space_id)
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.target_id == thread.id)).all() == []


def test_a_member_with_2000_reputation_may_close_but_not_lock(db, client_for, make_user, make_thread):
    c = client_for(make_user(reputation=2000))
    thread = make_thread()
    assert _mod(c, thread.id, "close").status_code == 200
    assert _mod(c, thread.id, "lock").status_code == 403
    db.session.expire_all()
    after = db.session.get(Thread, thread.id)
    assert after.is_closed is True and after.is_locked is False


def test_a_locked_thread_refuses_new_answers_from_members(moderator_client, member_client, make_thread):
    thread = make_thread()
    assert _mod(moderator_client, thread.id, "lock").status_code == 200
    resp = member_client.post(f"/api/v1/threads/{thread.id}/posts", json={"body": "Can I still answer?"})
    assert resp.status_code == 403
    assert member_client.get(f"/api/v1/threads/{thread.id}").json["posts"] == []


def test_moving_a_thread_to_a_staff_space_hides_it_from_members(moderator_client, member_client,
                                                                 make_thread, make_space):
    thread = make_thread()
    make_space(slug="internal", visibility="staff")
    assert member_client.get(f"/api/v1/threads/{thread.id}").status_code == 200
    assert _mod(moderator_client, thread.id, "move", "internal").status_code == 200
    assert member_client.get(f"/api/v1/threads/{thread.id}").status_code == 404
    listed = member_client.get("/api/v1/threads").json["items"]
    assert thread.id not in [t["id"] for t in listed]
    assert _mod(moderator_client, thread.id, "move", "nowhere").status_code == 422
    assert moderator_client.get(f"/api/v1/threads/{thread.id}").json["space"] == "internal"


def test_mark_duplicate_shows_a_banner_linking_the_original(moderator_client, make_thread, client):
    original = make_thread(title="How do I descale the espresso machine?")
    dup = make_thread()
    resp = _mod(moderator_client, dup.id, "mark_duplicate", original.id)
    assert resp.status_code == 200 and resp.get_json()["duplicate_of"] == original.id
    page = client.get(f"/threads/{dup.id}").get_data(as_text=True)
    assert "duplicate-banner" in page and f"/threads/{original.id}" in page
    assert _mod(moderator_client, dup.id, "mark_duplicate", dup.id).status_code == 422


def test_merge_moves_posts_votes_and_followers_exactly_and_redirects(
        db, client_for, make_user, make_thread, make_post, moderator_client, client):
    source_author, target_author = make_user(), make_user()
    source = make_thread(author=source_author, title="Grinder squeaks when it starts up")
    target = make_thread(author=target_author, title="Noisy grinder at start: what to do?")
    answers = [make_post(thread=source), make_post(thread=source)]
    voters = [make_user() for _ in range(3)]
    both = voters[0]
    for v in voters:
        assert client_for(v).put(f"/api/v1/threads/{source.id}/vote", json={"value": 1}).status_code == 200
    client_for(both).put(f"/api/v1/threads/{target.id}/vote", json={"value": 1})
    client_for(target_author).put(f"/api/v1/threads/{source.id}/vote", json={"value": 1})
    post_voter = make_user()
    client_for(post_voter).put(f"/api/v1/posts/{answers[0].id}/vote", json={"value": 1})
    follower = make_user()
    client_for(follower).put(f"/api/v1/threads/{source.id}/follow")

    resp = _mod(moderator_client, source.id, "merge", target.id)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["id"] == target.id
    db.session.expire_all()
    # Every answer now lives in the target, plus the source's question as a post.
    ids = {p.id for p in db.session.scalars(select(Post).where(Post.thread_id == target.id))}
    assert {a.id for a in answers} <= ids and len(ids) == 3
    # Thread votes: each voter once; the target's author's vote on the source is dropped.
    tvotes = db.session.scalars(select(Vote.user_id).where(
        Vote.target_type == "thread", Vote.target_id == target.id)).all()
    assert sorted(tvotes) == sorted(v.id for v in voters)
    assert db.session.get(Thread, target.id).score == 3
    assert db.session.scalar(select(Vote.value).where(Vote.target_type == "post",
                                                      Vote.target_id == answers[0].id)) == 1
    # Followers follow the target and are told.
    followers = set(db.session.scalars(select(Follow.user_id).where(
        Follow.target_type == "thread", Follow.target_id == target.id)))
    assert follower.id in followers and source_author.id in followers
    notes = client_for(follower).get("/api/v1/notifications").get_json()["items"]
    assert any(n["verb"] == "thread_merged" and n["thread_id"] == target.id for n in notes)
    # The old address redirects, page and API.
    page = client.get(f"/threads/{source.id}")
    assert page.status_code == 301 and page.headers["Location"].endswith(f"/threads/{target.id}")
    api = client.get(f"/api/v1/threads/{source.id}")
    assert api.status_code == 301 and api.headers["Location"].endswith(f"/api/v1/threads/{target.id}")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "thread_merge"))
    assert entry.data["into"] == target.id and entry.actor_id == moderator_client.user.id
