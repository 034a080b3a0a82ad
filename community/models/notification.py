"""Notifications (the rows are the truth), follows, watches, preferences, digests."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .user import User

FOLLOW_TARGETS = ("thread", "space", "tag")
EMAIL_MODES = ("off", "immediately", "daily")
# What happens to a notification's email: nothing, sent as soon as possible, kept for
# the day's digest, done (sent, or dropped because it was read or became unreadable).
EMAIL_STATES = ("none", "pending", "digest", "sending", "done")


class Notification(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    verb: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("thread.id", ondelete="CASCADE"), index=True
    )
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    # The words the verb's text is built from (title, status, badge, highlighted
    # snippet…), so the text renders in the reader's language when it is read.
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_state: Mapped[str] = mapped_column(String(8), default="none")
    # When a mailer claimed the email ('sending'); a stale claim is a sender that died.
    email_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # False when the owner turned the verb off in the app but still wants the email.
    in_app: Mapped[bool] = mapped_column(default=True)

    actor: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[actor_id])

    __table_args__ = (
        Index("ix_notification_user_unread", "user_id", "read_at", "id"),
        Index("ix_notification_email_state", "email_state", "user_id"),
        CheckConstraint("email_state IN ('none', 'pending', 'digest', 'sending', 'done')",
                        name="email_state"),
    )


class Follow(db.Model):
    """A user follows a thread (its answers and replies), a space or a tag (new threads)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(8))
    target_id: Mapped[int] = mapped_column()
    # An asker who unfollows their own thread keeps an inactive row, so asking's
    # implicit follow does not come back.
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("user_id", "target_type", "target_id", name="uq_follow_user_target"),
        Index("ix_follow_target", "target_type", "target_id"),
        CheckConstraint("target_type IN ('thread', 'space', 'tag')", name="target_type"),
    )


class Watch(db.Model):
    """A saved listening query: keywords and/or tags and/or spaces."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    query: Mapped[str] = mapped_column(String(256), default="")
    tags: Mapped[list] = mapped_column(JSON, default=list)
    space_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotificationPreference(db.Model):
    """A user's choice for one verb; without a row the verb's defaults apply."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    verb: Mapped[str] = mapped_column(String(32))
    in_app: Mapped[bool] = mapped_column(default=True)
    email: Mapped[str] = mapped_column(String(12), default="off")

    __table_args__ = (
        UniqueConstraint("user_id", "verb", name="uq_notification_preference_user_verb"),
        CheckConstraint("email IN ('off', 'immediately', 'daily')", name="email"),
    )


class DigestSent(db.Model):
    """One digest per user per day: the unique key makes a second run a no-op."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "day", name="uq_digest_sent_user_day"),)
