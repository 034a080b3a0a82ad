"""A member's standing: the sanction (silence or suspension) in force now.

Asked by ``permissions`` on every write and sign-in and keyed on by the page cache,
so it sits below both, beside the models; ``moderation.sanctions`` applies and lifts
sanctions.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from .models import Sanction, utcnow

_NOW = bindparam("now")
_ACTIVE = (select(Sanction).where(
    Sanction.user_id == bindparam("uid"), Sanction.lifted_at.is_(None), Sanction.starts_at <= _NOW,
    or_(Sanction.ends_at.is_(None), Sanction.ends_at > _NOW))
    .order_by(Sanction.id.desc()).limit(1))
_ACTIVE_OF_KIND = _ACTIVE.where(Sanction.kind == bindparam("kind"))
# Binds uid and now; pages that key on "is this reader sanctioned" use it too.
ANY_ACTIVE = _ACTIVE.with_only_columns(Sanction.id)


def active(session: Session, user_id: int, kind: str | None = None) -> Sanction | None:
    # Asked on every signed-in page: prebuilt statements, and a plain id lookup
    # first, since almost nobody is sanctioned.
    params = {"uid": user_id, "now": utcnow()}
    if session.connection().execute(ANY_ACTIVE, params).first() is None:
        return None
    if kind:
        return session.scalar(_ACTIVE_OF_KIND, {**params, "kind": kind})
    return session.scalar(_ACTIVE, params)


def describe(s: Sanction) -> str:
    until = s.ends_at.strftime("%Y-%m-%d %H:%M UTC") if s.ends_at else None
    if s.kind == "suspend":
        base = (_("Your account is suspended until %(until)s.", until=until) if until
                else _("Your account is suspended."))
    else:
        base = (_("You are in read-only mode until %(until)s.", until=until) if until
                else _("You are in read-only mode."))
    return base + " " + _("Reason: %(reason)s", reason=s.reason)
