"""A member's own profile: name, bio, time zone, password and avatar."""

from __future__ import annotations

import secrets
import zoneinfo
from functools import cache

import pytz
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.orm import Session, object_session
from werkzeug.security import check_password_hash

from .. import events, images, names, ratelimit, rendering, storage
from ..errors import ValidationFailed
from ..models import ApiToken, User, UserSession, token_digest, utcnow
from . import account_email, accounts

DISPLAY_NAME_MAX = 80


@cache
def timezones() -> tuple[str, ...]:
    """IANA names both the standard library and Babel's formatter (pytz) know, sorted."""
    return tuple(sorted(zoneinfo.available_timezones() & set(pytz.all_timezones)))


def _display_name(user: User, value: str) -> None:
    errors: dict[str, list[str]] = {}
    value = names.check_line(errors, "display_name", value or "")
    if not value:
        errors.setdefault("display_name", []).append(_("Enter the name people see."))
    elif len(value) > DISPLAY_NAME_MAX:
        errors.setdefault("display_name", []).append(
            _("Use at most %(n)s characters.", n=DISPLAY_NAME_MAX))
    if errors:
        raise ValidationFailed(_("The name was not changed."), errors)
    user.display_name = value


def _bio(user: User, value: str | None) -> None:
    value = (value or "").strip()
    limit = current_app.config["BIO_MAX_LENGTH"]
    if len(value) > limit:
        raise ValidationFailed(_("The bio was not changed."), {
            "bio": [_("Use at most %(n)s characters.", n=limit)]})
    user.bio = value or None
    user.bio_html = rendering.render_markdown(value) if value else None


def _timezone(user: User, value: str | None) -> None:
    if value and value not in timezones():
        raise ValidationFailed(_("This time zone is not known."), {
            "timezone": [_("Choose a time zone from the list, such as Europe/Paris.")]})
    user.timezone = value or None


def _email(user: User, value: str) -> None:
    account_email.change_email(object_session(user), user, value)


# What PATCH /me and the settings form may change, one setter per field of the
# input schema (schemas.core.MePatchIn): a new field is one line here.
PROFILE_FIELDS = {
    "display_name": _display_name,
    "bio": _bio,
    "timezone": _timezone,
    "locale": accounts.set_locale,
    "email": _email,
}


def update_profile(user: User, data: dict) -> None:
    """Apply every field of ``data``; all errors at once, each under its field. On an
    error some fields may be set on ``user``: the caller rolls back."""
    fields: dict[str, list[str]] = {}
    for name, value in data.items():
        try:
            PROFILE_FIELDS[name](user, value)
        except ValidationFailed as exc:
            fields.update(exc.fields)
    if fields:
        raise ValidationFailed(_("Some settings are not valid."), fields)


def change_password(session: Session, user: User, current: str, new: str, *,
                    keep_session: str | None = None, keep_token: str | None = None) -> None:
    """A new password once the current one is given; every other browser session and
    bearer token of the account ends (the one making the change, ``keep_session`` or
    ``keep_token``, stays). Attempts, right or wrong, are limited per account."""
    limits = (ratelimit.pairs(current_app.config["PASSWORD_CHANGE_RATE_LIMIT"],
                              f"password-change:{user.id}") if ratelimit.enabled() else [])
    if wait := ratelimit.wait(limits):
        raise ratelimit.RateLimited(_("Too many password changes. Try again in %(wait)s.",
                                      wait=ratelimit.wait_phrase(wait)), wait)
    ratelimit.hit(limits)
    errors: dict[str, list[str]] = {}
    if user.password_hash is None or not check_password_hash(user.password_hash, current or ""):
        errors["current_password"] = [_("This is not your current password.")]
    if pw_errors := accounts.validate_password(new or ""):
        errors["new_password"] = pw_errors
    if errors:
        raise ValidationFailed(_("The password was not changed."), errors)
    user.password_hash = accounts.hash_password(new)
    now = utcnow()
    sessions = update(UserSession).where(UserSession.user_id == user.id,
                                         UserSession.revoked_at.is_(None))
    if keep_session:
        sessions = sessions.where(UserSession.key_hash != token_digest(keep_session))
    session.execute(sessions.values(revoked_at=now))
    tokens = update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    if keep_token:
        tokens = tokens.where(ApiToken.token_hash != token_digest(keep_token))
    session.execute(tokens.values(revoked_at=now))


def avatar_key(user_id: int, version: str, size: int) -> str:
    return f"avatars/{user_id}/{version}-{size}.{images.OUTPUT_EXTENSION}"


def _avatar_keys(user_id: int, version: str) -> list[str]:
    return [avatar_key(user_id, version, size) for size in current_app.config["AVATAR_SIZES"]]


def remove_avatar(session: Session, user: User) -> None:
    """Back to the initials; the files go after commit."""
    if user.avatar_version:
        events.defer(session, storage.avatars().delete, _avatar_keys(user.id, user.avatar_version))
    user.avatar_version = None


def set_avatar(session: Session, user: User, data: bytes) -> None:
    """Store ``data``'s renditions under a new version; the old files go after commit.
    A refused file stores nothing."""
    cfg = current_app.config
    renditions = images.square_renditions(data, cfg["AVATAR_SIZES"], max_bytes=cfg["AVATAR_MAX_BYTES"],
                                          max_pixels=cfg["AVATAR_MAX_PIXELS"])
    store = storage.avatars()
    version = secrets.token_hex(6)
    for size, blob in renditions.items():
        store.put(avatar_key(user.id, version, size), blob)
    if user.avatar_version:
        # After commit: a rolled-back change still shows the old picture.
        events.defer(session, store.delete, _avatar_keys(user.id, user.avatar_version))
    user.avatar_version = version
