"""Moderation: flags, the review queue, the audit log, watched words, sanctions,
merged-thread redirects and knowledge-article links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ColumnElement,
    Exists,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .user import User

FLAG_REASONS = ("spam", "offensive", "off_topic", "duplicate", "other")
WORD_ACTIONS = ("block", "approve", "flag", "censor")
SANCTION_KINDS = ("silence", "suspend")


class Flag(db.Model):
    """One user's flag on one thread or post; its weight is fixed when it is cast."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(8))
    target_id: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    state: Mapped[str] = mapped_column(String(10), default="pending")  # pending|upheld|rejected
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("user_id", "target_type", "target_id", name="uq_flag_user_target"),
        Index("ix_flag_target", "target_type", "target_id"),
        CheckConstraint("target_type IN ('thread', 'post')", name="target_type"),
    )


class ModerationItem(db.Model):
    """A thread or post in the review queue: flagged, held for approval or caught by a word."""

    __tablename__ = "moderation_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(8))
    target_id: Mapped[int] = mapped_column()
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12), default="flags")  # flags|approval|word
    state: Mapped[str] = mapped_column(String(10), default="open")  # open|resolved
    # Hidden by this item (flags over the threshold, held for approval, or a moderator).
    hidden: Mapped[bool] = mapped_column(default=False)
    flag_weight: Mapped[float] = mapped_column(Float, default=0.0)
    reason: Mapped[str | None] = mapped_column(Text)
    resolution: Mapped[str | None] = mapped_column(String(10))  # dismiss|hide|delete|restore
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[User] = relationship(lazy="joined", foreign_keys=[author_id])

    @classmethod
    def holding(cls, target_type: str) -> ColumnElement[bool]:
        """Items holding a new thread or post for approval: hidden since it was written
        and not yet reviewed (its author still reads it: permissions.own_held)."""
        return and_(cls.target_type == target_type, cls.kind == "approval", cls.state == "open",
                    cls.hidden.is_(True))

    @classmethod
    def holds(cls, target_type: str, target_id) -> Exists:
        """Whether ``target_id`` (a column or a value) is held for approval."""
        return select(cls.id).where(cls.holding(target_type), cls.target_id == target_id).exists()

    __table_args__ = (
        UniqueConstraint("target_type", "target_id", name="uq_moderation_item_target"),
        Index("ix_moderation_item_state", "state", "updated_at"),
    )


class AuditEntry(db.Model):
    """Who did what, when and why. Written in the same transaction as the action."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int | None] = mapped_column()
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (
        Index("ix_audit_entry_time", "created_at"),
        Index("ix_audit_entry_action", "action", "created_at"),
        Index("ix_audit_entry_target", "target_type", "target_id"),
    )


class WatchedWord(db.Model):
    __tablename__ = "watched_word"

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(100))
    # Case- and accent-folded, so "Crétin" and "CRETIN" are one entry.
    normalized: Mapped[str] = mapped_column(String(100), unique=True)
    action: Mapped[str] = mapped_column(String(8))
    replacement: Mapped[str | None] = mapped_column(String(100))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("action IN ('block', 'approve', 'flag', 'censor')", name="action"),
    )


class Sanction(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: until lifted
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (CheckConstraint("kind IN ('silence', 'suspend')", name="kind"),)


class ThreadRedirect(db.Model):
    """A thread merged into another: its address sends readers to the target."""

    __tablename__ = "thread_redirect"

    old_thread_id: Mapped[int] = mapped_column(
        ForeignKey("thread.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    new_thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"))
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class KnowledgeLink(db.Model):
    """A knowledge article (a thread in a knowledge space) and the solved thread it came from."""

    __tablename__ = "knowledge_link"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("thread.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    source_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"), unique=True)
    promoted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
