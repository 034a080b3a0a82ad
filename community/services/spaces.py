from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import ValidationFailed
from ..models import VISIBILITIES, Space, utcnow

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,49}$")


def create_space(
    session: Session,
    *,
    slug: str,
    name: str,
    description: str = "",
    visibility: str = "public",
    attribution_html: str = "",
) -> Space:
    errors: dict[str, list[str]] = {}
    if not SLUG_RE.match(slug or ""):
        errors["slug"] = [_("Use 2 to 50 lowercase letters, digits or dashes.")]
    elif session.scalar(select(Space.id).where(Space.slug == slug)):
        errors["slug"] = [_("A space already uses this address.")]
    if not (name or "").strip():
        errors["name"] = [_("A space needs a name.")]
    if visibility not in VISIBILITIES:
        errors["visibility"] = [_("Choose public, members or staff.")]
    if errors:
        raise ValidationFailed(_("The space could not be created."), errors)
    space = Space(
        slug=slug,
        name=name.strip(),
        description=description or "",
        visibility=visibility,
        attribution_html=attribution_html,
    )
    session.add(space)
    session.flush()
    return space


def update_space(session: Session, space: Space, *, name: str | None = None,
                 description: str | None = None, visibility: str | None = None,
                 position: int | None = None, archived: bool | None = None) -> dict:
    """Apply the given changes; answers ``{field: [before, after]}`` for those that changed."""
    errors: dict[str, list[str]] = {}
    if name is not None and not name.strip():
        errors["name"] = [_("A space needs a name.")]
    if visibility is not None and visibility not in VISIBILITIES:
        errors["visibility"] = [_("Choose public, members or staff.")]
    if errors:
        raise ValidationFailed(_("The space could not be saved."), errors)
    wanted = {"name": name.strip() if name is not None else None, "description": description,
              "visibility": visibility, "position": position}
    changes = {}
    for field, value in wanted.items():
        if value is not None and getattr(space, field) != value:
            changes[field] = [getattr(space, field), value]
            setattr(space, field, value)
    if archived is not None and archived != (space.archived_at is not None):
        changes["archived"] = [not archived, archived]
        space.archived_at = utcnow() if archived else None
    session.flush()
    return changes
