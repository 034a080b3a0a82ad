"""The search outbox (what the indexer still has to do) and the log of searches that found nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class SearchOutbox(db.Model):
    """One row per content change, written in the same transaction as the change.

    The indexer deletes a row only after the index commit that covers it, so a
    crash replays it. ``thread_id`` has no foreign key: a thread removed from the
    database must still reach the indexer, which then drops its document.
    """

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int | None] = mapped_column()  # None with action "rebuild"
    action: Mapped[str] = mapped_column(String(16), default="index")  # index | rebuild
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_search_outbox_action", "action", "id"),)


class SearchMiss(db.Model):
    """A search that found nothing: the content the community lacks. No user identity."""

    __tablename__ = "search_miss"

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(256))
    space_id: Mapped[int | None] = mapped_column(ForeignKey("space.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_search_miss_time", "created_at"),)
