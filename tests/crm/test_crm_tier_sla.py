"""Per-tier first-response targets on the business-hours calendar: a premium
organisation's member is due sooner than a standard one's, across a weekend, whether
the case is opened by staff, by the sweep, or re-prioritised."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from community.escalation import cases, service
from community.escalation.sweep import sweep
from community.models import Case

# Friday 27 November 2026, 16:00 UTC: one business hour left before the weekend
# (the default calendar is UTC, 09:00-17:00, Monday to Friday).
FRIDAY_4PM = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
MONDAY = datetime(2026, 11, 30, tzinfo=UTC)


def at(hour: float) -> datetime:
    return MONDAY + timedelta(hours=hour)


def _askers(make_user, make_organisation):
    premium, standard, alone = make_user(), make_user(), make_user()
    make_organisation(name="Acme Premium", tier="premium", members=[premium])
    make_organisation(name="Bistro Standard", tier="standard", members=[standard])
    return premium, standard, alone


def test_staff_opening_cases_at_the_same_moment_gives_each_tier_its_target(
        db, make_user, make_organisation, question):
    premium, standard, alone = _askers(make_user, make_organisation)
    moderator = make_user(role="moderator")
    opened = {who: service.escalate(db.session, question(author=user), by=moderator,
                                    now=FRIDAY_4PM)
              for who, user in (("premium", premium), ("standard", standard), ("none", alone))}
    db.session.commit()
    # Premium, 2 business hours: Friday 16-17, then Monday 9-10.
    assert opened["premium"].first_response_due_at == at(10)
    # 75 % of 2 hours: Friday 16-17, then half an hour on Monday.
    assert opened["premium"].sla_warn_at == at(9.5)
    # Standard, 8 business hours: Friday 16-17, then Monday 9-16; the same as nobody's.
    assert opened["standard"].first_response_due_at == at(16)
    assert opened["standard"].sla_warn_at == at(14)
    assert opened["none"].first_response_due_at == at(16)
    assert opened["premium"].first_response_due_at < opened["standard"].first_response_due_at


def test_the_sweep_opens_cases_with_the_askers_tier_and_breaches_the_premium_one_first(
        db, make_user, make_organisation, question):
    premium, standard, _alone = _askers(make_user, make_organisation)
    # Asked on Thursday at 16:00: unanswered for 24 hours at Friday 16:00.
    thursday = FRIDAY_4PM - timedelta(days=1)
    q_premium = question(author=premium, created=thursday)
    q_standard = question(author=standard, created=thursday)
    report = sweep(db.session, now=FRIDAY_4PM)
    db.session.commit()
    assert len(report.opened) == 2
    by_thread = {c.thread_id: c for c in db.session.query(Case)}
    assert by_thread[q_premium.id].first_response_due_at == at(10)
    assert by_thread[q_premium.id].sla_warn_at == at(9.5)
    assert by_thread[q_standard.id].first_response_due_at == at(16)

    # Monday 10:30: the premium case is past its target, the standard one is not even warned.
    later = sweep(db.session, now=at(10.5))
    db.session.commit()
    assert later.breached == [by_thread[q_premium.id].id]
    assert later.warned == []
    db.session.expire_all()
    standard_case = db.session.get(Case, by_thread[q_standard.id].id)
    assert standard_case.breached_at is None and standard_case.warned_at is None


def test_a_priority_change_keeps_the_tiers_promise_and_urgency_only_brings_it_in(
        db, make_user, make_organisation, question):
    premium, standard, _alone = _askers(make_user, make_organisation)
    moderator = make_user(role="moderator")
    p_case = service.escalate(db.session, question(author=premium), by=moderator, now=FRIDAY_4PM)
    s_case = service.escalate(db.session, question(author=standard), by=moderator, now=FRIDAY_4PM)
    db.session.commit()
    # "low" is 16 hours for anyone else; a premium member is still promised 2.
    cases.update(db.session, p_case, by=moderator, priority="low", now=FRIDAY_4PM)
    # "urgent" (2 hours) is sooner than the standard tier's 8: urgency wins.
    cases.update(db.session, s_case, by=moderator, priority="urgent", now=FRIDAY_4PM)
    db.session.commit()
    assert (p_case.priority, p_case.first_response_due_at) == ("low", at(10))
    assert (s_case.priority, s_case.first_response_due_at) == ("urgent", at(10))


def test_the_tiers_are_settings(app, db, make_user, make_organisation, question):
    app.config["ORGANISATION_TIERS"] = {**app.config["ORGANISATION_TIERS"],
                                        "gold": {"first_response_hours": 1}}
    member = make_user()
    make_organisation(name="Gold Customer", tier="gold", members=[member])
    case = service.escalate(db.session, question(author=member), by=make_user(role="employee"),
                            now=FRIDAY_4PM)
    db.session.commit()
    assert case.first_response_due_at == FRIDAY_4PM + timedelta(hours=1)
