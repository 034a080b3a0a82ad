"""Badges: declared as data, awarded once, shown on /badges, the profile and the API."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from community.events import BadgeAwarded, _in_tx, on
from community.gamification import badges
from community.models import BadgeAward, Post


def _awards(db, user, slug=None):
    q = select(BadgeAward).where(BadgeAward.user_id == user.id)
    if slug:
        q = q.where(BadgeAward.badge == slug)
    return list(db.session.scalars(q))


def test_the_table_has_every_family_in_three_tiers(app):
    slugs = set(badges.BY_SLUG)
    assert {"first-question", "first-answer", "solved", "nice-answer", "good-answer",
            "great-answer", "helper", "dedicated-helper", "tireless-helper", "problem-solver",
            "troubleshooter", "guru", "popular-idea", "hot-idea", "community-favourite",
            "idea-shipped", "fast-responder", "peer-helper", "curator", "ambassador"} <= slugs
    assert {b.tier for b in badges.BADGES} == {"bronze", "silver", "gold"}
    with app.test_request_context():
        for b in badges.BADGES:
            assert b.describe() and b.triggers


def test_a_first_question_is_awarded_once_and_announced(db, make_thread, make_user):
    seen = []

    @on(BadgeAwarded)
    def record(session, ev):
        seen.append(ev.badge)

    try:
        asker = make_user()
        make_thread(author=asker)
        make_thread(author=asker)
        assert [a.badge for a in _awards(db, asker)] == ["first-question"]
        assert seen == ["first-question"]
    finally:
        _in_tx[BadgeAwarded].remove(record)


def test_a_nice_answer_is_awarded_per_answer_and_only_once_each(
        db, make_thread, make_post, make_user, act, app):
    app.config["BADGE_THRESHOLDS"] = {"nice-answer": 2}
    author = make_user()
    thread = make_thread()
    one, two = make_post(thread=thread, author=author), make_post(thread=thread, author=author)
    voters = [make_user() for _ in range(3)]
    for voter in voters:
        act.vote(voter, one)
    act.unvote(voters[0], one)
    act.vote(voters[0], one)
    for voter in voters[:2]:
        act.vote(voter, two)
    assert sorted(a.post_id for a in _awards(db, author, "nice-answer")) == [one.id, two.id]


def test_problem_solver_and_solved_follow_an_accept(db, make_thread, make_post, make_user, act):
    asker, answerer = make_user(), make_user()
    thread = make_thread(author=asker)
    post = make_post(thread=thread, author=answerer)
    act.accept(asker, thread, post)
    assert {a.badge for a in _awards(db, answerer)} >= {"problem-solver", "first-answer"}
    assert {a.badge for a in _awards(db, asker)} >= {"solved", "first-question"}


def test_peer_helper_needs_a_member_answer_before_any_employee_reply(
        db, make_thread, make_post, make_user, act):
    asker, peer, employee = make_user(), make_user(), make_user(role="employee")
    helped = make_thread(author=asker)
    answer = make_post(thread=helped, author=peer)
    make_post(thread=helped, author=employee)  # after the peer: still a peer's help
    act.accept(asker, helped, answer)
    assert len(_awards(db, peer, "peer-helper")) == 1

    later_peer = make_user()
    staffed = make_thread(author=asker)
    make_post(thread=staffed, author=employee)
    late = make_post(thread=staffed, author=later_peer)
    act.accept(asker, staffed, late)
    assert _awards(db, later_peer, "peer-helper") == []


def test_fast_responder_counts_minutes_from_the_question(db, make_thread, make_post, make_user, act):
    asker, quick, slow = make_user(), make_user(), make_user()
    thread = make_thread(author=asker)
    fast = make_post(thread=thread, author=quick)
    act.accept(asker, thread, fast)
    assert len(_awards(db, quick, "fast-responder")) == 1

    other = make_thread(author=asker)
    late = make_post(thread=other, author=slow)
    db.session.get(Post, late.id).created_at = other.created_at + timedelta(hours=5)
    db.session.commit()
    act.accept(asker, other, late)
    assert _awards(db, slow, "fast-responder") == []


def test_a_shipped_idea_earns_its_badge(db, make_thread, make_user, act):
    author = make_user()
    idea = make_thread(author=author, kind="idea")
    act.status(make_user(role="employee"), idea, "shipped")
    assert [a.thread_id for a in _awards(db, author, "idea-shipped")] == [idea.id]


def test_the_badges_page_lists_every_badge_with_holders_and_how_to_earn_it(
        client, make_thread, make_user):
    make_thread(author=make_user())
    html = client.get("/badges").get_data(as_text=True)
    for badge in badges.BADGES:
        assert f'id="badge-{badge.slug}"' in html
    assert "Asked a first question." in html
    assert "1 holder" in html


def test_the_api_lists_badges_and_a_profile_dumps_real_badges(client, make_thread, make_user):
    asker = make_user()
    make_thread(author=asker)
    items = {b["slug"]: b for b in client.get("/api/v1/badges").json["items"]}
    assert items["first-question"]["holders"] == 1
    user = client.get(f"/api/v1/users/{asker.username}").json
    assert [(b["slug"], b["tier"]) for b in user["badges"]] == [("first-question", "bronze")]
    assert user["badges"][0]["awarded_at"].endswith("+00:00")
