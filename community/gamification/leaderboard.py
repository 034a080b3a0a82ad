"""Leaderboards: points earned this week, this month or all time, per track and space.

Read from ``reputation_tally`` (one row per user, period and space, kept by the
ledger writer) through the index (period, start, space_id, track, points): a page
is an index range scan, whatever the size of the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import ReputationTally, Space, User, utcnow
from ..queries import Page
from .ledger import period_start

PERIODS = ("week", "month", "all")
TRACKS = ("members", "staff")


@dataclass
class Standing:
    user: User
    points: int
    rank: int


def leaderboard(
    session: Session,
    *,
    period: str = "week",
    track: str = "members",
    space: Space | None = None,
    page: int = 1,
    per_page: int = 20,
    now: datetime | None = None,
) -> Page:
    """The caller must have checked that it may read ``space``."""
    t = ReputationTally
    where = (
        t.period == period,
        t.start == period_start(period, now or utcnow()),
        t.space_id == (space.id if space is not None else 0),
        t.track == track,
        t.points > 0,
    )
    total = session.scalar(select(func.count()).select_from(t).where(*where))
    rows = session.execute(
        select(t.user_id, t.points).where(*where)
        .order_by(t.points.desc(), t.user_id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    items: list[Standing] = []
    if rows:
        # An erased account's rows go with it; points earned since (a vote on what it
        # left) never bring its placeholder onto the board.
        users = {u.id: u for u in session.scalars(select(User).where(
            User.id.in_([r[0] for r in rows]), User.erased_at.is_(None)))}
        # Competition ranking (1, 2, 2, 4): ties share a rank across page boundaries too.
        ahead = session.scalar(
            select(func.count()).select_from(t).where(*where, t.points > rows[0][1])
        )
        rank, previous = ahead + 1, rows[0][1]
        for position, (user_id, points) in enumerate(rows):
            if points != previous:
                rank, previous = (page - 1) * per_page + position + 1, points
            if user_id in users:
                items.append(Standing(user=users[user_id], points=points, rank=rank))
    return Page(items=items, page=page, per_page=per_page, total=total)
