"""Writing to the points ledger. Reputation = max(1, 1 + sum of the user's rows).

``add_entry`` is the one writer: it appends a row (a no-op when its key was already
applied), refreshes the user's cached reputation and the leaderboard tallies.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import ReputationTally, Thread, User, utcnow
from ..models.ledger import LedgerEntry
from .rules import REPUTATION_FLOOR

EPOCH = date(1970, 1, 1)


def _insert(session: Session):
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _greatest(session: Session, *args):
    if session.get_bind().dialect.name == "sqlite":
        return func.max(*args)
    return func.greatest(*args)


def cause_of(key: str) -> str:
    return key.rsplit("#", 1)[0]


def week_start(moment: datetime | date) -> date:
    day = moment.date() if isinstance(moment, datetime) else moment
    return day - timedelta(days=day.weekday())


def month_start(moment: datetime | date) -> date:
    day = moment.date() if isinstance(moment, datetime) else moment
    return day.replace(day=1)


def period_start(period: str, now: datetime) -> date:
    if period == "week":
        return week_start(now)
    if period == "month":
        return month_start(now)
    return EPOCH


def track_of(role: str) -> str:
    return "members" if role == "member" else "staff"


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
    refresh: bool = True,
) -> bool:
    """Append one row; False (and nothing written) when ``key`` was already applied.

    ``refresh=False`` leaves the cached reputation and tallies to ``recompute`` (bulk
    imports); every other caller keeps the default.
    """
    created_at = created_at or utcnow()
    inserted = session.execute(
        _insert(session)(LedgerEntry)
        .values(user_id=user_id, points=points, reason=reason, key=key, cause=cause_of(key),
                thread_id=thread_id, post_id=post_id, actor_id=actor_id, created_at=created_at)
        .on_conflict_do_nothing(index_elements=["key"])
    ).rowcount
    if not inserted:
        return False
    if refresh:
        refresh_reputation(session, user_id)
        _tally(session, user_id=user_id, points=points, thread_id=thread_id, created_at=created_at)
    return True


def refresh_reputation(session: Session, user_id: int) -> int:
    total = (
        select(func.coalesce(func.sum(LedgerEntry.points), 0))
        .where(LedgerEntry.user_id == user_id)
        .scalar_subquery()
    )
    return session.execute(
        update(User).where(User.id == user_id)
        .values(reputation=_greatest(session, REPUTATION_FLOOR, 1 + total))
        .returning(User.reputation)
    ).scalar_one()


def _tally(session: Session, *, user_id: int, points: int, thread_id: int | None,
           created_at: datetime) -> None:
    if points == 0:
        return
    role = session.scalar(select(User.role).where(User.id == user_id))
    spaces = [0]
    if thread_id is not None:
        space_id = session.scalar(select(Thread.space_id).where(Thread.id == thread_id))
        if space_id is not None:
            spaces.append(space_id)
    rows = [
        {"period": period, "start": start, "space_id": space_id, "user_id": user_id,
         "track": track_of(role or "member"), "points": points}
        for period, start in (("week", week_start(created_at)),
                              ("month", month_start(created_at)), ("all", EPOCH))
        for space_id in spaces
    ]
    stmt = _insert(session)(ReputationTally).values(rows)
    session.execute(stmt.on_conflict_do_update(
        index_elements=["period", "start", "space_id", "user_id"],
        set_={"points": ReputationTally.points + stmt.excluded.points},
    ))


def cause_state(session: Session, cause: str) -> tuple[int, int]:
    """(net points, number of rows) already written for one cause."""
    net, count = session.execute(
        select(func.coalesce(func.sum(LedgerEntry.points), 0), func.count(LedgerEntry.id))
        # Rows bulk-written without a cause (the importer's) are their own cause.
        .where(or_(LedgerEntry.cause == cause,
                   and_(LedgerEntry.cause.is_(None), LedgerEntry.key == cause)))
    ).one()
    return int(net), int(count)
