"""Accounts: registration, credentials, browser sessions, API tokens."""

from __future__ import annotations

import math
import re
import secrets
from datetime import timedelta

from flask import current_app, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from .. import names, ratelimit
from ..errors import PermissionDenied, ValidationFailed
from ..events import UserCreated, emit
from ..models import ROLES, ApiToken, LoginFailure, User, UserSession, token_digest, utcnow

# \Z, not $: "$" also matches before a final line break ("alice\n").
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,30}\Z")
_dummy_hashes: dict[str, str] = {}


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _equalise_timing(password: str) -> None:
    """Check a throw-away hash when there is no real one, so sign-in takes as long
    whether or not the account exists (no oracle for which accounts exist)."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash("continuum-timing", method=method)
    check_password_hash(_dummy_hashes[method], password or "")

# The most common passwords that pass the length rule (from public breach lists).
COMMON_PASSWORDS = frozenset(
    {
        "1234567890", "12345678910", "123456789a", "qwertyuiop", "password12",
        "password123", "password1234", "1q2w3e4r5t", "qwerty1234", "qwerty12345",
        "iloveyou12", "abcdefghij", "0987654321", "1111111111", "0000000000",
        "azertyuiop", "motdepasse", "motdepasse1", "passw0rd123", "welcome123",
        "administrator", "letmein123", "football12", "baseball12", "1234qwer!@",
    }
)


def validate_password(password: str) -> list[str]:
    errors = []
    if len(password) < current_app.config["PASSWORD_MIN_LENGTH"]:
        errors.append(
            _("Use at least %(n)s characters.", n=current_app.config["PASSWORD_MIN_LENGTH"])
        )
    elif password.lower() in COMMON_PASSWORDS:
        errors.append(_("This password is too common."))
    if len(password) > 1000:
        errors.append(_("Use at most 1000 characters."))
    return errors


def register_user(
    session: Session,
    *,
    username: str,
    email: str,
    password: str,
    display_name: str | None = None,
    role: str = "member",
    self_registration: bool = False,
) -> User:
    """A new account. ``self_registration`` (the sign-up page and API) also refuses the
    reserved usernames and leaves the address unverified (its owner is sent a link);
    operators creating accounts (CLI, demo seed) may use reserved names, and vouch for
    the address."""
    errors: dict[str, list[str]] = {}
    if not USERNAME_RE.match(username):
        errors["username"] = [
            _("Use 3 to 30 letters, digits, dots, dashes or underscores.")
        ]
    elif self_registration and names.is_reserved(
            username, current_app.config["RESERVED_USERNAMES"]):
        errors["username"] = [_("This username is reserved.")]
    elif session.scalar(select(User.id).where(User.username_lower == username.lower())):
        errors["username"] = [_("This username is taken.")]
    email = email.strip()
    if session.scalar(select(User.id).where(func.lower(User.email) == email.lower())):
        errors["email"] = [_("An account already uses this email.")]
    display_name = names.check_line(errors, "display_name", display_name or "") or username
    if pw_errors := validate_password(password):
        errors["password"] = pw_errors
    if role not in ROLES:
        errors["role"] = [_("Unknown role.")]
    if errors:
        raise ValidationFailed(_("The account could not be created."), errors)
    user = User(
        username=username,
        username_lower=username.lower(),
        email=email,
        display_name=display_name,
        password_hash=hash_password(password),
        role=role,
        email_verified_at=None if self_registration else utcnow(),
    )
    session.add(user)
    session.flush()
    emit(session, UserCreated(user_id=user.id))
    return user


def _limits(address: str | None, account: str) -> tuple[ratelimit.Pairs, ratelimit.Pairs]:
    """(attempt limits, failure limits) for signing in to ``account`` from ``address``."""
    if address is None or not ratelimit.enabled():
        return [], []
    cfg = current_app.config
    attempts = (ratelimit.pairs(cfg["LOGIN_RATE_LIMIT_PER_IP"], f"signin:ip:{address}")
                + ratelimit.pairs(cfg["LOGIN_RATE_LIMIT_PER_ACCOUNT_AND_IP"],
                                  f"signin:ip-account:{address}:{account}"))
    # Failures of existing accounts are rows (shared by every process); a login no
    # account has is counted here, so it is limited the same way (no oracle).
    failures = [] if account.startswith("user:") else ratelimit.pairs(
        f"{cfg['LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR']} per hour", f"signin:failures:{account}")
    return attempts, failures


def _failures_wait(session: Session, user: User) -> int:
    """Seconds until this account may try again after too many failures; 0 if it may now."""
    since = utcnow() - timedelta(hours=1)
    recent = select(LoginFailure.created_at).where(
        LoginFailure.user_id == user.id, LoginFailure.created_at >= since)
    failures = session.scalar(select(func.count()).select_from(recent.subquery()))
    if failures < current_app.config["LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR"]:
        return 0
    oldest = session.scalar(select(func.min(recent.subquery().c.created_at)))
    return max(1, math.ceil((oldest - since).total_seconds()))


def authenticate(session: Session, login: str, password: str, *,
                 address: str | None = None) -> User | None:
    """The user for these credentials, or None; the same work whether or not they exist.

    With the caller's ``address``, attempts are limited per account and address and per
    address, failures per account; a refusal is ``RateLimited`` with the wait.
    """
    login = (login or "").strip()
    user = session.scalar(
        select(User).where(
            or_(User.username_lower == login.lower(), func.lower(User.email) == login.lower())
        )
    )
    account = f"user:{user.id}" if user is not None else f"login:{login.casefold()}"
    attempts, failures = _limits(address, account)
    wait = ratelimit.wait(attempts + failures)
    if user is not None:
        wait = max(wait, _failures_wait(session, user))
    if wait:
        raise ratelimit.RateLimited(
            _("Too many sign-in attempts. Try again in %(wait)s.",
              wait=ratelimit.wait_phrase(wait)), wait)
    ratelimit.hit(attempts)
    if user is None or user.password_hash is None:
        _equalise_timing(password)
        ratelimit.hit(failures)
        return None
    if not check_password_hash(user.password_hash, password or ""):
        session.add(LoginFailure(user_id=user.id))
        return None
    from .. import permissions

    permissions.check_can_sign_in(user)  # a suspended account is told why, after the password
    if user.is_staff and not current_app.config["LOCAL_LOGIN_STAFF"]:
        # After the password too: a wrong one says nothing about who is staff.
        raise PermissionDenied(_("Staff accounts sign in with single sign-on: use the "
                                 "single sign-on button on the sign-in page."))
    return user


def set_locale(user: User, locale: str | None) -> None:
    """The account's language for its pages, toasts, notifications and emails.

    None means "follow the browser" (its Accept-Language, else the site default)."""
    languages = current_app.config["LANGUAGES"]
    if locale is not None and locale not in languages:
        raise ValidationFailed(_("This language is not available."), {
            "locale": [_("Choose one of: %(languages)s.", languages=", ".join(languages))]})
    user.locale = locale


def start_session(session: Session, user: User) -> str:
    """A new server-side session; the raw key goes into the signed cookie only."""
    key = secrets.token_urlsafe(32)
    # Kept for SESSION_IP_RETENTION_DAYS (community/people/retention.py).
    address = request.remote_addr if has_request_context() else None
    session.add(UserSession(key_hash=token_digest(key), user_id=user.id, ip=address))
    user.session_key = key
    return key


_SESSION_USER = select(User).join(UserSession, UserSession.user_id == User.id).where(
    UserSession.key_hash == bindparam("digest"), UserSession.revoked_at.is_(None))


def load_session(session: Session, key: str) -> User | None:
    # Every signed-in request: one prebuilt query for the session and its user.
    user = session.scalar(_SESSION_USER, {"digest": token_digest(key)})
    if user is None:
        return None
    user.session_key = key
    return user


def end_session(session: Session, key: str | None) -> None:
    if key:
        session.execute(
            update(UserSession)
            .where(UserSession.key_hash == token_digest(key), UserSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


def end_all_sessions(session: Session, user: User) -> None:
    """Every browser and every API token of this user stops working at once."""
    now = utcnow()
    session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def issue_token(session: Session, user: User) -> str:
    raw = secrets.token_urlsafe(32)
    session.add(ApiToken(token_hash=token_digest(raw), user_id=user.id))
    return raw


def load_token(session: Session, raw: str) -> User | None:
    row = session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == token_digest(raw), ApiToken.revoked_at.is_(None)
        )
    )
    return row.user if row else None


def revoke_token(session: Session, raw: str) -> None:
    session.execute(
        update(ApiToken)
        .where(ApiToken.token_hash == token_digest(raw), ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
