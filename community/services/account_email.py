"""Account emails: password reset, email verification and email change.

Links carry a random token; only its SHA-256 digest is stored, with a ``binding``
(the digest of the password hash and address for a reset, of the address for a
verification) compared in constant time, so a reset link dies when the password or
the address changes and a verification link when the address does. Tokens are
created by the mailer when it sends the email (community/notifications/account_mail.py):
the raw token exists only in the message. A reset request queues the typed address
without looking it up, so the request does the same work whether or not an account
uses it; the mailer finds the account, or sends nothing.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from flask import current_app, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import ratelimit
from ..errors import BadRequest, ValidationFailed
from ..events import AccountEmailQueued, CredentialsReset, emit
from ..models import AccountEmail, EmailToken, User, token_digest, utcnow
from . import accounts

PURPOSE_TTL = {"reset": "PASSWORD_RESET_TTL", "verify": "EMAIL_VERIFICATION_TTL"}


def public_url() -> str:
    """The start of an email's links: PUBLIC_URL, else the host this request came to."""
    base = current_app.config["PUBLIC_URL"]
    if not base and has_request_context():
        base = request.host_url
    return (base or "http://127.0.0.1:5000").rstrip("/")


def _queue(session: Session, kind: str, to: str, user_id: int | None, data: dict | None = None):
    mail = AccountEmail(kind=kind, to_address=to, user_id=user_id, base_url=public_url(),
                        data=data or {})
    session.add(mail)
    session.flush()
    emit(session, AccountEmailQueued(email_id=mail.id))


def _binding(user: User, purpose: str, email: str) -> str:
    address = (email or "").casefold()
    if purpose == "reset":
        return token_digest(f"{user.password_hash or ''}\x00{address}")
    return token_digest(address)


def issue_token(session: Session, user: User, purpose: str) -> str:
    """A new link token for ``user``'s current address; the caller puts it in the email."""
    raw = secrets.token_urlsafe(32)
    ttl = int(current_app.config[PURPOSE_TTL[purpose]])
    session.add(EmailToken(user_id=user.id, purpose=purpose, token_hash=token_digest(raw),
                           binding=_binding(user, purpose, user.email), email=user.email,
                           expires_at=utcnow() + timedelta(seconds=ttl)))
    return raw


def live_token(session: Session, raw, purpose: str) -> EmailToken | None:
    """The unused, unexpired token still bound to its account's password and address."""
    if not isinstance(raw, str) or not 20 <= len(raw) <= 100:
        return None
    row = session.scalar(select(EmailToken).where(
        EmailToken.token_hash == token_digest(raw), EmailToken.purpose == purpose,
        EmailToken.used_at.is_(None), EmailToken.expires_at > utcnow()))
    if row is None:
        return None
    current = _binding(row.user, purpose, row.user.email)
    return row if hmac.compare_digest(row.binding, current) else None


def _invalid_link() -> BadRequest:
    return BadRequest(_("This link is not valid any more: it was used, it expired or it is "
                        "incomplete. Ask for a new one."))


def _use(session: Session, raw, purpose: str) -> EmailToken:
    row = live_token(session, raw, purpose)
    # Conditional: of two requests racing with one link, only one gets the row.
    if row is None or not session.execute(update(EmailToken).where(
            EmailToken.id == row.id, EmailToken.used_at.is_(None))
            .values(used_at=utcnow())).rowcount:
        raise _invalid_link()
    return row


def _mark_verified(user: User, address: str) -> None:
    if user.email_verified_at is None and hmac.compare_digest(
            (user.email or "").casefold().encode(), address.casefold().encode()):
        user.email_verified_at = utcnow()


# ---- password reset ----

def request_password_reset(session: Session, email: str, *, address: str | None) -> None:
    """Queue a reset email for ``email``; a refusal (``RateLimited``) says nothing
    about whether an account uses the address."""
    email = email.strip()
    limits = []
    if address is not None and ratelimit.enabled():
        cfg = current_app.config
        limits = (ratelimit.pairs(cfg["PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS"],
                                  f"reset:email:{email.casefold()}")
                  + ratelimit.pairs(cfg["PASSWORD_RESET_RATE_LIMIT_PER_IP"], f"reset:ip:{address}"))
    wait = ratelimit.wait(limits)
    if wait:
        raise ratelimit.RateLimited(
            _("Too many password reset requests. Try again in %(wait)s.",
              wait=ratelimit.wait_phrase(wait)), wait)
    ratelimit.hit(limits)
    _queue(session, "password_reset", email, None)


def reset_password(session: Session, raw, password: str) -> User:
    """Set a new password through a reset link; every session and token of the
    account ends (the caller may start a new one)."""
    if errors := accounts.validate_password(password):
        if live_token(session, raw, "reset") is None:
            raise _invalid_link()
        raise ValidationFailed(_("Choose another password."), {"password": errors})
    row = _use(session, raw, "reset")
    user = row.user
    user.password_hash = accounts.hash_password(password)
    _mark_verified(user, row.email)  # the link reached this address
    accounts.end_all_sessions(session, user)
    emit(session, CredentialsReset(user_id=user.id))
    return user


# ---- verification ----

def verify_email(session: Session, raw) -> User:
    row = _use(session, raw, "verify")
    _mark_verified(row.user, row.email)
    return row.user


def _count_verification_email(user: User) -> None:
    limits = ratelimit.pairs(current_app.config["VERIFICATION_EMAIL_RATE_LIMIT"],
                             f"verify-email:user:{user.id}") if ratelimit.enabled() else []
    wait = ratelimit.wait(limits)
    if wait:
        raise ratelimit.RateLimited(
            _("We sent you several emails already. Try again in %(wait)s.",
              wait=ratelimit.wait_phrase(wait)), wait)
    ratelimit.hit(limits)


def queue_verification(session: Session, user: User) -> None:
    """The verification email of a new account (registration is limited on its own)."""
    if user.email and user.email_verified_at is None:
        _queue(session, "verify_email", user.email, user.id)


def resend_verification(session: Session, user: User) -> bool:
    """Another verification email ("send again"); False when the address is verified."""
    if not user.email or user.email_verified_at is not None:
        return False
    _count_verification_email(user)
    queue_verification(session, user)
    return True


def change_email(session: Session, user: User, email: str) -> None:
    """A new address, unverified until its link is followed; the old one is told."""
    email = email.strip()
    old = user.email
    if old is not None and email.casefold() == old.casefold():
        user.email = email  # only its case changed: still the same mailbox
        return
    if session.scalar(select(User.id).where(func.lower(User.email) == email.lower(),
                                            User.id != user.id)):
        raise ValidationFailed(_("This email could not be used."),
                               {"email": [_("An account already uses this email.")]})
    _count_verification_email(user)
    user.email = email
    user.email_verified_at = None
    session.flush()
    queue_verification(session, user)
    if old:
        _queue(session, "email_changed", old, user.id, {"new_email": email})
