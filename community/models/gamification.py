"""Badges awarded, leaderboard tallies and ambassador decisions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class BadgeAward(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    badge: Mapped[str] = mapped_column(String(40))
    # slug:user for a badge earned once, slug:user:subject for a repeatable one, so a
    # criterion evaluated twice (event and recompute) awards once.
    key: Mapped[str] = mapped_column(String(120), unique=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("thread.id", ondelete="SET NULL"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="SET NULL"))
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        Index("ix_badge_award_user", "user_id", "awarded_at"),
        Index("ix_badge_award_badge", "badge", "user_id"),
    )


class ReputationTally(db.Model):
    """Points per user per calendar period (and per space): the leaderboards read this.

    A cache of the ledger, kept by ``add_entry`` and rebuilt by ``recompute``.
    ``space_id`` 0 is the whole community; ``period`` is week, month or all (start
    1970-01-01); ``track`` is members or staff, from the role when the row was written.
    """

    period: Mapped[str] = mapped_column(String(5), primary_key=True)
    start: Mapped[date] = mapped_column(Date, primary_key=True)
    space_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    track: Mapped[str] = mapped_column(String(7))
    points: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        Index("ix_tally_board", "period", "start", "space_id", "track", "points", "user_id"),
        Index("ix_tally_user", "user_id"),
    )


class AmbassadorDecision(db.Model):
    """Every confirm, decline, renewal and lapse; the latest one is the user's status."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    decision: Mapped[str] = mapped_column(String(10))  # confirmed|renewed|declined|lapsed
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    review_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_ambassador_decision_user", "user_id", "created_at"),)
