"""Leaderboards: periods, tracks, spaces, ranks, and who may see which board."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from community.gamification.leaderboard import leaderboard
from community.gamification.ledger import add_entry

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday


def _give(db, user, points, when, key, thread=None):
    add_entry(db.session, user_id=user.id, points=points, reason="imported", key=key,
              thread_id=thread.id if thread else None, created_at=when)
    db.session.commit()


def _board(db, **kw):
    page = leaderboard(db.session, now=NOW, **kw)
    return [(s.user.username, s.points, s.rank) for s in page.items]


def test_periods_count_points_earned_in_this_week_this_month_and_ever(db, make_user):
    a, b = make_user(username="alice"), make_user(username="bruno")
    _give(db, a, 30, NOW - timedelta(days=1), "a1")            # this week
    _give(db, b, 50, NOW - timedelta(days=10), "b1")           # this month, last week
    _give(db, a, 100, NOW - timedelta(days=60), "a2")          # months ago
    assert _board(db, period="week") == [("alice", 30, 1)]
    assert _board(db, period="month") == [("bruno", 50, 1), ("alice", 30, 2)]
    assert _board(db, period="all") == [("alice", 130, 1), ("bruno", 50, 2)]


def test_members_and_staff_are_ranked_on_separate_tracks(db, make_user):
    member, employee = make_user(username="carla"), make_user(role="employee", username="emp")
    _give(db, member, 10, NOW, "m")
    _give(db, employee, 500, NOW, "e")
    assert _board(db, period="week") == [("carla", 10, 1)]
    assert _board(db, period="week", track="staff") == [("emp", 500, 1)]


def test_ties_share_a_rank(db, make_user):
    for name, pts in (("dana", 20), ("eric", 20), ("fay", 5)):
        _give(db, make_user(username=name), pts, NOW, name)
    assert _board(db, period="week") == [("dana", 20, 1), ("eric", 20, 1), ("fay", 5, 3)]
    second = leaderboard(db.session, now=NOW, period="week", page=2, per_page=1)
    assert [(s.user.username, s.rank) for s in second.items] == [("eric", 1)]
    assert second.total == 3


def test_a_space_board_counts_only_that_spaces_content(db, make_user, make_space, make_thread):
    here, there = make_space(slug="here"), make_space(slug="there")
    g, h = make_user(username="gina"), make_user(username="hugo")
    _give(db, g, 10, NOW, "g", make_thread(space=here))
    _give(db, h, 40, NOW, "h", make_thread(space=there))
    assert _board(db, period="week", space=here) == [("gina", 10, 1)]
    assert _board(db, period="week") == [("hugo", 40, 1), ("gina", 10, 2)]


def test_the_api_answers_a_page_of_user_points_rank(client, db, make_user, make_thread, act):
    author = make_user()
    thread = make_thread(author=author)
    act.vote(make_user(), thread)
    body = client.get("/api/v1/leaderboard?period=week&track=members").json
    assert body["total"] == 1 and body["page"] == 1
    assert body["items"] == [{"user": body["items"][0]["user"], "points": 5, "rank": 1}]
    assert body["items"][0]["user"]["username"] == author.username
    assert client.get("/api/v1/leaderboard?period=year").status_code == 422
    assert client.get("/api/v1/leaderboard?page=0").status_code == 400


def test_a_staff_space_board_is_a_404_for_members_and_visible_to_staff(
        db, client, member_client, employee_client, make_space, make_user, make_thread):
    internal = make_space(slug="internal", visibility="staff")
    make_space(slug="open")
    insider = make_user(role="employee", username="insider")
    _give(db, insider, 25, datetime.now(UTC), "i", make_thread(space=internal, author=insider))
    hidden = member_client.get("/api/v1/leaderboard?space=internal")
    assert hidden.status_code == 404 and "insider" not in hidden.get_data(as_text=True)
    assert client.get("/api/v1/leaderboard?space=nope").status_code == 404
    staff_board = employee_client.get("/api/v1/leaderboard?space=internal&track=staff&period=all")
    assert staff_board.status_code == 200
    assert [i["user"]["username"] for i in staff_board.json["items"]] == ["insider"]
    page = client.get("/leaderboard?space=internal")
    assert page.status_code == 404 and "insider" not in page.get_data(as_text=True)
    open_board = client.get("/api/v1/leaderboard?space=open")
    assert open_board.status_code == 200 and open_board.json["items"] == []


def test_the_leaderboard_page_shows_names_points_and_tabs(client, make_user, make_thread, act):
    author = make_user(username="ivana")
    act.vote(make_user(), make_thread(author=author))
    html = client.get("/leaderboard").get_data(as_text=True)
    assert "ivana" in html or author.display_name in html
    assert "This month" in html and "Staff" in html
    assert client.get("/leaderboard?period=bogus&track=x").status_code == 200
