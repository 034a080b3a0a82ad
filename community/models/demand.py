"""Ideas linked to the questions and cases that asked for them, and the staff's saved
replies (community/demand)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..lengths import SAVED_REPLY_TITLE_MAX
from .base import UTCDateTime, utcnow


class IdeaDemand(db.Model):
    """One question (``thread_id``) or one case (``case_id``) that asked for an idea.
    Exactly one of the two is set; each pair is unique (partial unique indexes, since a
    plain unique constraint treats every NULL as different)."""

    __tablename__ = "idea_demand"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"))
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("thread.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("escalation_case.id", ondelete="CASCADE"), index=True)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("(thread_id IS NULL) <> (case_id IS NULL)", name="one_target"),
        Index("uq_idea_demand_thread", "idea_id", "thread_id", unique=True,
              sqlite_where=text("thread_id IS NOT NULL"),
              postgresql_where=text("thread_id IS NOT NULL")),
        Index("uq_idea_demand_case", "idea_id", "case_id", unique=True,
              sqlite_where=text("case_id IS NOT NULL"),
              postgresql_where=text("case_id IS NOT NULL")),
    )


class SavedReply(db.Model):
    """A canned answer for staff, in English and French, for one expert group (or
    everyone's when ``group_id`` is NULL)."""

    __tablename__ = "saved_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(SAVED_REPLY_TITLE_MAX))
    body_en: Mapped[str] = mapped_column(Text)
    body_fr: Mapped[str] = mapped_column(Text)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("expert_group.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
