"""The escalation and SLA sweep: idempotent, and safe with two workers at once.

Candidates are chosen in SQL; cases are inserted with ON CONFLICT DO NOTHING on the
unique ``open_thread_id``, so of two racing sweeps only one inserts each case and only
the rows really inserted are notified. SLA marks are conditional updates
(``WHERE warned_at IS NULL``), so a warning or a breach is sent once.
"""

from __future__ import annotations

import logging
import time as _time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session

from ..events import CaseChanged, emit
from ..lifecycle import one_pass
from ..models import Post, Space, Tag, Thread, User, thread_tag, utcnow
from ..models.escalation import Case, CaseEvent, ExpertGroup, GroupMember
from ..models.user import STAFF_ROLES
from ..notifications import notify
from . import rules as rules_mod
from .calendar import current_calendar
from .cases import target_seconds
from .notify import notify_case
from .routing import Router
from .tiers import tiers_of_threads

log = logging.getLogger(__name__)
BATCH = 400
CLOCK_STATES = ("new", "assigned", "in_progress")  # waiting_customer pauses the clock


@dataclass
class SweepReport:
    opened: list[int] = field(default_factory=list)
    warned: list[int] = field(default_factory=list)
    breached: list[int] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        return (f"{len(self.opened)} case(s) opened, {len(self.warned)} SLA warning(s), "
                f"{len(self.breached)} breach(es) in {self.seconds:.2f} s")


def sweep(session: Session, *, now: datetime | None = None) -> SweepReport:
    started = _time.perf_counter()
    now = now or utcnow()
    report = SweepReport()
    _escalate(session, now, report)
    _sla(session, now, report)
    session.flush()
    report.seconds = _time.perf_counter() - started
    return report


def _rule_buckets(session: Session) -> dict:
    buckets: dict = defaultdict(list)
    overrides = rules_mod.space_overrides()
    base = rules_mod.default_rules()
    for space in session.scalars(select(Space)):
        rules = overrides.get(space.slug, base)
        if rules.applies_to(space):
            buckets[rules].append(space)
    return buckets


def _escalate(session: Session, now: datetime, report: SweepReport) -> None:
    staff_post = exists().where(
        Post.thread_id == Thread.id, Post.deleted_at.is_(None),
        Post.author_id.in_(select(User.id).where(User.role.in_(STAFF_ROLES))))
    any_case = exists().where(Case.thread_id == Thread.id)
    router = None
    opened: list = []
    for rules, spaces in _rule_buckets(session).items():
        no_answer = now - timedelta(hours=rules.no_answer_hours)
        no_staff = now - timedelta(hours=rules.no_staff_reply_hours)
        origin = [] if rules.imported else [Thread.external_id.is_(None)]
        rows = session.execute(
            select(Thread.id, Thread.space_id, Thread.post_count, Thread.created_at)
            .where(Thread.space_id.in_([s.id for s in spaces]), Thread.kind == "question",
                   Thread.deleted_at.is_(None), Thread.is_closed.is_(False),
                   Thread.accepted_post_id.is_(None), *origin,
                   Thread.created_at <= max(no_answer, no_staff), ~any_case,
                   or_(and_(Thread.post_count == 0, Thread.created_at <= no_answer),
                       and_(Thread.created_at <= no_staff, ~staff_post)))
            .order_by(Thread.id)
        ).all()
        if not rows:
            continue
        router = router or Router(session)
        slugs = {s.id: s.slug for s in spaces}
        for i in range(0, len(rows), BATCH):
            chunk = rows[i:i + BATCH]
            rule_of = {r.id: ("no_answer" if r.post_count == 0 and r.created_at <= no_answer
                              else "no_staff_reply") for r in chunk}
            opened += _open_many(session, chunk, slugs, rule_of, router, now, report)
    _announce_opened(session, opened)


def _tags_of(session: Session, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for tid, name in session.execute(select(thread_tag.c.thread_id, Tag.name)
                                     .join(Tag, Tag.id == thread_tag.c.tag_id)
                                     .where(thread_tag.c.thread_id.in_(ids))):
        out[tid].append(name)
    return out


def _insert(session: Session):
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(Case)


def _open_many(session, chunk, slugs, rule_of, router, now, report) -> list:
    """Insert the chunk's cases; returns (case id, thread id, group id) of those inserted."""
    tags = _tags_of(session, [r.id for r in chunk])
    tier_of = tiers_of_threads(session, [r.id for r in chunk])
    cal = current_calendar()
    warn_ratio = rules_mod.sla()["warn_ratio"]
    clocks: dict = {}  # per tier: one pair of calendar walks for the whole chunk

    def clock(tier):
        if tier not in clocks:
            target = target_seconds("normal", tier)
            clocks[tier] = (cal.add(now, target), cal.add(now, target * warn_ratio))
        return clocks[tier]

    values = []
    for r in chunk:
        group = router.route(tags.get(r.id, []), slugs[r.space_id])
        due, warn = clock(tier_of.get(r.id))
        values.append({"thread_id": r.id, "open_thread_id": r.id, "state": "new",
                       "priority": "normal", "group_id": group.id if group else None,
                       "source": rule_of[r.id], "opened_at": now, "updated_at": now,
                       "first_response_due_at": due, "sla_warn_at": warn, "version": 1})
    stmt = _insert(session).values(values).on_conflict_do_nothing(
        index_elements=["open_thread_id"]).returning(Case.id, Case.thread_id, Case.group_id)
    inserted = session.execute(stmt).all()
    if not inserted:
        return []
    session.execute(CaseEvent.__table__.insert(), [
        {"case_id": cid, "actor_id": None, "kind": "opened", "created_at": now,
         "data": {"source": rule_of[tid]}} for cid, tid, _g in inserted])
    report.opened.extend(cid for cid, _tid, _g in inserted)
    for cid, tid, _g in inserted:
        emit(session, CaseChanged(case_id=cid, thread_id=tid, change="opened"))
    return inserted


def _by_group(items):
    out = defaultdict(list)
    for case in items:
        out[case.group_id].append(case)
    return out


def _summary_data(session: Session, group_id, count: int) -> dict:
    group = session.get(ExpertGroup, group_id) if group_id else None
    return {"count": count, "group": group.name if group else "triage",
            "group_slug": group.slug if group else None}


def _announce_opened(session: Session, opened: list) -> None:
    from .cases import group_recipients, recipients_for_group

    each = current_app.config["ESCALATION_NOTIFY_EACH"]
    by_group = defaultdict(list)
    for cid, _tid, gid in opened:
        by_group[gid].append(cid)
    for group_id, ids in by_group.items():
        if len(ids) <= each:
            for case in session.scalars(select(Case).where(Case.id.in_(ids))):
                notify_case(session, "case_routed", case,
                            recipients=group_recipients(session, case))
        else:
            notify(session, "cases_queued", recipients=recipients_for_group(session, group_id),
                   data=_summary_data(session, group_id, len(ids)))


def _mark(session: Session, column, where, now: datetime) -> list[int]:
    stmt = (update(Case).where(*where, column.is_(None)).values({column.key: now})
            .returning(Case.id).execution_options(synchronize_session=False))
    return [row[0] for row in session.execute(stmt)]


def _sla(session: Session, now: datetime, report: SweepReport) -> None:
    running = (Case.state.in_(CLOCK_STATES), Case.first_response_at.is_(None))
    breached = _mark(session, Case.breached_at, (*running, Case.first_response_due_at <= now), now)
    if breached:
        # A breach found at once also covers the warning: one message, not two.
        _mark(session, Case.warned_at, (Case.id.in_(breached),), now)
    warned = _mark(session, Case.warned_at,
                   (*running, Case.sla_warn_at <= now, Case.breached_at.is_(None)), now)
    moderators = list(session.scalars(select(User.id).where(User.role.in_(("moderator", "admin")))))
    leads: dict[int, list[int]] = defaultdict(list)
    for gid, uid in session.execute(select(GroupMember.group_id, GroupMember.user_id)
                                    .where(GroupMember.is_lead.is_(True))):
        leads[gid].append(uid)
    each = current_app.config["ESCALATION_NOTIFY_EACH"]
    flagged = []
    for ids, kind in ((warned, "sla_warning"), (breached, "sla_breached")):
        for i in range(0, len(ids), 500):
            for case in session.scalars(select(Case).where(Case.id.in_(ids[i:i + 500]))):
                session.add(CaseEvent(case_id=case.id, kind=kind, data={}, created_at=now))
                emit(session, CaseChanged(case_id=case.id, thread_id=case.thread_id,
                                          change=kind))
                flagged.append((kind, case))
    from .cases import group_recipients

    for group_id, items in _by_group([c for _k, c in flagged]).items():
        kinds = {c.id: k for k, c in flagged}
        if len(items) > each:
            who = {*leads.get(group_id, []), *moderators}
            who |= {c.assignee_id for c in items if c.assignee_id}
            notify(session, "cases_sla_summary", recipients=who,
                   data=_summary_data(session, group_id, len(items)))
            continue
        for case in items:
            if kinds[case.id] == "sla_warning":
                who = [case.assignee_id] if case.assignee_id else group_recipients(session, case)
                notify_case(session, "case_sla_warning", case, recipients=who)
            else:
                notify_case(session, "case_sla_breached", case,
                            recipients=[*leads.get(case.group_id, []), *moderators])
    report.warned, report.breached = warned, breached


def run_sweeper(app, *, interval: float | None = None) -> None:
    """The background loop of `community serve` and `community worker`."""
    from ..extensions import db, socketio

    interval = interval or app.config["ESCALATION_SWEEP_INTERVAL"]
    while True:
        with one_pass(), app.app_context():
            try:
                report = sweep(db.session)
                db.session.commit()
                if report.opened or report.warned or report.breached:
                    log.info("escalation sweep: %s", report.line())
            except Exception:
                db.session.rollback()
                log.exception("escalation sweep failed")
            finally:
                db.session.remove()
        socketio.sleep(interval)
