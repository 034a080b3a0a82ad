"""The question timelines and daily rollups that the domain events keep, checked
against a known history, and `recompute` finding (and repairing) any drift."""

from __future__ import annotations

from datetime import date

from analytics_history import at
from sqlalchemy import select, update

from community.analytics.recompute import recompute
from community.gamification.recompute import Report
from community.models.analytics import AnalyticsDaily, QuestionTimeline


def _rows(db):
    return {r.thread_id: r for r in db.session.scalars(select(QuestionTimeline))}


def test_every_question_has_its_timeline_from_the_events(db, history):
    q1, q2, q3, q4, q5 = history.questions
    rows = _rows(db)
    assert set(rows) == {q.id for q in history.questions}
    r1 = rows[q1.id]
    assert (r1.first_response_kind, r1.first_response_seconds, r1.resolution,
            r1.resolution_seconds, r1.case_id) == ("peer", 1800, "peer", 3600, None)
    r2 = rows[q2.id]
    assert (r2.first_response_kind, r2.resolution, r2.first_response_seconds) == (
        "ambassador", "ambassador", 1200)
    r3 = rows[q3.id]
    assert r3.first_response_kind == "staff"
    assert r3.first_response_at == at(30, 10)
    # Thu 16:00-17:00, the Friday holiday and the weekend, then Mon 09:00-10:00.
    assert r3.first_response_business_seconds == 2 * 3600
    assert r3.case_opened_at == at(26, 16, 30)
    assert r3.case_first_response_at == at(30, 10)
    assert r3.case_response_business_seconds == 90 * 60
    assert (r3.sla, r3.resolution, r3.solved_at) == ("met", "case", at(30, 11))
    r4 = rows[q4.id]
    assert (r4.first_response_kind, r4.resolution, r4.resolution_seconds) == ("staff", "staff", 1800)
    r5 = rows[q5.id]
    assert (r5.first_response_at, r5.solved_at, r5.case_opened_at) == (None, None, at(27, 10))
    assert (r5.sla, r5.sla_warned) == ("breached", True)
    assert not any(r.imported for r in rows.values())


def test_daily_rollups_count_each_day_and_space(db, history):
    daily = {r.day: r for r in db.session.scalars(select(AnalyticsDaily))}
    assert sorted(daily) == [date(2026, 11, d) for d in (23, 24, 25, 26)]
    mon = daily[date(2026, 11, 23)]
    assert (mon.questions, mon.answered, mon.solved, mon.by_peer, mon.by_staff) == (2, 2, 2, 1, 1)
    thu = daily[date(2026, 11, 26)]
    assert (thu.questions, thu.by_case, thu.cases, thu.sla_met, thu.sla_breached) == (1, 1, 1, 1, 0)
    wed = daily[date(2026, 11, 25)]
    assert (wed.questions, wed.answered, wed.cases, wed.sla_breached, wed.sla_warned) == (1, 0, 1, 1, 1)


def test_recompute_finds_no_drift_after_the_events_and_repairs_drift(db, history):
    report = Report()
    recompute(db.session, report, check=True)
    assert report.drift == {}

    q1 = history.questions[0]
    db.session.execute(update(QuestionTimeline).where(QuestionTimeline.thread_id == q1.id)
                       .values(resolution="case"))
    db.session.execute(update(AnalyticsDaily).values(questions=99))
    db.session.commit()
    report = Report()
    recompute(db.session, report, check=True)
    assert report.drift == {"question_timeline": 1, "analytics_daily": 4}

    db.session.rollback()
    recompute(db.session, Report(), check=False)
    db.session.commit()
    assert _rows(db)[q1.id].resolution == "peer"
    report = Report()
    recompute(db.session, report, check=True)
    assert report.drift == {}


def test_imported_history_is_classified_by_its_accepted_answer_and_marked(
        db, make_thread, make_post, make_user):
    from analytics_history import clock

    with clock(at(2, 9)):
        thread = make_thread(title="An imported question from the old forum?")
    with clock(at(2, 10)):
        post = make_post(thread=thread, author=make_user())
    # What the importer leaves: an external id and an accepted answer, no resolution record.
    thread.external_id = "se-q-1"
    thread.accepted_post_id = post.id
    db.session.commit()
    recompute(db.session, Report(), check=False)
    db.session.commit()
    row = _rows(db)[thread.id]
    assert (row.imported, row.resolution, row.solved_at, row.resolution_seconds) == (
        True, "peer", at(2, 10), 3600)
