"""`flask community recompute`: finds drift, says what and for whom, repairs it."""

from __future__ import annotations

from sqlalchemy import delete, update

from community.models import BadgeAward, Post, ReputationTally, Thread, User


def _world(make_user, make_thread, make_post, act):
    asker, answerer = make_user(username="asker"), make_user(username="answerer")
    thread = make_thread(author=asker)
    post = make_post(thread=thread, author=answerer)
    act.vote(make_user(), post)
    act.vote(make_user(), thread)
    act.accept(asker, thread, post)
    return asker, answerer, thread, post


def test_a_consistent_community_has_no_drift(make_user, make_thread, make_post, act, recompute_cli):
    _world(make_user, make_thread, make_post, act)
    result = recompute_cli("--check")
    assert result.exit_code == 0, result.output
    assert "no drift" in result.output


def test_check_reports_each_kind_of_drift_and_exits_non_zero_without_repairing(
        db, make_user, make_thread, make_post, act, recompute_cli):
    asker, answerer, thread, post = _world(make_user, make_thread, make_post, act)
    db.session.execute(update(User).where(User.id == answerer.id).values(reputation=999))
    db.session.execute(update(Thread).where(Thread.id == thread.id).values(post_count=7, score=3))
    db.session.execute(update(Post).where(Post.id == post.id).values(score=-4))
    db.session.execute(delete(BadgeAward).where(BadgeAward.user_id == answerer.id,
                                                BadgeAward.badge == "first-answer"))
    db.session.execute(update(ReputationTally).where(ReputationTally.user_id == asker.id)
                       .values(points=ReputationTally.points + 1))
    db.session.commit()

    result = recompute_cli("--check")
    assert result.exit_code == 1
    out = result.output
    assert "reputation: answerer 999 -> 26" in out
    assert f"post_count: thread {thread.id} 7 -> 1" in out
    assert f"thread score: thread {thread.id} 3 -> 1" in out
    assert f"post score: post {post.id} -4 -> 1" in out
    assert "badge: answerer lacks first-answer" in out
    assert "leaderboard tally: asker" in out
    db.session.expire_all()
    assert db.session.get(User, answerer.id).reputation == 999  # --check changes nothing

    repaired = recompute_cli()
    assert repaired.exit_code == 0 and "repaired" in repaired.output
    db.session.expire_all()
    assert db.session.get(User, answerer.id).reputation == 26
    assert db.session.get(Thread, thread.id).post_count == 1
    again = recompute_cli("--check")
    assert again.exit_code == 0, again.output


def test_recompute_rebuilds_tallies_after_a_bulk_import(db, make_user, recompute_cli, client):
    from community.models import LedgerEntry, utcnow

    user = make_user(username="imported")
    db.session.add(LedgerEntry(user_id=user.id, points=40, reason="imported", key="se:1",
                               created_at=utcnow()))
    db.session.commit()
    assert recompute_cli("--check").exit_code == 1
    assert recompute_cli().exit_code == 0
    board = client.get("/api/v1/leaderboard?period=all").json["items"]
    assert [(i["user"]["username"], i["points"]) for i in board] == [("imported", 40)]
    assert recompute_cli("--check").exit_code == 0


def test_an_ambassador_mark_out_of_step_with_the_decisions_is_drift(
        db, make_user, recompute_cli):
    from community.gamification import ambassadors

    member, moderator = make_user(username="amb"), make_user(role="moderator")
    ambassadors.confirm(db.session, member, by=moderator)
    db.session.commit()
    db.session.execute(update(User).where(User.id == member.id).values(is_ambassador=False))
    db.session.commit()
    result = recompute_cli("--check")
    assert result.exit_code == 1 and "ambassador: amb False -> True" in result.output
    recompute_cli()
    db.session.expire_all()
    assert db.session.get(User, member.id).is_ambassador
