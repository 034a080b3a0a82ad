"""Ambassadors: the rule proposes, a moderator decides, the review lapses or renews."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from community.gamification import ambassadors
from community.gamification.ledger import add_entry
from community.models import BadgeAward, User

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def _earn(db, user, points, when=NOW, key=None):
    add_entry(db.session, user_id=user.id, points=points, reason="imported",
              key=key or f"t:{user.id}:{points}:{when.isoformat()}", created_at=when)
    db.session.commit()


def _csrf(browser) -> str:
    return browser.get("/csrf-token").get_json()["csrf_token"]


def _names(candidates):
    return [c.user.username for c in candidates]


def _members(db, count):
    """Bare member rows (no password hashing): the population the 1 % is taken from."""
    people = [User(username=f"m{i:03d}", username_lower=f"m{i:03d}", display_name=f"M{i}",
                   role="member") for i in range(count)]
    db.session.add_all(people)
    db.session.commit()
    return people


def test_the_top_one_percent_with_two_hundred_points_is_proposed(db, make_user):
    people = _members(db, 150)  # 1 % of 150 -> 2 places
    _earn(db, people[0], 400)
    _earn(db, people[1], 250)
    _earn(db, people[2], 220)     # meets the minimum but not the top 1 %
    _earn(db, people[3], 900, NOW - timedelta(days=120))  # too long ago
    staff = make_user(role="employee")
    _earn(db, staff, 5000)        # staff are never proposed
    assert _names(ambassadors.proposals(db.session, now=NOW)) == ["m000", "m001"]


def test_the_minimum_applies_even_at_the_top(db, make_user):
    member = make_user(username="lowtop")
    _earn(db, member, 150)
    assert ambassadors.proposals(db.session, now=NOW) == []


def test_confirming_marks_awards_the_badge_and_removes_the_proposal(db, make_user):
    member, moderator = make_user(username="star"), make_user(role="moderator")
    _earn(db, member, 300)
    ambassadors.confirm(db.session, member, by=moderator, now=NOW)
    db.session.commit()
    assert member.is_ambassador
    assert db.session.scalar(select(BadgeAward.badge).where(BadgeAward.user_id == member.id,
                                                             BadgeAward.badge == "ambassador"))
    assert ambassadors.proposals(db.session, now=NOW) == []


def test_a_declined_member_is_not_proposed_again_until_the_next_window(db, make_user):
    member, moderator = make_user(username="maybe"), make_user(role="moderator")
    _earn(db, member, 300)
    ambassadors.decline(db.session, member, by=moderator, now=NOW)
    db.session.commit()
    assert ambassadors.proposals(db.session, now=NOW + timedelta(days=30)) == []
    _earn(db, member, 300, NOW + timedelta(days=95))
    assert _names(ambassadors.proposals(db.session, now=NOW + timedelta(days=100))) == ["maybe"]


def test_the_review_lapses_an_ambassador_who_no_longer_meets_the_rule(db, make_user):
    member, moderator = make_user(username="faded"), make_user(role="moderator")
    _earn(db, member, 300)
    ambassadors.confirm(db.session, member, by=moderator, now=NOW)
    db.session.commit()
    assert ambassadors.review(db.session, now=NOW + timedelta(days=30)) == {
        "renewed": [], "lapsed": []}
    result = ambassadors.review(db.session, now=NOW + timedelta(days=91))
    db.session.commit()
    assert result == {"renewed": [], "lapsed": ["faded"]}
    assert not db.session.get(User, member.id).is_ambassador


def test_the_review_renews_while_the_rule_holds(db, make_user):
    member, moderator = make_user(username="steady"), make_user(role="moderator")
    _earn(db, member, 300)
    ambassadors.confirm(db.session, member, by=moderator, now=NOW)
    _earn(db, member, 300, NOW + timedelta(days=80))
    result = ambassadors.review(db.session, now=NOW + timedelta(days=91))
    db.session.commit()
    assert result["renewed"] == ["steady"]
    assert db.session.get(User, member.id).is_ambassador


def test_a_moderator_renewal_keeps_the_status_past_the_rule(db, make_user):
    member, moderator = make_user(username="kept"), make_user(role="moderator")
    _earn(db, member, 300)
    ambassadors.confirm(db.session, member, by=moderator, now=NOW)
    ambassadors.renew(db.session, member, by=moderator, now=NOW + timedelta(days=89))
    result = ambassadors.review(db.session, now=NOW + timedelta(days=100))
    assert result["lapsed"] == []
    assert db.session.get(User, member.id).is_ambassador


def test_participation_split_counts_readers_contributors_and_the_one_percent(
        db, make_user, make_thread, make_post):
    readers = [make_user() for _ in range(6)]
    some = make_user()
    heavy = make_user()
    thread = make_thread(author=some)
    for _ in range(10):
        make_post(thread=thread, author=heavy)
    split = ambassadors.participation(db.session)
    # make_thread creates nothing for others: 8 members in all, 6 readers.
    assert (split["members"], split["readers"], split["contributors"], split["heavy"]) == (8, 6, 1, 1)
    assert split["readers_pct"] == 75.0
    later = ambassadors.participation(db.session, now=NOW + timedelta(days=400))
    assert later["heavy"] == 0
    assert readers


def test_the_moderator_page_proposes_and_confirms(app, db, make_user, login):
    member, moderator = make_user(username="helpful"), make_user(role="moderator")
    _earn(db, member, 300, datetime.now(UTC))
    browser = login(app.test_client(), moderator)
    html = browser.get("/moderation/ambassadors").get_data(as_text=True)
    assert "helpful" in html or member.display_name in html
    assert "Only read" in html
    resp = browser.post("/moderation/ambassadors/helpful",
                        data={"action": "confirm", "csrf_token": _csrf(browser)})
    assert resp.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, member.id).is_ambassador
    no_csrf = browser.post("/moderation/ambassadors/helpful", data={"action": "decline"})
    assert no_csrf.status_code == 400


def test_the_moderator_page_is_hidden_from_members_and_sends_guests_to_sign_in(
        app, client, make_user, login):
    guest = client.get("/moderation/ambassadors")
    assert guest.status_code in (302, 303)
    assert guest.headers["Location"].startswith("/login?next=")
    member = make_user()
    page = login(app.test_client(), member).get("/moderation/ambassadors")
    assert page.status_code == 404 and "Only read" not in page.get_data(as_text=True)


def test_the_api_lets_moderators_decide_and_refuses_members(
        db, member_client, moderator_client, make_user):
    member = make_user(username="apiamb")
    _earn(db, member, 300, datetime.now(UTC))
    assert member_client.get("/api/v1/ambassadors/proposals").status_code == 403
    items = moderator_client.get("/api/v1/ambassadors/proposals").json["items"]
    assert [i["user"]["username"] for i in items] == ["apiamb"]
    resp = moderator_client.post("/api/v1/ambassadors/apiamb", json={"action": "confirm"})
    assert resp.status_code == 200 and resp.json["is_ambassador"] is True
    assert "ambassador" in [b["slug"] for b in resp.json["badges"]]
    assert member_client.post("/api/v1/ambassadors/apiamb", json={"action": "decline"}).status_code == 403



def test_the_background_reviewer_lapses_a_due_ambassador(app, db, make_user):
    """`serve` and `worker` run the review daily: nobody has to press the button."""
    member, moderator = make_user(username="longago"), make_user(role="moderator")
    then = datetime.now(UTC) - timedelta(days=200)
    _earn(db, member, 300, when=then)
    ambassadors.confirm(db.session, member, by=moderator, now=then)
    db.session.commit()
    assert db.session.get(User, member.id).is_ambassador
    db.session.commit()  # end the test's transaction: the loop writes from its own session

    ambassadors.run_reviewer(app, rounds=1)

    db.session.expire_all()
    assert not db.session.get(User, member.id).is_ambassador
