"""The sweep, driven by an injected clock through every rule and the SLA clock."""

from __future__ import annotations

import threading

import pytest
from escalation_clock import T0, hours
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from community.escalation import cases
from community.escalation.sweep import sweep
from community.extensions import db as _db
from community.models import Notification, Thread
from community.models.escalation import Case, CaseEvent
from community.services import votes


def case_of(db, thread) -> Case | None:
    return db.session.scalar(select(Case).where(Case.thread_id == thread.id))


def notified(db, verb) -> set[int]:
    return set(db.session.scalars(select(Notification.user_id).where(Notification.verb == verb)))


def run(db, now):
    report = sweep(db.session, now=now)
    db.session.commit()
    return report


def test_a_question_without_answer_becomes_a_case_after_24_hours(db, question):
    q = question()
    assert run(db, T0 + hours(23.9)).opened == []
    report = run(db, T0 + hours(24))
    case = case_of(db, q)
    assert report.opened == [case.id]
    assert case.source == "no_answer" and case.state == "new"
    assert case.group_id is None  # no group: the triage queue


def test_an_answered_question_without_staff_reply_becomes_a_case_after_72_hours(db, question, make_post):
    q = question()
    make_post(thread=q)  # a peer answer, not accepted
    assert run(db, T0 + hours(48)).opened == []
    assert run(db, T0 + hours(71.9)).opened == []
    run(db, T0 + hours(72))
    assert case_of(db, q).source == "no_staff_reply"


def test_a_staff_reply_keeps_the_question_out_of_the_sweep(db, question, make_post, make_user):
    q = question()
    make_post(thread=q, author=make_user(role="employee"))
    assert run(db, T0 + hours(200)).opened == []


def test_an_accepted_answer_keeps_the_question_out_of_the_sweep(db, question, make_post):
    q = question()
    post = make_post(thread=q)
    votes.accept_answer(db.session, q, post, by=q.author)
    db.session.commit()
    assert run(db, T0 + hours(200)).opened == []


def test_only_questions_in_customer_facing_spaces_are_swept(db, question, make_space, make_thread,
                                                           make_user):
    staff_q = question(space=make_space(visibility="staff"), author=make_user(role="employee"))
    members_q = question(space=make_space(visibility="members"))
    idea = make_thread(kind="idea")
    idea.created_at = T0
    db.session.commit()
    run(db, T0 + hours(30))
    assert case_of(db, staff_q) is None and case_of(db, idea) is None
    assert case_of(db, members_q) is not None


def test_rules_can_be_changed_per_space(app, db, question, make_space):
    fast, off = make_space(slug="billing"), make_space(slug="lounge")
    app.config["ESCALATION_SPACES"] = {"billing": {"no_answer_hours": 4},
                                       "lounge": {"enabled": False}}
    qf, qo, qd = question(space=fast), question(space=off), question()
    run(db, T0 + hours(5))
    assert case_of(db, qf) is not None and case_of(db, qd) is None
    run(db, T0 + hours(500))
    assert case_of(db, qo) is None and case_of(db, qd) is not None


def test_the_sweep_is_idempotent_and_never_reopens_a_handled_thread(db, question, make_user):
    q = question()
    run(db, T0 + hours(25))
    assert run(db, T0 + hours(25)).opened == []
    case = case_of(db, q)
    cases.transition(db.session, case, "resolve", by=make_user(role="moderator"))
    db.session.commit()
    assert run(db, T0 + hours(100)).opened == []
    assert db.session.scalar(select(func.count(Case.id))) == 1


def test_sla_warning_at_75_percent_then_breach_to_lead_and_moderators(db, question, make_user, make_group):
    expert, lead, other = (make_user(role="employee") for _ in range(3))
    moderator = make_user(role="moderator")
    make_group(tags=["router"], members=[expert, lead, other], leads=[lead])
    q = question(tags=["router"])
    run(db, T0 + hours(24))  # Tuesday 08:00: due 17:00 (8 business hours), warning at 15:00
    case = case_of(db, q)
    assert case.first_response_due_at == T0.replace(day=24, hour=17)
    cases.assign(db.session, case, by=moderator, assignee=expert)
    db.session.commit()
    assert run(db, T0.replace(day=24, hour=14, minute=59)).warned == []
    assert run(db, T0.replace(day=24, hour=15)).warned == [case.id]
    assert notified(db, "case_sla_warning") == {expert.id}
    assert run(db, T0.replace(day=24, hour=16)).warned == []  # only once
    report = run(db, T0.replace(day=24, hour=17))
    assert report.breached == [case.id]
    breached_to = notified(db, "case_sla_breached")
    assert {lead.id, moderator.id} <= breached_to and not {expert.id, other.id} & breached_to
    db.session.refresh(case)
    assert case.breached
    assert run(db, T0.replace(day=25, hour=17)).breached == []


def test_a_breach_found_late_sends_no_separate_warning(db, question, make_user):
    moderator = make_user(role="moderator")
    q = question()
    run(db, T0 + hours(24))
    run(db, T0 + hours(24 * 7))
    assert notified(db, "case_sla_breached") == {moderator.id}
    assert notified(db, "case_sla_warning") == set()
    assert case_of(db, q).breached


def test_the_clock_pauses_while_waiting_for_the_customer(db, question, make_user, make_post):
    expert = make_user(role="employee")
    q = question()
    run(db, T0 + hours(24))  # Tuesday 08:00, due Tuesday 17:00
    case = case_of(db, q)
    tue10 = T0.replace(day=24, hour=10)
    cases.transition(db.session, case, "start", by=expert, now=tue10)
    cases.transition(db.session, case, "wait_customer", by=expert, now=tue10)
    db.session.commit()
    assert case.sla_paused_remaining == 7 * 3600
    assert run(db, T0.replace(day=26, hour=17)).breached == []  # two days later: paused
    # The asker answers on Thursday 09:00: the clock restarts with 7 hours left.
    cases.transition(db.session, case, "start", by=expert, now=T0.replace(day=26, hour=9))
    db.session.commit()
    assert case.first_response_due_at == T0.replace(day=26, hour=16)
    assert run(db, T0.replace(day=26, hour=16)).breached == [case.id]


def test_the_askers_reply_restarts_a_paused_case(db, question, make_user, make_post):
    expert = make_user(role="employee")
    q = question()
    run(db, T0 + hours(24))
    case = case_of(db, q)
    cases.transition(db.session, case, "start", by=expert)
    cases.transition(db.session, case, "wait_customer", by=expert)
    db.session.commit()
    make_post(thread=q, author=q.author, body="Here is the information you asked for.")
    db.session.refresh(case)
    assert case.state == "in_progress"


def test_a_staff_answer_in_the_thread_is_the_first_response(db, question, make_user, make_post):
    moderator = make_user(role="moderator")
    q = question()
    run(db, T0 + hours(24))
    case = case_of(db, q)
    make_post(thread=q, author=make_user(role="employee"), body="Staff here: try this.")
    db.session.refresh(case)
    assert case.first_response_at is not None
    assert run(db, T0 + hours(24 * 7)).breached == []
    assert moderator.id not in notified(db, "case_sla_breached")
    assert q.author_id in notified(db, "case_answered")


def test_community_sweep_now_runs_one_sweep_as_of_that_time(app, db, question):
    q = question()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["community", "sweep", "--now", (T0 + hours(1)).isoformat()])
    assert result.exit_code == 0, result.output
    assert "0 case(s) opened" in result.output
    db.session.commit()
    result = runner.invoke(args=["community", "sweep", "--now", "2026-11-24T08:30:00"])
    assert result.exit_code == 0 and "1 case(s) opened" in result.output
    db.session.commit()
    assert case_of(db, q) is not None
    bad = runner.invoke(args=["community", "sweep", "--now", "next tuesday"])
    assert bad.exit_code == 1 and "not an ISO timestamp" in bad.output


def test_a_thread_can_never_hold_two_open_cases(db, question):
    q = question()
    run(db, T0 + hours(25))
    db.session.add(Case(thread_id=q.id, open_thread_id=q.id, source="manual", opened_at=T0,
                        updated_at=T0))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_two_sweeps_racing_open_one_case_per_thread(app, db, question):
    qs = [question() for _ in range(30)]
    db.session.commit()
    barrier = threading.Barrier(2)
    errors, reports = [], []

    def worker():
        try:
            with app.app_context():
                barrier.wait()
                reports.append(sweep(_db.session, now=T0 + hours(30)))
                _db.session.commit()
                _db.session.remove()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    workers = [threading.Thread(target=worker) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(30)
    assert errors == []
    db.session.commit()
    counts = dict(db.session.execute(select(Case.thread_id, func.count(Case.id))
                                     .group_by(Case.thread_id)).all())
    assert counts == {q.id: 1 for q in qs}
    assert sum(len(r.opened) for r in reports) == 30  # each case announced once
    opened_events = db.session.scalar(select(func.count(CaseEvent.id))
                                      .where(CaseEvent.kind == "opened"))
    assert opened_events == 30


def test_inserting_the_same_candidates_twice_does_nothing_the_second_time(db, question):
    """What the loser of a race on PostgreSQL does: ON CONFLICT DO NOTHING, no notice."""
    from community.escalation.routing import Router
    from community.escalation.sweep import SweepReport, _open_many

    q = question()
    row = db.session.execute(select(Thread.id, Thread.space_id).where(Thread.id == q.id)).one()
    slugs = {q.space_id: q.space.slug}
    first, second = SweepReport(), SweepReport()
    _open_many(db.session, [row], slugs, {q.id: "no_answer"}, Router(db.session), T0, first)
    _open_many(db.session, [row], slugs, {q.id: "no_answer"}, Router(db.session), T0, second)
    assert len(first.opened) == 1 and second.opened == []


def test_a_sweep_opening_many_cases_sends_one_line_per_group(app, db, question, make_user,
                                                             make_group):
    expert = make_user(role="employee")
    moderator = make_user(role="moderator")
    make_group(tags=["router"], members=[expert])
    for _ in range(7):
        question(tags=["router"])
    question(tags=["coffee"])  # triage: announced on its own
    report = run(db, T0 + hours(25))
    assert len(report.opened) == 8
    rows = db.session.scalars(select(Notification)).all()
    queued = [r for r in rows if r.verb == "cases_queued"]
    assert [(r.user_id, r.data["count"]) for r in queued] == [(expert.id, 7)]
    assert {r.user_id for r in rows if r.verb == "case_routed"} >= {moderator.id}
    assert expert.id not in {r.user_id for r in rows if r.verb == "case_routed"}
