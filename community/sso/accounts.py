"""From a provider's checked claims to the local account: find, link or provision it,
and give it the role the provider says."""

from __future__ import annotations

import re
import secrets

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import names
from ..events import UserCreated, emit
from ..models import ROLES, User, UserIdentity, utcnow
from ..moderation import audit

_NOT_USERNAME = re.compile(r"[^A-Za-z0-9_.-]+")
_ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}  # member < … < admin


class SignInRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def resolve(session: Session, *, issuer: str, claims: dict) -> User:
    """The account these claims sign in to; never commits. An existing account is
    linked only when the provider vouches for the address and so did this site."""
    identity = session.scalar(select(UserIdentity).where(
        UserIdentity.issuer == issuer, UserIdentity.subject == claims["sub"]))
    if identity is not None:
        identity.last_sign_in_at = utcnow()
        user = session.get(User, identity.user_id)
    else:
        user = _existing_by_email(session, claims) or _provision(session, claims)
        session.add(UserIdentity(issuer=issuer, subject=claims["sub"], user_id=user.id))
    _apply_role(session, user, claims)
    session.flush()
    return user


def _email(claims: dict) -> str | None:
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email or len(email.strip()) > 254:
        return None
    return email.strip()


def _existing_by_email(session: Session, claims: dict) -> User | None:
    email = _email(claims)
    if email is None:
        return None
    user = session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if user is None:
        return None
    # An unverified address at either end could belong to someone else: linking would
    # hand them the account.
    if claims.get("email_verified") is True and user.email_verified_at is not None:
        return user
    raise SignInRefused(_("An account here already uses this email address. Sign in with "
                          "your password instead."))


def _username(session: Session, claims: dict) -> str:
    reserved = current_app.config["RESERVED_USERNAMES"]
    wanted = claims.get("preferred_username") or (_email(claims) or "").split("@")[0]
    base = _NOT_USERNAME.sub("_", wanted if isinstance(wanted, str) else "").strip("_.-")[:26]
    if len(base) < 3 or names.is_reserved(base, reserved):
        base = "member"
    for n in range(1, 50):
        candidate = base if n == 1 else f"{base}{n}"
        if names.is_reserved(candidate, reserved):
            continue
        if not session.scalar(select(User.id).where(User.username_lower == candidate.lower())):
            return candidate
    return f"{base[:21]}_{secrets.token_hex(4)}"


def _provision(session: Session, claims: dict) -> User:
    username = _username(session, claims)
    errors: dict = {}
    name = claims.get("name") if isinstance(claims.get("name"), str) else ""
    display_name = names.check_line(errors, "display_name", name)[:80]
    locale = claims.get("locale")
    locale = locale[:2].lower() if isinstance(locale, str) else None
    user = User(username=username, username_lower=username.lower(), email=_email(claims),
                display_name=(display_name if not errors and display_name else username),
                # No password: this account signs in through the provider only.
                password_hash=None, role="member",
                locale=locale if locale in current_app.config["LANGUAGES"] else None,
                # The provider vouches for the address: no link of ours to follow.
                email_verified_at=(utcnow() if _email(claims) and claims.get("email_verified") is True
                                   else None))
    session.add(user)
    session.flush()
    emit(session, UserCreated(user_id=user.id))
    return user


def _claimed_role(value) -> str:
    values = value if isinstance(value, list) else [value]
    roles = [v for v in values if isinstance(v, str) and v in _ROLE_RANK]
    return max(roles, key=_ROLE_RANK.__getitem__) if roles else "member"


def _apply_role(session: Session, user: User, claims: dict) -> None:
    claim = current_app.config["OIDC_ROLE_CLAIM"]
    if not claim:
        return
    role = _claimed_role(claims.get(claim))
    if role == user.role:
        return
    audit.record(session, actor_id=None, action="role_change", target_type="user",
                 target_id=user.id, previous=user.role, role=role, source="oidc")
    user.role = role
