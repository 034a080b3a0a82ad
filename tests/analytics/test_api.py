"""GET /api/v1/analytics/*: every figure of the known history, exactly; staff only."""

from __future__ import annotations

import csv
import io

import pytest
from analytics_history import at, clock

WEEK = "from=2026-11-23&to=2026-11-30"


@pytest.fixture
def staff(client_for, history):
    return client_for(history.users["emp"])


def test_summary_gives_every_figure_of_the_known_week(app, staff, history):
    # The rule for five members: the top 3 (half, rounded up) with 20 points or more.
    app.config.update(AMBASSADOR_TOP_SHARE=0.5, AMBASSADOR_MIN_POINTS=20)
    with clock(at(30, 20)):
        resp = staff.get(f"/api/v1/analytics/summary?{WEEK}")
    assert resp.status_code == 200
    s = resp.get_json()
    assert (s["questions"], s["answered_share"], s["solved_share"]) == (5, 0.8, 0.8)
    # Wall clock: 10, 20, 30 minutes and Thursday 16:00 to Monday 10:00 (5,400).
    assert s["first_response"] == {"p50_minutes": 20.0, "p90_minutes": 5400.0,
                                   "business_p50_minutes": 20.0, "business_p90_minutes": 120.0}
    assert s["resolution"] == {"p50_minutes": 60.0, "p90_minutes": 5460.0}
    assert s["resolved_by"] == {"peer": 1, "ambassador": 1, "staff": 1, "case": 1}
    assert s["resolved_by_share"] == {"peer": 0.25, "ambassador": 0.25, "staff": 0.25, "case": 0.25}
    assert s["sla"] == {"cases": 2, "met": 1, "breached": 1, "warned": 1,
                        "response_business_p50_minutes": 90.0,
                        "by_group": [{"group": "triage", "cases": 2, "met": 1, "warned": 1,
                                      "breached": 1, "response_business_p50_minutes": 90.0}]}
    q5 = history.questions[4]
    assert s["unanswered"] == 1
    assert s["unanswered_oldest"] == [{"thread_id": q5.id, "title": q5.title,
                                       "asked_at": "2026-11-25T10:00:00+00:00"}]
    assert s["participation"] == {
        "readers": 0, "contributors": 6, "heavy": 0, "new_contributors": 6,
        "shares": {"readers": 0.0, "contributors": 1.0, "heavy": 0.0}}
    # erin (30 points, rank 1) meets the rule; bob (15 points, rank 2) meets three
    # quarters of each criterion (15 of 20 points, rank within 3 / 0.75 = 4) but not the
    # rule; carol (15, rank 3) is close too but already an ambassador.
    assert s["ambassadors"] == {"confirmed": 1, "candidates": 1, "near_rule": 1,
                                "first_response_share": 0.25, "solved_share": 0.25,
                                "answers": 6, "ambassador_answers": 2, "answer_share": 0.3333}
    assert s["deflection"]["searches"] == 0 and s["content_gaps"] == []
    # Ideas with no stored status and ideas set back to "new" are one group.
    assert s["ideas"] == {
        "by_status": {"new": {"ideas": 2, "votes": 0}, "declined": {"ideas": 1, "votes": 0},
                      "shipped": {"ideas": 1, "votes": 2}},
        "shipped": 1,
        "decision": {"decided": 2, "p50_minutes": 120.0, "p90_minutes": 2880.0}}


def test_time_to_a_decision_counts_the_decisions_made_in_the_period(staff, history):
    # I2 was declined on the 24th, I1 planned on the 25th; shipping it later is no decision.
    day = staff.get("/api/v1/analytics/summary?from=2026-11-25&to=2026-11-30").get_json()
    assert day["ideas"]["decision"] == {"decided": 1, "p50_minutes": 2880.0, "p90_minutes": 2880.0}
    none = staff.get("/api/v1/analytics/summary?from=2026-11-26&to=2026-11-30").get_json()
    assert none["ideas"]["decision"] == {"decided": 0, "p50_minutes": None, "p90_minutes": None}


def test_space_and_tag_filters(staff):
    tagged = staff.get(f"/api/v1/analytics/summary?{WEEK}&tag=billing").get_json()
    assert (tagged["questions"], tagged["resolved_by"]["staff"], tagged["unanswered"]) == (1, 1, 0)
    assert tagged["first_response"]["p50_minutes"] == 10.0
    assert staff.get(f"/api/v1/analytics/summary?{WEEK}&space=help").get_json()["questions"] == 5


def test_timeseries_by_day_and_week(staff):
    day = staff.get("/api/v1/analytics/timeseries?metric=questions&interval=day"
                    "&from=2026-11-23&to=2026-11-27").get_json()
    assert [p["value"] for p in day["points"]] == [2, 1, 1, 1, 0]
    assert day["points"][0]["t"] == "2026-11-23"
    week = staff.get("/api/v1/analytics/timeseries?metric=solved_share&interval=week"
                     "&from=2026-11-23&to=2026-12-06").get_json()
    assert week["points"] == [{"t": "2026-11-23", "value": 0.8}, {"t": "2026-11-30", "value": 0.0}]
    sla = staff.get(f"/api/v1/analytics/timeseries?metric=sla_met_share&interval=week&{WEEK}").get_json()
    assert sla["points"][0]["value"] == 0.5


def test_export_has_one_row_per_question(staff, history):
    resp = staff.get(f"/api/v1/analytics/export.csv?{WEEK}")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    by_id = {int(r["thread_id"]): r for r in rows}
    assert set(by_id) == {q.id for q in history.questions}
    q3 = by_id[history.questions[2].id]
    assert (q3["space"], q3["first_response_by"], q3["resolution"], q3["sla_met"]) == (
        "help", "staff", "case", "yes")
    assert q3["first_response_at"] == "2026-11-30T10:00:00+00:00"
    assert by_id[history.questions[3].id]["tags"] == "billing"
    assert by_id[history.questions[4].id]["sla_met"] == "no"


def test_members_get_a_404_and_guests_must_sign_in(client_for, history):
    member, guest = client_for(history.users["carol"]), client_for(None)
    for path in ("summary", "timeseries?metric=questions", "export.csv"):
        resp = member.get(f"/api/v1/analytics/{path}")
        assert resp.status_code == 404
        assert resp.get_json()["error"]["code"] == "not_found"
        assert guest.get(f"/api/v1/analytics/{path}").status_code == 401


def test_bad_filters_are_a_400_naming_the_field(staff):
    for query, field in (
            ("from=2026-13-01", "from"), ("to=yesterday", "to"), ("from=2026-1-5", "from"),
            ("from=2026-11-30&to=2026-11-01", "to"), ("space=nope", "space"), ("tag=nope", "tag")):
        resp = staff.get(f"/api/v1/analytics/summary?{query}")
        assert resp.status_code == 400
        assert field in resp.get_json()["error"]["fields"]
    for query, field in (("metric=nope", "metric"), ("metric=questions&interval=hour", "interval")):
        resp = staff.get(f"/api/v1/analytics/timeseries?{query}")
        assert resp.status_code == 400 and field in resp.get_json()["error"]["fields"]
