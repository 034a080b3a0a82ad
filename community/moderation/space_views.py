"""The administrators' spaces page: create, edit name, description, visibility and
position, archive and bring back."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from .. import permissions as perm
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..models import Space, Thread
from ..schemas import load_form, submitted
from ..schemas.core import SpaceIn, SpacePatchIn
from . import spaces

bp = Blueprint("spaces_admin", __name__)
FIELDS = ("slug", "name", "description", "visibility", "position")


def _page(*, failed: str | None = None, errors: dict | None = None, status: int = 200):
    """Every space, archived ones last; ``failed`` names the form (a slug, or "new") that
    comes back with its messages and the text that was typed."""
    rows = db.session.scalars(select(Space).order_by(
        Space.archived_at.is_not(None), Space.position, Space.name)).all()
    counts = dict(db.session.execute(select(Thread.space_id, func.count(Thread.id))
                                     .where(Thread.deleted_at.is_(None))
                                     .group_by(Thread.space_id)).all())
    typed = submitted(*FIELDS) if failed else {}
    return render_template("moderation/spaces.html", spaces=rows, counts=counts,
                           failed=failed, errors=errors or {}, typed=typed), status


def _space(slug: str) -> Space:
    space = db.session.scalar(select(Space).where(Space.slug == slug))
    if space is None:
        raise NotFound(_("This space does not exist."))
    return space


@bp.get("/admin/spaces")
@perm.requires(perm.require_manage_spaces)
def index():
    return _page()


@bp.post("/admin/spaces")
@perm.requires(perm.require_manage_spaces)
def create():
    try:
        space = spaces.create(db.session, by=current_user, **load_form(SpaceIn()))
    except ValidationFailed as exc:
        db.session.rollback()
        return _page(failed="new", errors=exc.fields, status=422)
    db.session.commit()
    flash(_("The space %(name)s was created.", name=space.name))
    return redirect(url_for("spaces_admin.index"), code=303)


@bp.post("/admin/spaces/<slug>")
@perm.requires(perm.require_manage_spaces)
def edit(slug: str):
    """A row's edit form, or its archive button (which sends ``archived`` alone)."""
    space = _space(slug)
    try:
        data = load_form(SpacePatchIn())
        spaces.edit(db.session, space, by=current_user, **data)
    except ValidationFailed as exc:
        db.session.rollback()
        return _page(failed=slug, errors=exc.fields, status=422)
    db.session.commit()
    if data.get("archived") is True:
        flash(_("The space %(name)s was archived.", name=space.name))
    elif data.get("archived") is False:
        flash(_("The space %(name)s is back from the archive.", name=space.name))
    else:
        flash(_("The space %(name)s was saved.", name=space.name))
    return redirect(url_for("spaces_admin.index"), code=303)
