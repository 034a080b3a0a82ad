from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow

VISIBILITIES = ("public", "members", "staff")


class Space(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    # Shown on the space page, e.g. the licence of imported content.
    attribution_html: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(10), default="public")
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # An archived space keeps its threads readable but takes no new ones and is no
    # longer listed (/admin/spaces).
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Kept by triggers on ``thread`` (community/models/thread_counts.py), never written here.
    thread_count: Mapped[int] = mapped_column(default=0, server_default="0")
    deleted_thread_count: Mapped[int] = mapped_column(default=0, server_default="0")

    __table_args__ = (
        CheckConstraint("visibility IN ('public', 'members', 'staff')", name="visibility"),
    )
