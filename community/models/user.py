"""Accounts, their browser sessions and their API tokens."""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

ROLES = ("member", "employee", "moderator", "admin")
STAFF_ROLES = frozenset({"employee", "moderator", "admin"})


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(30), unique=True)
    username_lower: Mapped[str] = mapped_column(String(30), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    # None: an imported account that cannot sign in until invited or claimed.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="member")
    reputation: Mapped[int] = mapped_column(default=1)
    is_ambassador: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str | None] = mapped_column(String(8))
    # An IANA name (Europe/Paris); None: the site's BABEL_DEFAULT_TIMEZONE.
    timezone: Mapped[str | None] = mapped_column(String(64))
    bio: Mapped[str | None] = mapped_column(Text)
    bio_html: Mapped[str | None] = mapped_column(Text)  # rendered and sanitised at save time
    # Names the stored renditions and goes into their URLs (cached for a year); a new
    # upload gets a new one. None: the initials are shown.
    avatar_version: Mapped[str | None] = mapped_column(String(16))
    # When the owner followed a verification link sent to the current address; None
    # until then (and again after every email change).
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Refreshed at most every LAST_SEEN_INTERVAL_MINUTES (community/people/presence.py).
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the account was anonymised (community/people/erasure.py): it no longer
    # exists to anyone, only its contributions do, under a placeholder name.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The customer organisation this person belongs to (staff-only knowledge: its tier
    # sets the first-response target of their cases). No relationship on purpose: the
    # few places that need it look it up, so loading a user never joins it.
    # (No ON DELETE: organisations are not deleted, and SQLite's plain ADD COLUMN, the
    # only safe way to add it there, would not report one back to the schema check.)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"),
                                                        index=True)

    # Set on the instance Flask-Login loads, so get_id() names the server-side session.
    session_key = None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_moderator(self) -> bool:
        return self.role in ("moderator", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def can_sign_in(self) -> bool:
        return self.password_hash is not None

    def get_id(self) -> str | None:
        return self.session_key


class UserSession(db.Model):
    """One signed-in browser. Logging out revokes it, so a copied cookie stops working."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The address it signed in from; blanked after SESSION_IP_RETENTION_DAYS.
    ip: Mapped[str | None] = mapped_column(String(45))

    user: Mapped[User] = relationship(lazy="joined")


class ApiToken(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class LoginFailure(db.Model):
    """Failed sign-ins per account, for the per-account cap whatever the IP."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_login_failure_user_time", "user_id", "created_at"),)
