"""Verbs the views call: escalate a thread, list and load cases."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import permissions as perm
from ..errors import Conflict, NotFound, PermissionDenied
from ..models import Organisation, Thread, User, utcnow
from ..models.escalation import OPEN_STATES, Case, CaseEvent, CaseNote, ExpertGroup, GroupMember
from . import cases
from .status import can_ask_expert
from .tiers import organisations_of


def group_by_slug(session: Session, slug: str | None) -> ExpertGroup | None:
    if not slug:
        return None
    group = session.scalar(select(ExpertGroup).where(ExpertGroup.slug == slug))
    if group is None:
        raise NotFound(_("This group does not exist."))
    return group


def escalate(session: Session, thread: Thread, *, by: User, reason: str | None = None,
             group: str | None = None, priority: str = "normal",
             now: datetime | None = None) -> Case:
    perm.check_escalate(by, thread)
    now = now or utcnow()
    if cases.open_case_of(session, thread.id) is not None:
        raise Conflict(_("This thread already has an open case."))
    if not by.is_staff:
        if not can_ask_expert(by, thread, now=now):
            raise PermissionDenied(_("You can ask an expert a little later, if nobody has answered."))
        group, priority = None, "normal"  # the asker does not route or prioritise
    source = "manual" if by.is_staff else "ask_expert"
    return cases.open_case(session, thread, by=by, source=source, reason=reason,
                           group=group_by_slug(session, group), priority=priority, now=now)


def _asked_by_members(organisation: int | None, tier: str | None):
    """Threads asked by members of an organisation, or of any organisation of a tier."""
    askers = select(User.id)
    if organisation is not None:
        askers = askers.where(User.organisation_id == organisation)
    if tier is not None:
        askers = askers.join(Organisation, Organisation.id == User.organisation_id).where(
            Organisation.tier == tier)
    return select(Thread.id).where(Thread.author_id.in_(askers))


def list_cases(session: Session, user: User, *, state=None, group=None, assignee=None,
               mine_or_groups: bool = False, sort: str = "due", page: int = 1,
               per_page: int = 20, organisation: int | None = None, tier: str | None = None,
               external_ref: str | None = None):
    perm.check_case_access(user)
    where = []
    if external_ref is not None:
        where.append(Case.external_ref == external_ref)
    if organisation is not None or tier is not None:
        where.append(Case.thread_id.in_(_asked_by_members(organisation, tier)))
    if state:
        where.append(Case.state == state)
    if group == "triage":
        where.append(Case.group_id.is_(None))
    elif group:
        g = group_by_slug(session, group)
        where.append(Case.group_id == g.id)
    if assignee == "me":
        where.append(Case.assignee_id == user.id)
    elif assignee:
        other = session.scalar(select(User.id).where(User.username_lower == assignee.lower()))
        where.append(Case.assignee_id == (other or -1))
    if mine_or_groups:
        groups = select(GroupMember.group_id).where(GroupMember.user_id == user.id)
        where.append((Case.assignee_id == user.id)
                     | (Case.group_id.in_(groups) & Case.assignee_id.is_(None)))
        if not state:
            where.append(Case.state.in_(OPEN_STATES))
    order = ([Case.first_response_due_at.is_(None), Case.first_response_due_at, Case.id]
             if sort == "due" else [Case.opened_at.desc(), Case.id.desc()])
    total = session.scalar(select(func.count(Case.id)).where(*where))
    items = list(session.scalars(select(Case).where(*where).order_by(*order)
                                 .offset((page - 1) * per_page).limit(per_page)))
    attach_organisations(session, items)
    return items, total


def attach_organisations(session: Session, items: list[Case]) -> list[Case]:
    """Each case's ``asker_organisation`` (None without one): one query for them all."""
    found = organisations_of(session, [c.thread.author_id for c in items])
    for case in items:
        case.asker_organisation = found.get(case.thread.author_id)
    return items


def load_detail(session: Session, case: Case) -> Case:
    """Attach history and notes: only ever called after check_case_access."""
    case.history = list(session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                                        .order_by(CaseEvent.created_at, CaseEvent.id)))
    case.note_list = list(session.scalars(select(CaseNote).where(CaseNote.case_id == case.id)
                                          .order_by(CaseNote.created_at, CaseNote.id)))
    attach_organisations(session, [case])
    return case


def get_case(session: Session, user, case_id: int) -> Case:
    perm.check_case_access(user)
    case = session.get(Case, case_id)
    if case is None or not perm.can_read_thread(user, case.thread):
        raise NotFound(_("This case does not exist."))
    return case
