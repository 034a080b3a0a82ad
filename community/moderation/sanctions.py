"""Silence (read-only) and suspension, for a duration, with a reason; lifting them."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session

from .. import permissions as perm
from ..errors import ValidationFailed
from ..events import UserSuspended, after_commit, emit
from ..models import Sanction, User, utcnow
from . import audit

MAX_DAYS = 3650


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


def sanction(session: Session, target: User, *, by: User, action: str, reason: str,
             days: int | None = None) -> Sanction | None:
    perm.check_sanction(by, target)
    errors: dict[str, list[str]] = {}
    if action not in ("silence", "suspend", "lift"):
        errors["action"] = [_("Choose silence, suspend or lift.")]
    if action != "lift" and not (reason or "").strip():
        errors["reason"] = [_("Say why: the member is told.")]
    if days is not None and not 1 <= days <= MAX_DAYS:
        errors["days"] = [_("Between 1 and %(n)s days.", n=MAX_DAYS)]
    if errors:
        raise ValidationFailed(_("The sanction could not be applied."), errors)
    from . import notify_user

    now = utcnow()
    if action == "lift":
        session.execute(update(Sanction).where(
            Sanction.user_id == target.id, Sanction.lifted_at.is_(None))
            .values(lifted_at=now, lifted_by_id=by.id))
        audit.record(session, actor_id=by.id, action="sanction_lift", target_type="user",
                     target_id=target.id, reason=reason, username=target.username)
        notify_user(session, "sanction_lifted", target.id, data={"username": target.username})
        return None
    row = Sanction(user_id=target.id, kind=action, reason=reason.strip(), starts_at=now,
                   ends_at=now + timedelta(days=days) if days else None, created_by_id=by.id)
    session.add(row)
    session.flush()
    audit.record(session, actor_id=by.id, action=f"sanction_{action}", target_type="user",
                 target_id=target.id, reason=reason, username=target.username, days=days)
    until = row.ends_at.strftime("%Y-%m-%d %H:%M UTC") if row.ends_at else _("further notice")
    notify_user(session, f"user_{action}ed" if action == "suspend" else "user_silenced",
                target.id, data={"username": target.username, "reason": row.reason,
                                 "until": until})
    if action == "suspend":
        from ..services import accounts

        accounts.end_all_sessions(session, target)
        _disconnect_after_commit(session, target.id)
    return row


@after_commit(UserSuspended)
def _disconnect_sockets(ev: UserSuspended) -> None:
    # This process's sockets go at once; other processes' at their credential sweep.
    from ..realtime import disconnect_user

    disconnect_user(ev.user_id)


def _disconnect_after_commit(session: Session, user_id: int) -> None:
    emit(session, UserSuspended(user_id=user_id))


def describe(s: Sanction) -> str:
    until = s.ends_at.strftime("%Y-%m-%d %H:%M UTC") if s.ends_at else None
    if s.kind == "suspend":
        base = (_("Your account is suspended until %(until)s.", until=until) if until
                else _("Your account is suspended."))
    else:
        base = (_("You are in read-only mode until %(until)s.", until=until) if until
                else _("You are in read-only mode."))
    return base + " " + _("Reason: %(reason)s", reason=s.reason)
