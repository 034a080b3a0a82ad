"""A moderator reverses all of a user's votes in one action, with reversal rows."""

from __future__ import annotations

from sqlalchemy import select

from community.models import Post, Thread, Vote


def test_a_moderator_reverses_every_vote_of_a_serial_voter(
        db, make_user, make_thread, make_post, act, rep, ledger, moderator_client, recompute_cli):
    target = make_user(username="victim")
    serial = make_user(username="serial", role="employee")  # can downvote
    friend = make_user(username="friend")
    thread = make_thread(author=friend)
    victim_posts = [make_post(thread=thread, author=target) for _ in range(3)]
    friend_post = make_post(thread=thread, author=friend)
    for p in victim_posts:
        act.vote(serial, p, -1)
    act.vote(serial, friend_post, 1)
    act.vote(serial, thread, 1)
    honest = make_user()
    act.vote(honest, friend_post, 1)

    resp = moderator_client.post("/api/v1/users/serial/reverse-votes")
    assert resp.status_code == 200 and resp.json == {"reversed": 5}
    db.session.expire_all()
    assert db.session.scalars(select(Vote).where(Vote.user_id == serial.id)).all() == []
    assert [db.session.get(Post, p.id).score for p in victim_posts] == [0, 0, 0]
    assert db.session.get(Post, friend_post.id).score == 1
    assert db.session.get(Thread, thread.id).score == 0
    assert rep(friend) == 11  # only the honest vote stays
    assert sum(r.points for r in ledger(target)) == 0
    assert sum(r.points for r in ledger(serial)) == 0
    assert "reversal" in [r.reason for r in ledger(friend)]
    assert recompute_cli("--check").exit_code == 0


def test_members_cannot_reverse_votes(db, member_client, make_user, make_thread, act):
    voter = make_user(username="someone")
    thread = make_thread()
    act.vote(voter, thread, 1)
    resp = member_client.post("/api/v1/users/someone/reverse-votes")
    assert resp.status_code == 403
    db.session.expire_all()
    assert db.session.scalars(select(Vote.value).where(Vote.user_id == voter.id)).all() == [1]
    assert db.session.get(Thread, thread.id).score == 1


def test_reversing_an_unknown_user_is_a_404(db, moderator_client, make_user, make_thread, act):
    voter = make_user(username="ghost-user-2")
    thread = make_thread()
    act.vote(voter, thread, 1)
    assert moderator_client.post("/api/v1/users/ghost-user/reverse-votes").status_code == 404
    db.session.expire_all()
    assert db.session.scalars(select(Vote.value).where(Vote.user_id == voter.id)).all() == [1]
    assert db.session.get(Thread, thread.id).score == 1
