"""Per-verb preferences: in the app on or off; email off, immediately or in the daily digest."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import ValidationFailed
from ..models import NotificationPreference, User
from ..models.notification import EMAIL_MODES
from . import registry


def visible_verbs(user: User) -> list[registry.Verb]:
    out = []
    for verb in registry.VERBS.values():
        if verb.audience == "staff" and not user.is_staff:
            continue
        if verb.audience == "moderators" and not user.is_moderator:
            continue
        out.append(verb)
    return out


def for_users(session: Session, user_ids, verb: str) -> dict[int, tuple[bool, str]]:
    """(in_app, email) for each user, the verb's defaults where they chose nothing."""
    spec = registry.get(verb)
    default = (spec.in_app, spec.email) if spec else (True, "off")
    out = dict.fromkeys(user_ids, default)
    ids = list(user_ids)
    for i in range(0, len(ids), 500):
        for row in session.scalars(select(NotificationPreference).where(
                NotificationPreference.verb == verb,
                NotificationPreference.user_id.in_(ids[i:i + 500]))):
            out[row.user_id] = (row.in_app, row.email)
    return out


def list_for(session: Session, user: User) -> list[dict]:
    rows = {r.verb: r for r in session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    out = []
    for verb in visible_verbs(user):
        row = rows.get(verb.name)
        out.append({"verb": verb.name, "label": verb.label,  # lazy: rendered by the reader
                    "in_app": row.in_app if row else verb.in_app,
                    "email": row.email if row else verb.email})
    return out


def update(session: Session, *, by: User, changes: list[dict]) -> list[dict]:
    known = {v.name for v in visible_verbs(by)}
    errors: dict[str, list[str]] = {}
    for change in changes:
        verb = change.get("verb")
        if verb not in known:
            errors.setdefault("verb", []).append(_("Unknown notification: %(verb)s", verb=str(verb)[:40]))
        if change.get("email") is not None and change["email"] not in EMAIL_MODES:
            errors.setdefault("email", []).append(_("Choose off, immediately or daily."))
        if change.get("in_app") is not None and not isinstance(change["in_app"], bool):
            errors.setdefault("in_app", []).append(_("Choose true or false."))
    if errors:
        raise ValidationFailed(_("The preferences could not be saved."), errors)
    for change in changes:
        spec = registry.get(change["verb"])
        row = session.scalar(select(NotificationPreference).where(
            NotificationPreference.user_id == by.id, NotificationPreference.verb == spec.name))
        if row is None:
            row = NotificationPreference(user_id=by.id, verb=spec.name, in_app=spec.in_app,
                                         email=spec.email)
            session.add(row)
        if change.get("in_app") is not None:
            row.in_app = change["in_app"]
        if change.get("email") is not None:
            row.email = change["email"]
    session.flush()
    return list_for(session, by)
