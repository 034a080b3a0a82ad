"""Whose organisation (and so which tier) a case is for: the thread's asker's.

Read at the moments the SLA clock is set (opening, a priority change, the end of a
wait for the customer), so a membership changed later moves no deadline already set;
and in bulk for the lists, one query per page whatever its length.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Organisation, Thread, User


def asker_tier(session: Session, author_id: int) -> str | None:
    return session.scalar(select(Organisation.tier)
                          .join(User, User.organisation_id == Organisation.id)
                          .where(User.id == author_id))


def tiers_of_threads(session: Session, thread_ids: Iterable[int]) -> dict[int, str]:
    """thread id -> its asker's tier, for the threads asked by an organisation's member."""
    ids = sorted(set(thread_ids))
    if not ids:
        return {}
    return dict(session.execute(select(Thread.id, Organisation.tier)
                                .join(User, User.id == Thread.author_id)
                                .join(Organisation, Organisation.id == User.organisation_id)
                                .where(Thread.id.in_(ids))).all())


def organisations_of(session: Session, author_ids: Iterable[int]) -> dict[int, Organisation]:
    """author id -> Organisation, for the staff's badges on lists and pages."""
    ids = sorted(set(author_ids))
    if not ids:
        return {}
    return {uid: org for uid, org in session.execute(
        select(User.id, Organisation).join(Organisation, Organisation.id == User.organisation_id)
        .where(User.id.in_(ids))).all()}


def organisation_of(session: Session, author_id: int) -> Organisation | None:
    return organisations_of(session, [author_id]).get(author_id)
