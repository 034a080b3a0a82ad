"""Administrators create, edit, order and archive spaces; every change is audited."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..models import Space, User
from ..services import spaces
from . import audit


def create(session: Session, *, by: User, **data) -> Space:
    space = spaces.create_space(session, **data)
    audit.record(session, actor_id=by.id, action="space_create", target_type="space",
                 target_id=space.id, slug=space.slug, visibility=space.visibility)
    return space


def edit(session: Session, space: Space, *, by: User, **changes) -> dict:
    """Audited as one entry per kind of change: archiving (or bringing back) stands out
    in the log from an edit of the name, description, visibility or position."""
    changed = spaces.update_space(session, space, **changes)
    archived = changed.pop("archived", None)
    if changed:
        audit.record(session, actor_id=by.id, action="space_update", target_type="space",
                     target_id=space.id, slug=space.slug, changes=changed)
    if archived is not None:
        audit.record(session, actor_id=by.id,
                     action="space_archive" if archived[1] else "space_restore",
                     target_type="space", target_id=space.id, slug=space.slug)
    return changed
