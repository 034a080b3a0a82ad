"""A change applies from the next request: a member who now has the reputation for a
privilege uses it, levels follow new thresholds, another process (the rate-limited
app on the same database) enforces new flood limits, and a case opened after a
calendar change is due on the new calendar."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from community.escalation import service as escalation
from community.models import Case, Post, Vote
from community.services import accounts
from tests.sitesettings.conftest import URL

# Friday 27 November 2026, 16:00 UTC; the default calendar is UTC, 09:00-17:00, Mon-Fri.
FRIDAY_4PM = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)


def test_a_member_who_now_qualifies_can_vote_down(admin_client, make_user, client_for,
                                                   make_thread, make_post, db):
    member = make_user(reputation=60)
    post = make_post(thread=make_thread())
    c = client_for(member)
    refused = c.put(f"/api/v1/posts/{post.id}/vote", json={"value": -1})
    assert refused.status_code == 403 and "125" in refused.get_json()["error"]["message"]
    admin_client.patch(URL, json={"privileges": {"downvote": 50}})
    allowed = c.put(f"/api/v1/posts/{post.id}/vote", json={"value": -1})
    assert allowed.get_json()["my_vote"] == -1
    db.session.rollback()
    assert db.session.scalar(select(Vote.value).where(Vote.user_id == member.id)) == -1


def test_levels_follow_new_thresholds_and_names(admin_client, make_user, client):
    member = make_user(username="lena", reputation=45)
    assert client.get("/api/v1/users/lena").get_json()["level"] == {"number": 1,
                                                                     "name": "Newcomer"}
    admin_client.patch(URL, json={"levels": {"min_2": 40, "name_2": "Regular"}})
    assert client.get("/api/v1/users/lena").get_json()["level"] == {"number": 2,
                                                                     "name": "Regular"}
    page = client.get(f"/users/{member.username}").get_data(as_text=True)
    assert "Level 2: Regular" in page


def _posting_client(limited_app, db, user):
    token = accounts.issue_token(db.session, user)
    db.session.commit()
    c = limited_app.test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return c


def test_another_process_enforces_a_new_flood_limit_at_its_next_request(
        limited_app, admin_client, make_user, make_thread, make_post, db):
    user = make_user(username="fast")
    user.created_at = datetime(2026, 1, 1, tzinfo=UTC)  # past the new-member window
    db.session.commit()
    for _ in range(3):
        make_post(thread=make_thread(), author=user)
    thread_id = make_thread().id
    c = _posting_client(limited_app, db, user)

    def answer(n):
        db.session.commit()  # let SQLite's write lock go to the other app
        return c.post(f"/api/v1/threads/{thread_id}/posts", json={"body": f"Answer number {n}."})

    assert answer(1).status_code == 201
    assert answer(2).status_code == 429  # the default: one post every 5 seconds
    admin_client.patch(URL, json={"flood_limits": {"post": "3 per minute"}})
    assert [answer(n).status_code for n in (3, 4, 5)] == [201, 201, 201]
    refused = answer(6)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 5
    db.session.rollback()
    bodies = db.session.scalars(select(Post.body).where(Post.thread_id == thread_id)).all()
    assert sorted(bodies) == [f"Answer number {n}." for n in (1, 3, 4, 5)]


def test_a_case_opened_after_a_calendar_change_is_due_on_the_new_calendar(
        admin_client, make_user, make_thread, db):
    moderator = make_user(role="moderator")
    before = escalation.escalate(db.session, make_thread(), by=moderator, now=FRIDAY_4PM)
    db.session.commit()
    # 8 business hours: Friday 16-17 UTC, then Monday 9-16.
    assert before.first_response_due_at == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)

    week = {f"open_{d}": d < 5 for d in range(7)}
    resp = admin_client.patch(URL, json={"calendar": {
        "timezone": "Europe/Paris", "holidays": ["2026-11-30"], **week}})
    assert resp.get_json()["sections"]["calendar"]["values"]["holidays"] == ["2026-11-30"]
    after = escalation.escalate(db.session, make_thread(), by=moderator, now=FRIDAY_4PM)
    db.session.commit()
    # 17:00 in Paris on Friday: closed; the weekend; Monday is a holiday; Tuesday from
    # 09:00 Paris (08:00 UTC), 8 hours.
    assert after.first_response_due_at == datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    # A case already open keeps the deadline it was given.
    db.session.expire_all()
    assert db.session.get(Case, before.id).first_response_due_at == before.first_response_due_at


def test_hours_per_weekday_set_the_due_time(admin_client, make_user, make_thread, db):
    # Fridays close at 16:00 and Mondays open at 13:00: a case opened Friday at 15:00 UTC
    # has 1 hour on Friday, then Monday 13:00-17:00, then Tuesday 09:00-12:00.
    admin_client.patch(URL, json={"calendar": {"end_4": "16:00", "start_0": "13:00"}})
    case = escalation.escalate(db.session, make_thread(), by=make_user(role="moderator"),
                               now=datetime(2026, 11, 27, 15, 0, tzinfo=UTC))
    db.session.commit()
    assert case.first_response_due_at == datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
