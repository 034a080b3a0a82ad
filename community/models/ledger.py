"""The points ledger: reputation is the sum of these rows, never a bare number."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class LedgerEntry(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    points: Mapped[int] = mapped_column()
    # upvote_received, accepted, accepting, downvote_received, downvote_cast,
    # idea_shipped, imported, reversal…
    reason: Mapped[str] = mapped_column(String(32))
    # One row per cause: applying a rule twice is a no-op. Rules of the engine use
    # "<cause>#<n>", n counting the rows of that cause (see gamification.engine).
    key: Mapped[str] = mapped_column(String(160), unique=True)
    # The key without its "#n" suffix: every row of one cause, found by index.
    cause: Mapped[str | None] = mapped_column(String(160))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("thread.id", ondelete="SET NULL"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        # Points in a window per member (the ambassador rule) read from the index alone.
        Index("ix_ledger_user_time_points", "user_id", "created_at", "points"),
        Index("ix_ledger_time_user", "created_at", "user_id"),
        Index("ix_ledger_post", "post_id"),
        Index("ix_ledger_cause", "cause"),
    )
