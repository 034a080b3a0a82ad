"""Replies received by email: one row per message posted, so a re-delivery is a no-op."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class MailInMessage(db.Model):
    """Written in the transaction that posts the reply: a second delivery of the same
    Message-ID (MTAs retry, people resend) meets the unique key and posts nothing.
    Only a digest of the Message-ID is kept, scoped to the sender's account."""

    __tablename__ = "mail_in_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    message_key: Mapped[str] = mapped_column(String(64))
    thread_id: Mapped[int] = mapped_column()
    # What the reply became: "post", "held" (awaiting a moderator) or "note".
    outcome: Mapped[str] = mapped_column(String(8))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "message_key",
                                       name="uq_mail_in_message_user_key"),)
