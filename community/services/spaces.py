from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import ValidationFailed
from ..models import VISIBILITIES, Space

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
