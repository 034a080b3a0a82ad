"""Drafts: what a member is typing in the ask form or an answer box, kept on the server
so it follows them from one device to the next (community/services/drafts.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .. import lengths as L
from ..extensions import db
from .base import UTCDateTime, utcnow


class Draft(db.Model):
    """One per member and form. ``key`` names the form ("thread:<id>", "new:<space id>")
    and is what the API addresses; ``thread_id`` / ``space_id`` say the same as foreign
    keys, so lists filter drafts by what the member may still read and a thread removed
    for good takes its drafts with it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(L.DRAFT_KEY_MAX))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"))
    space_id: Mapped[int | None] = mapped_column(ForeignKey("space.id", ondelete="CASCADE"))
    title: Mapped[str | None] = mapped_column(String(L.TITLE_MAX))
    body: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("user_id", "key", name="uq_draft_user_key"),
        Index("ix_draft_updated_at", "updated_at"),
    )
