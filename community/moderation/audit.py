"""The audit log: every moderator action, who, what, when and why."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import AuditEntry, User


def record(session: Session, *, actor_id: int | None, action: str, target_type: str,
           target_id: int | None, reason: str | None = None, **data) -> AuditEntry:
    entry = AuditEntry(actor_id=actor_id, action=action, target_type=target_type,
                       target_id=target_id, reason=(reason or "").strip() or None, data=data)
    session.add(entry)
    return entry


def browse(session: Session, *, action: str | None = None, actor: str | None = None,
           target_type: str | None = None, target_id: int | None = None,
           since: datetime | None = None, page: int = 1, per_page: int = 50):
    where = []
    if action:
        where.append(AuditEntry.action == action)
    if actor:
        where.append(AuditEntry.actor_id.in_(
            select(User.id).where(User.username_lower == actor.lower())))
    if target_type:
        where.append(AuditEntry.target_type == target_type)
    if target_id is not None:
        where.append(AuditEntry.target_id == target_id)
    if since is not None:
        where.append(AuditEntry.created_at >= since)
    total = session.scalar(select(func.count(AuditEntry.id)).where(*where)) or 0
    items = list(session.scalars(select(AuditEntry).where(*where)
                                 .order_by(AuditEntry.id.desc())
                                 .limit(per_page).offset((page - 1) * per_page)))
    return items, total


def actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
