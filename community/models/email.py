"""Account emails: single-use tokens (reset, verification) and the transactional outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .user import User


class EmailToken(db.Model):
    """A link sent by email. Only the SHA-256 digest of the random token is kept; the
    raw token exists in the email alone. ``binding`` is the digest of what the token
    was issued against (the password hash for a reset, the address for a
    verification): when that changes the token no longer matches."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(8))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    binding: Mapped[str] = mapped_column(String(64))
    # The address the link was sent to: following it proves the reader owns it.
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (CheckConstraint("purpose IN ('reset', 'verify')", name="purpose"),)


class AccountEmail(db.Model):
    """An account email waiting for the mailer, written in the request's transaction.

    Never subject to notification preferences or digests. A password reset is queued
    with the address as typed and no user: the mailer looks the account up, so the
    request does the same work whether or not the address has one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    to_address: Mapped[str] = mapped_column(String(254))
    # The start of the email's links (PUBLIC_URL, else the host of the request).
    base_url: Mapped[str] = mapped_column(String(255))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    # pending -> sending (claimed by one mailer) -> done; 'failed' after too many attempts.
    state: Mapped[str] = mapped_column(String(8), default="pending")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_account_email_state", "state", "id"),
        CheckConstraint("kind IN ('password_reset', 'verify_email', 'email_changed')",
                        name="kind"),
        CheckConstraint("state IN ('pending', 'sending', 'done', 'failed')", name="state"),
    )
