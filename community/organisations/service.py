"""Organisations and who belongs to them: one verb per function, never a commit.
Every change is in the audit log."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import lengths
from ..errors import Conflict, NotFound, ValidationFailed
from ..escalation import rules
from ..models import Organisation, User
from ..moderation import audit
from ..names import check_line
from ..queries import Page


class _Unset:
    """"Not sent" in a partial update (None clears the CRM reference)."""


UNSET = _Unset()


def _clean(errors: dict, *, name=UNSET, tier=UNSET, external_ref=UNSET) -> dict:
    values = {}
    if not isinstance(name, _Unset):
        value = check_line(errors, "name", name or "")
        if not value:
            errors.setdefault("name", []).append(_("Give the organisation a name."))
        elif len(value) > lengths.ORGANISATION_NAME_MAX:
            errors.setdefault("name", []).append(
                _("Write at most %(n)s characters.", n=lengths.ORGANISATION_NAME_MAX))
        values["name"] = value
    if not isinstance(tier, _Unset):
        known = rules.tiers()
        if tier not in known:
            errors.setdefault("tier", []).append(
                _("Choose one of: %(tiers)s.", tiers=", ".join(sorted(known))))
        values["tier"] = tier
    if not isinstance(external_ref, _Unset):
        value = check_line(errors, "external_ref", external_ref or "")
        if len(value) > lengths.EXTERNAL_REF_MAX:
            errors.setdefault("external_ref", []).append(
                _("Write at most %(n)s characters.", n=lengths.EXTERNAL_REF_MAX))
        values["external_ref"] = value or None
    return values


def _check_unique(session: Session, errors: dict, values: dict, org_id: int | None) -> None:
    other = Organisation.id != org_id if org_id is not None else True
    if values.get("name") and session.scalar(select(Organisation.id).where(
            func.lower(Organisation.name) == values["name"].lower(), other)) is not None:
        errors.setdefault("name", []).append(_("Another organisation has this name."))
    if values.get("external_ref") and session.scalar(select(Organisation.id).where(
            Organisation.external_ref == values["external_ref"], other)) is not None:
        errors.setdefault("external_ref", []).append(
            _("Another organisation has this reference."))


def _save(session: Session, errors: dict) -> None:
    if errors:
        raise ValidationFailed(_("The organisation could not be saved."), errors)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        # Two admins saving the same name at once: the second is told to look again.
        raise Conflict(_("Another organisation was just saved with this name or reference.")) from None


def create(session: Session, *, by: User, name: str, tier: str | None = None,
           external_ref: str | None = None) -> Organisation:
    """A new organisation; without a tier, the first of ORGANISATION_TIERS."""
    if tier is None:
        tier = next(iter(rules.tiers()), "")
    errors: dict = {}
    values = _clean(errors, name=name, tier=tier, external_ref=external_ref)
    _check_unique(session, errors, values, None)
    org = Organisation(**values)
    if not errors:
        session.add(org)
    _save(session, errors)
    audit.record(session, actor_id=by.id, action="organisation_create",
                 target_type="organisation", target_id=org.id, **values)
    return org


def update(session: Session, org: Organisation, *, by: User, name=UNSET, tier=UNSET,
           external_ref=UNSET) -> Organisation:
    """Change what was sent. A new tier applies to cases opened from now on: deadlines
    already set stay as promised when they were set."""
    errors: dict = {}
    values = _clean(errors, name=name, tier=tier, external_ref=external_ref)
    _check_unique(session, errors, values, org.id)
    if errors:
        raise ValidationFailed(_("The organisation could not be saved."), errors)
    before = {k: getattr(org, k) for k in values if getattr(org, k) != values[k]}
    for key in before:
        setattr(org, key, values[key])
    _save(session, errors)
    if before:
        audit.record(session, actor_id=by.id, action="organisation_update",
                     target_type="organisation", target_id=org.id, before=before,
                     after={k: values[k] for k in before})
    return org


def get_or_404(session: Session, org_id: int | None) -> Organisation:
    org = session.get(Organisation, org_id) if org_id is not None else None
    if org is None:
        raise NotFound(_("This organisation does not exist."))
    return org


def get_or_404_field(session: Session, org_id: int) -> Organisation:
    """An organisation named in a request body: a missing one is a 422 on that field
    (the address itself was found)."""
    org = session.get(Organisation, org_id)
    if org is None:
        raise ValidationFailed(_("This organisation does not exist."), {
            "organisation_id": [_("This organisation does not exist.")]})
    return org


def browse(session: Session, *, page: int = 1, per_page: int = 50) -> Page:
    total = session.scalar(select(func.count(Organisation.id))) or 0
    items = list(session.scalars(select(Organisation).order_by(func.lower(Organisation.name),
                                                              Organisation.id)
                                 .limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, page=page, per_page=per_page, total=total)


def member_counts(session: Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    return dict(session.execute(select(User.organisation_id, func.count(User.id))
                                .where(User.organisation_id.in_(ids), User.erased_at.is_(None))
                                .group_by(User.organisation_id)).all())


def members(session: Session, org: Organisation) -> list[User]:
    return list(session.scalars(select(User).where(User.organisation_id == org.id,
                                                   User.erased_at.is_(None))
                                .order_by(User.username_lower)))


def set_membership(session: Session, user: User, org: Organisation | None, *,
                   by: User) -> bool:
    """Put ``user`` in ``org`` (None: in none). False when nothing changed. Cases already
    open keep their deadlines; the next one follows the new tier."""
    new_id = org.id if org is not None else None
    if user.organisation_id == new_id:
        return False
    before = user.organisation_id
    user.organisation_id = new_id
    session.flush()
    audit.record(session, actor_id=by.id, action="organisation_membership",
                 target_type="user", target_id=user.id, username=user.username,
                 before=before, after=new_id)
    return True


def set_members(session: Session, org: Organisation, usernames: list[str], *,
                by: User) -> list[User]:
    """Make exactly ``usernames`` the organisation's members (the admin page's list):
    those named join it (leaving any other), the others leave it. An unknown name is
    an error under ``members`` and nothing changes."""
    wanted = {n.strip().lower() for n in usernames if n.strip()}
    found = {u.username_lower: u for u in session.scalars(
        select(User).where(User.username_lower.in_(wanted), User.erased_at.is_(None)))} if wanted else {}
    unknown = sorted(wanted - set(found))
    if unknown:
        raise ValidationFailed(_("The members could not be saved."), {"members": [
            _("Nobody is called %(names)s.", names=", ".join(unknown))]})
    for user in members(session, org):
        if user.username_lower not in wanted:
            set_membership(session, user, None, by=by)
    for user in found.values():
        set_membership(session, user, org, by=by)
    return members(session, org)
