"""The case state machine: open, assign, transition, notes; the SLA clock on a case.

Services take the session first and the actor as ``by=``, never commit. Every change
bumps ``version`` (SQLAlchemy's version counter): a caller sending a stale version,
or losing a race with another writer, gets a ``Conflict`` (409).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from .. import lengths
from ..errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ..events import CaseChanged, emit
from ..models import Thread, User, utcnow
from ..models.escalation import PRIORITIES, Case, CaseEvent, CaseNote, ExpertGroup
from ..names import check_line
from . import rules
from .calendar import current_calendar
from .notify import notify_case
from .tiers import asker_tier

# action -> {from state: to state}. Anything missing is refused with a 409.
TRANSITIONS: dict[str, dict[str, str]] = {
    "assign": {"new": "assigned", "assigned": "assigned", "in_progress": "in_progress",
               "waiting_customer": "waiting_customer"},
    "start": {"new": "in_progress", "assigned": "in_progress", "waiting_customer": "in_progress"},
    "wait_customer": {"assigned": "waiting_customer", "in_progress": "waiting_customer"},
    "resolve": {"new": "resolved", "assigned": "resolved", "in_progress": "resolved",
                "waiting_customer": "resolved"},
    # A reopened case goes back to whoever had it: "assigned" when it has an assignee.
    "reopen": {"resolved": "new"},
}
ACTIONS = ("start", "wait_customer", "resolve", "reopen")
NOTE_MAX = lengths.CASE_NOTE_MAX


def target_state(case: Case, action: str) -> str:
    to = TRANSITIONS.get(action, {}).get(case.state)
    if to is None:
        raise InvalidTransition(
            _("A case that is %(state)s cannot do “%(action)s”.", state=case.state, action=action))
    if action == "reopen" and case.assignee_id is not None:
        return "assigned"
    return to


def _check_version(case: Case, version: int | None) -> None:
    if version is not None and version != case.version:
        raise Conflict(_("This case was changed by someone else: reload it and try again."))


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(_("This case was changed by someone else: reload it and try again.")) from None


def record(session: Session, case: Case, kind: str, *, actor_id: int | None, now: datetime,
           **data) -> CaseEvent:
    event = CaseEvent(case_id=case.id, actor_id=actor_id, kind=kind, data=data, created_at=now)
    session.add(event)
    return event


# --- the SLA clock -------------------------------------------------------------------

def target_seconds(priority: str, tier: str | None = None) -> float:
    return rules.target_hours(priority, tier) * 3600


def case_target(session: Session, case: Case, priority: str | None = None) -> float:
    """The case's first-response target in business seconds: its priority's, shortened
    by the asker's organisation's tier."""
    author_id = case.thread.author_id if case.thread is not None else None
    if author_id is None:
        author_id = session.scalar(select(Thread.author_id).where(Thread.id == case.thread_id))
    return target_seconds(priority or case.priority, asker_tier(session, author_id))


def start_clock(case: Case, start: datetime, seconds: float | None = None, calendar=None, *,
                target: float) -> None:
    """Set the due and warning moments from ``start``, with ``seconds`` of business time
    left of a ``target`` (the warning comes when ``warn_ratio`` of the target is used)."""
    cal = calendar or current_calendar()
    left = target if seconds is None else seconds
    warn_left = left - target * (1 - rules.sla()["warn_ratio"])
    case.first_response_due_at = cal.add(start, left)
    case.sla_warn_at = cal.add(start, max(warn_left, 0.0))
    case.sla_paused_remaining = None


def pause_clock(case: Case, now: datetime) -> None:
    if case.first_response_at is not None or case.first_response_due_at is None:
        return
    case.sla_paused_remaining = int(current_calendar().seconds_between(now, case.first_response_due_at))


def resume_clock(session: Session, case: Case, now: datetime) -> None:
    if case.sla_paused_remaining is None or case.first_response_at is not None:
        return
    start_clock(case, now, case.sla_paused_remaining, target=case_target(session, case))


def restart_for_priority(session: Session, case: Case, priority: str, now: datetime) -> None:
    """A new priority moves a running clock: the new target less the time already used."""
    if case.first_response_at is not None or case.state == "waiting_customer":
        return
    elapsed = current_calendar().seconds_between(case.opened_at, now)
    target = case_target(session, case, priority)
    start_clock(case, now, max(target - elapsed, 0.0), target=target)


# --- opening ---------------------------------------------------------------------------

def open_case(session: Session, thread: Thread, *, by: User | None, source: str,
              reason: str | None = None, group: ExpertGroup | None = None,
              priority: str = "normal", now: datetime | None = None, router=None) -> Case:
    """Open a case on ``thread``; a ``Conflict`` when it already has an open one."""
    from .routing import Router

    now = now or utcnow()
    if group is None:
        group = (router or Router(session)).route([t.name for t in thread.tags], thread.space.slug)
    case = Case(thread_id=thread.id, open_thread_id=thread.id, state="new", priority=priority,
                group_id=group.id if group else None, source=source,
                opened_by_id=by.id if by else None, opened_at=now, updated_at=now)
    start_clock(case, now, target=target_seconds(priority, asker_tier(session, thread.author_id)))
    try:
        with session.begin_nested():
            session.add(case)
            session.flush()
    except IntegrityError:
        raise Conflict(_("This thread already has an open case.")) from None
    record(session, case, "opened", actor_id=by.id if by else None, now=now, source=source,
           group=group.slug if group else None, reason=(reason or "")[:500] or None)
    after_open(session, case, actor_id=by.id if by else None)
    emit(session, CaseChanged(case_id=case.id, thread_id=case.thread_id, change="opened"))
    return case


def after_open(session: Session, case: Case, *, actor_id: int | None) -> None:
    notify_case(session, "case_routed", case, recipients=group_recipients(session, case),
                actor_id=actor_id)


def group_recipients(session: Session, case: Case) -> list[int]:
    """Who a new case is for: its group's members at work, or the moderators (triage)."""
    return recipients_for_group(session, case.group_id)


def recipients_for_group(session: Session, group_id: int | None) -> list[int]:
    if group_id is not None:
        group = session.get(ExpertGroup, group_id)
        return [m.user_id for m in group.members if not m.out_of_office]
    return list(session.scalars(select(User.id).where(User.role.in_(("moderator", "admin")))))


# --- changes ---------------------------------------------------------------------------

def assign(session: Session, case: Case, *, by: User, assignee: User | None = None,
           group: ExpertGroup | None = None, priority: str | None = None,
           version: int | None = None, now: datetime | None = None) -> Case:
    _check_version(case, version)
    now = now or utcnow()
    if assignee is None and group is None and priority is None:
        raise ValidationFailed(_("Choose an assignee, a group or a priority."),
                               {"assignee": [_("Choose someone or a group.")]})
    if assignee is not None and not assignee.is_staff:
        raise ValidationFailed(_("Only staff can handle a case."),
                               {"assignee": [_("Choose an employee or a moderator.")]})
    if priority is not None and priority not in PRIORITIES:
        raise ValidationFailed(_("Unknown priority."), {"priority": [_("Unknown priority.")]})
    if not case.is_open:
        raise InvalidTransition(_("Reopen the case before assigning it."))
    changes = {}
    if group is not None and group.id != case.group_id:
        case.group_id, case.group = group.id, group
        changes["group"] = group.slug
    if assignee is not None and assignee.id != case.assignee_id:
        case.assignee_id, case.assignee = assignee.id, assignee
        case.state = target_state(case, "assign")
        changes["assignee"] = assignee.username
    if priority is not None and priority != case.priority:
        restart_for_priority(session, case, priority, now)
        case.priority = priority
        changes["priority"] = priority
    if not changes:
        return case
    case.updated_at = now
    _flush(session)
    record(session, case, "assigned", actor_id=by.id, now=now, **changes)
    emit(session, CaseChanged(case_id=case.id, thread_id=case.thread_id))
    # One assignment is one occasion: the assignee is told it is theirs, the rest of a
    # new group that it reached their queue, nobody both.
    occasion = ("case_assigned", case.id, now)
    if "assignee" in changes:
        notify_case(session, "case_assigned", case, recipients=[assignee.id], actor_id=by.id,
                    occasion=occasion)
    if "group" in changes:
        notify_case(session, "case_routed", case, recipients=group_recipients(session, case),
                    actor_id=by.id, occasion=occasion)
    return case


class _Unset:
    """``update``'s "not sent" (``None`` clears the reference)."""


UNSET = _Unset()


def clean_external_ref(value: str | None) -> str | None:
    """A CRM id as stored: trimmed, NFC, one line; empty means none."""
    errors: dict = {}
    ref = check_line(errors, "external_ref", value or "")
    if len(ref) > lengths.EXTERNAL_REF_MAX:
        errors.setdefault("external_ref", []).append(
            _("Write at most %(n)s characters.", n=lengths.EXTERNAL_REF_MAX))
    if errors:
        raise ValidationFailed(_("The reference could not be saved."), errors)
    return ref or None


def update(session: Session, case: Case, *, by: User, external_ref: str | None | _Unset = UNSET,
           priority: str | None = None, version: int | None = None,
           now: datetime | None = None) -> Case:
    """Set the CRM reference (None clears it) and/or the priority (a running clock
    moves to the new target). A resolved case keeps its clock: only the label changes."""
    _check_version(case, version)
    now = now or utcnow()
    if priority is not None and priority not in PRIORITIES:
        raise ValidationFailed(_("Unknown priority."), {"priority": [_("Unknown priority.")]})
    changes: dict = {}
    if not isinstance(external_ref, _Unset):
        ref = clean_external_ref(external_ref)
        if ref != case.external_ref:
            other = session.scalar(select(Case.id).where(Case.external_ref == ref,
                                                          Case.id != case.id))
            if other is not None:
                raise ValidationFailed(_("The reference could not be saved."), {"external_ref": [
                    _("Case #%(id)s already has this reference.", id=other)]})
            case.external_ref = ref
            changes["external_ref"] = ref
    if priority is not None and priority != case.priority:
        if case.is_open:
            restart_for_priority(session, case, priority, now)
        case.priority = priority
        changes["priority"] = priority
    if not changes:
        return case
    case.updated_at = now
    try:
        with session.begin_nested():
            _flush(session)
    except IntegrityError:
        # Another case took the same reference between the check and the write.
        raise Conflict(_("This case was changed by someone else: reload it and try again.")) from None
    record(session, case, "updated", actor_id=by.id, now=now, **changes)
    emit(session, CaseChanged(case_id=case.id, thread_id=case.thread_id, change="updated"))
    return case


def can_reopen(user, case: Case, now: datetime | None = None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or case.is_open:
        return False
    if user.is_staff:
        return True
    if user.id != case.thread.author_id or case.resolved_at is None:
        return False
    days = rules.sla()["reopen_days"]
    return (now or utcnow()) <= case.resolved_at + timedelta(days=days)


def transition(session: Session, case: Case, action: str, *, by: User | None,
               version: int | None = None, now: datetime | None = None,
               actor_id: int | None = None) -> Case:
    """One move of the state machine. ``by=None`` is the system (an accepted answer)."""
    if action not in ACTIONS:
        raise ValidationFailed(_("Unknown action."), {"action": [_("Unknown action.")]})
    now = now or utcnow()
    if by is not None and not by.is_staff and (action != "reopen" or not can_reopen(by, case, now)):
        raise PermissionDenied(
            _("Only the asker, soon after the resolution, or staff can reopen a case."))
    _check_version(case, version)
    old = case.state
    new = target_state(case, action)
    if action == "reopen":
        if open_case_of(session, case.thread_id) is not None:
            raise Conflict(_("This thread already has another open case."))
        case.open_thread_id = case.thread_id
        case.resolved_at = None
    if action == "resolve":
        case.open_thread_id = None
        case.resolved_at = now
    if action == "start" and case.assignee_id is None and by is not None:
        case.assignee_id, case.assignee = by.id, by
    if new == "waiting_customer":
        pause_clock(case, now)
    elif old == "waiting_customer":
        resume_clock(session, case, now)
    case.state = new
    case.updated_at = now
    try:
        with session.begin_nested():
            _flush(session)
    except IntegrityError:
        raise Conflict(_("This thread already has another open case.")) from None
    if action == "reopen":
        from .resolution import forget_resolution

        forget_resolution(session, case.thread_id)
    actor_id = by.id if by is not None else actor_id
    record(session, case, action, actor_id=actor_id, now=now, old=old, new=new)
    if action == "resolve":
        from .resolution import record_resolution

        record_resolution(session, case.thread, now=now, case=case)
    emit(session, CaseChanged(case_id=case.id, thread_id=case.thread_id,
                              change="resolved" if action == "resolve" else "updated"))
    notify_case(session, "case_updated", case,
                recipients=[case.assignee_id] if case.assignee_id else group_recipients(session, case),
                actor_id=actor_id, extra={"state": new})
    return case


def add_note(session: Session, case: Case, *, by: User, body: str,
             now: datetime | None = None) -> CaseNote:
    if not by.is_staff:
        raise NotFound(_("This case does not exist."))
    body = (body or "").strip()
    if not body or len(body) > NOTE_MAX:
        raise ValidationFailed(_("The note could not be saved."),
                               {"body": [_("Write between 1 and %(n)s characters.", n=NOTE_MAX)]})
    now = now or utcnow()
    note = CaseNote(case_id=case.id, author_id=by.id, body=body, created_at=now)
    session.add(note)
    session.flush()
    # The history says a note was added, never what it says; the thread is not touched,
    # so neither its "last activity" nor its counters move.
    record(session, case, "note", actor_id=by.id, now=now, note_id=note.id)
    emit(session, CaseChanged(case_id=case.id, thread_id=case.thread_id, change="note",
                              note_id=note.id))
    notify_case(session, "case_updated", case,
                recipients=[case.assignee_id] if case.assignee_id else [], actor_id=by.id)
    return note


def open_case_of(session: Session, thread_id: int) -> Case | None:
    return session.scalar(select(Case).where(Case.open_thread_id == thread_id))


def latest_case(session: Session, thread_id: int) -> Case | None:
    return session.scalar(select(Case).where(Case.thread_id == thread_id)
                          .order_by(Case.id.desc()).limit(1))
