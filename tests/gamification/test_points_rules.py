"""Each points rule, as a member lives it."""

from __future__ import annotations

from community import events
from community.events import LevelUp


def test_an_upvoted_answer_gives_its_author_ten(make_thread, make_post, make_user, act, rep):
    author = make_user()
    post = make_post(thread=make_thread(), author=author)
    act.vote(make_user(), post)
    assert rep(author) == 11


def test_an_upvoted_question_or_idea_gives_five(make_thread, make_user, act, rep):
    asker, proposer = make_user(), make_user()
    question = make_thread(author=asker)
    idea = make_thread(author=proposer, kind="idea")
    voter = make_user()
    act.vote(voter, question)
    act.vote(voter, idea)
    assert rep(asker) == 6
    assert rep(proposer) == 6


def test_accepting_gives_fifteen_to_the_answerer_and_two_to_the_asker(
        make_thread, make_post, make_user, act, rep, ledger):
    asker, answerer = make_user(), make_user()
    thread = make_thread(author=asker)
    post = make_post(thread=thread, author=answerer)
    act.accept(asker, thread, post)
    assert rep(answerer) == 16
    assert rep(asker) == 3
    assert [r.reason for r in ledger(answerer)] == ["accepted"]
    assert [r.reason for r in ledger(asker)] == ["accepting"]


def test_accepting_your_own_answer_earns_nothing(make_thread, make_post, make_user, act, rep, ledger):
    asker = make_user()
    thread = make_thread(author=asker)
    act.accept(asker, thread, make_post(thread=thread, author=asker))
    assert rep(asker) == 1
    assert ledger(asker) == []


def test_a_moderator_accepting_rewards_the_answerer_not_the_asker(
        make_thread, make_post, make_user, act, rep):
    asker, answerer, moderator = make_user(), make_user(), make_user(role="moderator")
    thread = make_thread(author=asker)
    act.accept(moderator, thread, make_post(thread=thread, author=answerer))
    assert rep(answerer) == 16
    assert rep(asker) == 1


def test_unaccepting_reverses_both_and_switching_moves_the_points(
        make_thread, make_post, make_user, act, rep, ledger):
    asker, first, second = make_user(), make_user(), make_user()
    thread = make_thread(author=asker)
    a, b = make_post(thread=thread, author=first), make_post(thread=thread, author=second)
    act.accept(asker, thread, a)
    act.accept(asker, thread, b)
    assert (rep(first), rep(second), rep(asker)) == (1, 16, 3)
    act.unaccept(asker, thread)
    assert (rep(first), rep(second), rep(asker)) == (1, 1, 1)
    assert [r.reason for r in ledger(first)] == ["accepted", "reversal"]


def test_a_downvote_costs_the_author_two_and_the_voter_one(
        make_thread, make_post, make_user, act, rep):
    author, voter = make_user(), make_user(role="employee")
    post = make_post(thread=make_thread(), author=author)
    act.vote(make_user(), post)          # author at 11 so the floor does not hide the loss
    act.vote(voter, post, -1)
    assert rep(author) == 9
    assert rep(voter) == 1  # floor: -1 from 1 stays at 1


def test_changing_an_upvote_to_a_downvote_reverses_then_charges(
        make_thread, make_post, make_user, act, rep, ledger):
    author, voter = make_user(), make_user(role="employee")
    post = make_post(thread=make_thread(), author=author)
    act.vote(make_user(), post)
    act.vote(voter, post, 1)
    act.vote(voter, post, -1)
    assert rep(author) == 1 + 10 + 10 - 10 - 2
    assert [r.reason for r in ledger(author)][-2:] == ["reversal", "downvote_received"]


def test_vote_unvote_vote_earns_one_vote_and_a_loop_earns_nothing_extra(
        make_thread, make_post, make_user, act, rep):
    author, voter = make_user(), make_user()
    post = make_post(thread=make_thread(), author=author)
    for _ in range(5):
        act.vote(voter, post)
        act.unvote(voter, post)
    act.vote(voter, post)
    act.vote(voter, post)  # the same vote again changes nothing
    assert rep(author) == 11


def test_a_repeated_event_is_a_no_op(db, make_thread, make_post, make_user, rep):
    from community.events import Voted, emit

    author, voter = make_user(), make_user()
    thread = make_thread()
    post = make_post(thread=thread, author=author)
    from community.services import votes

    votes.cast_vote(db.session, post, by=voter, value=1)
    again = Voted(target_type="post", target_id=post.id, thread_id=thread.id, voter_id=voter.id,
                  owner_id=author.id, old_value=0, new_value=1)
    emit(db.session, again)
    emit(db.session, again)
    db.session.commit()
    assert rep(author) == 11


def test_reputation_never_goes_below_one(make_thread, make_post, make_user, act, rep, ledger):
    author = make_user()
    post = make_post(thread=make_thread(), author=author)
    for _ in range(3):
        act.vote(make_user(role="employee"), post, -1)
    assert sum(r.points for r in ledger(author)) == -6
    assert rep(author) == 1


def test_votes_give_at_most_two_hundred_a_day_but_accepts_still_count(
        db, make_thread, make_post, make_user, act, rep):
    author, asker = make_user(), make_user()
    thread = make_thread(author=asker)
    posts = [make_post(thread=thread, author=author) for _ in range(3)]
    voters = [make_user() for _ in range(9)]
    for post in posts:
        for voter in voters:
            act.vote(voter, post)  # 27 upvotes = 270 nominal
    assert rep(author) == 201
    act.accept(asker, thread, posts[0])
    assert rep(author) == 216


def test_a_capped_vote_reversed_takes_back_only_what_it_gave(
        make_thread, make_post, make_user, act, rep, app):
    app.config["REPUTATION_DAILY_VOTE_CAP"] = 15
    author = make_user()
    post = make_post(thread=make_thread(), author=author)
    first, second = make_user(), make_user()
    act.vote(first, post)
    act.vote(second, post)  # only 5 of its 10 fit under the cap
    assert rep(author) == 16
    act.unvote(second, post)
    assert rep(author) == 11


def test_the_points_table_is_configuration(make_thread, make_post, make_user, act, rep, app):
    app.config["REPUTATION_RULES"] = {"answer_upvoted": 7}
    author = make_user()
    act.vote(make_user(), make_post(thread=make_thread(), author=author))
    assert rep(author) == 8


def test_deleting_a_post_reverses_what_it_earned_and_restoring_gives_it_back(
        make_thread, make_post, make_user, act, rep):
    asker, author, downvoter = make_user(), make_user(), make_user(role="employee")
    moderator = make_user(role="moderator")
    thread = make_thread(author=asker)
    post = make_post(thread=thread, author=author)
    act.vote(make_user(), post)
    act.vote(make_user(), post)
    act.accept(asker, thread, post)
    assert (rep(author), rep(asker)) == (36, 3)
    act.delete(author, post)
    assert (rep(author), rep(asker)) == (1, 1)
    act.restore(moderator, post)
    assert rep(author) == 21  # the votes come back; the accept was undone by the delete
    act.vote(downvoter, post, -1)
    assert rep(author) == 19


def test_deleting_a_downvoted_post_refunds_its_downvoters(
        make_thread, make_post, make_user, act, rep, ledger):
    author, voter = make_user(), make_user(role="employee")
    post = make_post(thread=make_thread(), author=author)
    act.vote(make_user(), post)  # the voter gets reputation to lose
    act.vote(voter, post, -1)
    act.delete(author, post)
    assert sum(r.points for r in ledger(voter)) == 0


def test_a_shipped_idea_rewards_its_author_once(make_thread, make_user, act, rep):
    author, staff = make_user(), make_user(role="employee")
    idea = make_thread(author=author, kind="idea")
    act.status(staff, idea, "planned")
    assert rep(author) == 1
    act.status(staff, idea, "shipped")
    act.status(staff, idea, "in_progress")
    act.status(staff, idea, "shipped")
    assert rep(author) == 21


def test_crossing_a_level_threshold_emits_level_up(make_thread, make_post, make_user, act, rep):
    seen = []

    @events.on(LevelUp)
    def record(session, ev):
        seen.append(ev)

    try:
        author = make_user()
        thread = make_thread()
        posts = [make_post(thread=thread, author=author) for _ in range(5)]
        for post in posts:
            act.vote(make_user(), post)
        assert rep(author) == 51
        assert [(e.user_id, e.old_level, e.new_level) for e in seen] == [(author.id, 1, 2)]
    finally:
        events._in_tx[LevelUp].remove(record)


def test_a_gated_action_names_the_reputation_that_unlocks_it(
        make_thread, member_client, make_post):
    post = make_post(thread=make_thread())
    resp = member_client.put(f"/api/v1/posts/{post.id}/vote", json={"value": -1})
    assert resp.status_code == 403
    assert "125" in resp.json["error"]["message"]


def test_editing_others_posts_names_its_threshold(make_thread, make_post, member_client):
    post = make_post(thread=make_thread())
    resp = member_client.patch(f"/api/v1/posts/{post.id}", json={"body": "A better body here."})
    assert resp.status_code == 403
    assert "1000" in resp.json["error"]["message"]


def test_deleting_a_post_reverses_its_imported_points_and_restoring_returns_them(
        db, make_thread, make_post, make_user, act, rep, recompute_cli):
    from community.models import LedgerEntry

    author, moderator = make_user(), make_user(role="moderator")
    thread = make_thread()
    post = make_post(thread=thread, author=author)
    # As the importer writes them: in bulk, without a cause.
    db.session.add(LedgerEntry(user_id=author.id, points=30, reason="imported",
                               key=f"se:site:post:{post.id}", thread_id=thread.id, post_id=post.id))
    db.session.commit()
    recompute_cli()
    assert rep(author) == 31
    act.delete(moderator, post)
    assert rep(author) == 1
    act.restore(moderator, post)
    assert rep(author) == 31
    assert recompute_cli("--check").exit_code == 0
