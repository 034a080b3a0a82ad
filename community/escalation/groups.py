"""Expert groups: create, edit, members with their lead and out-of-office flags."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import permissions as perm
from ..errors import ValidationFailed
from ..models import Space, User
from ..models.escalation import ExpertGroup, GroupMember
from ..services.threads import normalise_tags


def _users(session: Session, names: list[str]) -> list[User]:
    lowered = [n.lower() for n in names]
    found = {u.username_lower: u for u in session.scalars(
        select(User).where(User.username_lower.in_(lowered)))}
    missing = [n for n in names if n.lower() not in found]
    if missing:
        raise ValidationFailed(_("Unknown users: %(names)s", names=", ".join(missing)),
                               {"members": [_("Unknown users: %(names)s", names=", ".join(missing))]})
    bad = [u.username for u in found.values() if not u.is_staff]
    if bad:
        raise ValidationFailed(_("Only staff can join an expert group."),
                               {"members": [_("Not staff: %(names)s", names=", ".join(bad))]})
    return [found[n] for n in dict.fromkeys(lowered)]


def save_group(session: Session, *, by: User, slug: str, name: str, tags: list[str],
               spaces: list[str], members: list[str], leads: list[str] | None = None,
               out_of_office: list[str] | None = None, group: ExpertGroup | None = None) -> ExpertGroup:
    perm.check_admin(by)
    slugs = set(session.scalars(select(Space.slug).where(Space.slug.in_(spaces)))) if spaces else set()
    unknown = [s for s in spaces if s not in slugs]
    if unknown:
        raise ValidationFailed(_("Unknown spaces: %(s)s", s=", ".join(unknown)),
                               {"spaces": [_("Unknown spaces: %(s)s", s=", ".join(unknown))]})
    if group is None:
        if session.scalar(select(ExpertGroup.id).where(ExpertGroup.slug == slug)):
            raise ValidationFailed(_("This group already exists."),
                                   {"slug": [_("This slug is taken.")]})
        group = ExpertGroup(slug=slug)
        session.add(group)
    group.name = name.strip()
    group.tags = normalise_tags(tags)
    group.spaces = list(dict.fromkeys(spaces))
    leads = {n.lower() for n in (leads or [])}
    away = {n.lower() for n in (out_of_office or [])}
    users = _users(session, list(members) + [n for n in (leads or []) if n.lower() not in
                                                   {m.lower() for m in members}])
    current = {m.user_id: m for m in group.members}
    keep = []
    for user in users:
        member = current.get(user.id) or GroupMember(user=user)
        member.is_lead = user.username_lower in leads
        member.out_of_office = user.username_lower in away
        keep.append(member)
    group.members = keep
    session.flush()
    return group
