"""Work owed to an erased account: its contributions to remove, drained by the worker."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class ErasureJob(db.Model):
    """Written in the same transaction as the anonymisation, so a crash before the
    content is gone leaves the job for the next drain (which is idempotent)."""

    __tablename__ = "erasure_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_erasure_job_pending", "done_at", "id"),)
