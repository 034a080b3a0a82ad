"""Writing to the points ledger. Reputation = max(1, 1 + sum of the user's rows)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import User, utcnow
from ..models.ledger import LedgerEntry


def add_entry(
    session: Session,
    *,
    user_id: int,
    points: int,
    reason: str,
    key: str,
    thread_id: int | None = None,
    post_id: int | None = None,
    actor_id: int | None = None,
    created_at: datetime | None = None,
) -> bool:
    """Append one row; False (and nothing written) when ``key`` was already applied."""
    dialect = session.get_bind().dialect.name
    ins = postgresql.insert if dialect == "postgresql" else sqlite.insert
    inserted = session.execute(
        ins(LedgerEntry)
        .values(user_id=user_id, points=points, reason=reason, key=key, thread_id=thread_id,
                post_id=post_id, actor_id=actor_id, created_at=created_at or utcnow())
        .on_conflict_do_nothing(index_elements=["key"])
    ).rowcount
    if not inserted:
        return False
    total = (
        select(func.coalesce(func.sum(LedgerEntry.points), 0))
        .where(LedgerEntry.user_id == user_id)
        .scalar_subquery()
    )
    session.execute(
        update(User).where(User.id == user_id).values(reputation=func.max(1, 1 + total))
        if dialect == "sqlite"
        else update(User).where(User.id == user_id).values(reputation=func.greatest(1, 1 + total))
    )
    return True
