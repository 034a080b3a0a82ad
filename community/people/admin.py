"""People administration: the list of accounts an admin searches, and role changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .. import permissions as perm
from ..errors import Conflict, ValidationFailed
from ..models import ROLES, Sanction, User, utcnow
from ..moderation import audit
from ..queries import Page


@dataclass
class Row:
    user: User
    sanctions: list[Sanction]  # in force now


def _like(q: str) -> str:
    escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def browse(session: Session, *, q: str = "", role: str | None = None, page: int = 1,
           per_page: int = 50, now: datetime | None = None) -> Page:
    """Accounts matching ``q`` (name, username or email) and ``role``, newest first.

    Erased accounts are not people any more: they are left out."""
    where = [User.erased_at.is_(None)]
    q = (q or "").strip()[:100]
    if q:
        pattern = _like(q)
        where.append(or_(User.username_lower.like(pattern, escape="\\"),
                         func.lower(User.display_name).like(pattern, escape="\\"),
                         func.lower(User.email).like(pattern, escape="\\")))
    if role:
        where.append(User.role == role)
    total = session.scalar(select(func.count(User.id)).where(*where)) or 0
    users = list(session.scalars(select(User).where(*where).order_by(User.id.desc())
                                 .limit(per_page).offset((page - 1) * per_page)))
    now = now or utcnow()
    in_force: dict[int, list[Sanction]] = {u.id: [] for u in users}
    if users:
        for s in session.scalars(select(Sanction).where(
                Sanction.user_id.in_(in_force), Sanction.lifted_at.is_(None),
                Sanction.starts_at <= now,
                or_(Sanction.ends_at.is_(None), Sanction.ends_at > now)).order_by(Sanction.id)):
            in_force[s.user_id].append(s)
    return Page(items=[Row(u, in_force[u.id]) for u in users], page=page, per_page=per_page,
                total=total)


def admins_left(session: Session) -> int:
    return session.scalar(select(func.count(User.id)).where(
        User.role == "admin", User.erased_at.is_(None))) or 0


def refuse_last_admin(session: Session, target: User, message: str) -> None:
    if target.role == "admin" and admins_left(session) <= 1:
        raise Conflict(message)


def set_role(session: Session, target: User, role: str, *, by: User | None,
             reason: str | None = None) -> bool:
    """Give ``target`` the ``role``; audited. ``by`` None is an operator at the command
    line. False (and nothing written) when the role is already that one."""
    if by is not None:
        perm.check_change_role(by)
    if role not in ROLES:
        raise ValidationFailed(_("The role could not be changed."), {
            "role": [_("Choose one of: %(roles)s.", roles=", ".join(ROLES))]})
    if target.role == role:
        return False
    refuse_last_admin(session, target, _(
        "%(name)s is the last administrator: make someone else an administrator first.",
        name=target.username))
    before = target.role
    target.role = role
    audit.record(session, actor_id=by.id if by else None, action="role_change",
                 target_type="user", target_id=target.id, reason=reason,
                 username=target.username, before=before, after=role)
    return True
