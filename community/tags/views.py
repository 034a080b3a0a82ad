"""Pages: /tags (the catalogue), /tags/<name> (its threads, follow, and the moderators'
description and merge forms)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import permissions as perm
from .. import queries
from ..errors import ValidationFailed
from ..extensions import db
from ..models import Tag
from ..notifications import follows
from ..notifications.schemas import FollowFormIn
from ..schemas import load_form, page_number, query_choices, submitted
from . import catalogue, curation
from . import page as cached
from .schemas import DescriptionIn, MergeIn, TagListArgs, TagPageArgs

bp = Blueprint("tags", __name__)
PER_PAGE = 60


@bp.get("/tags")
def index():
    prefix = (query_choices(TagListArgs)["q"] or "").strip()
    page = catalogue.list_tags(db.session, current_user, prefix=prefix or None,
                               page=page_number(), per_page=PER_PAGE)
    return render_template("tags/index.html", page=page, q=prefix)


def _visible(name: str) -> tuple[Tag, int]:
    tag = catalogue.find(db.session, name)
    count = catalogue.readable_count(db.session, current_user, tag) if tag is not None else 0
    return perm.require_tag(current_user, tag, count), count


def _tag_page(tag: Tag, count: int, *, errors: dict | None = None, form: dict | None = None,
              status: int = 200):
    sort = query_choices(TagPageArgs)["sort"]
    page = queries.list_threads(db.session, current_user, tag=tag.name, sort=sort,
                                page=page_number(), per_page=current_app.config["PER_PAGE"])
    return render_template(
        "tags/show.html", tag=tag, count=count, page=page, sort=sort, sorts=cached.SORTS,
        following=follows.is_following(db.session, current_user, "tag", tag.id),
        can_curate=perm.can(perm.check_curate_tags, current_user),
        errors=errors or {}, form=form or {"description": tag.description or ""},
    ), status


@bp.get("/tags/<name>")
def show(name: str):
    tag = cached.tag_row(name)
    if tag is not None and tag.canonical is not None:
        # A merged tag lives on as the name of the one it was merged into.
        return redirect(url_for("tags.show", name=tag.canonical), code=301)
    perm.require_tag(current_user, tag, tag.count if tag is not None else 0)
    return cached.tag_page(tag, sort=query_choices(TagPageArgs)["sort"], page=page_number())


@bp.post("/tags/<name>/follow")
@perm.signed_in
def follow(name: str):
    """The tag page's follow button (a form; the API has PUT/DELETE)."""
    tag, _count = _visible(name)
    tag = catalogue.canonical(db.session, tag)
    if load_form(FollowFormIn())["follow"]:
        follows.follow_tag(db.session, tag, by=current_user)
        flash(_("You follow this tag: new threads with it will notify you."))
    else:
        follows.unfollow_tag(db.session, tag, by=current_user)
        flash(_("You no longer follow this tag."))
    db.session.commit()
    return redirect(url_for("tags.show", name=tag.name), code=303)


@bp.post("/tags/<name>/description")
@perm.requires(perm.check_curate_tags)
def describe(name: str):
    tag, count = _visible(name)
    try:
        data = load_form(DescriptionIn())
    except ValidationFailed as exc:
        return _tag_page(tag, count, errors=exc.fields, form=submitted("description"),
                         status=422)
    curation.describe(db.session, tag, data["description"], by=current_user)
    db.session.commit()
    flash(_("The description was saved."))
    return redirect(url_for("tags.show", name=tag.name), code=303)


@bp.post("/tags/<name>/merge")
@perm.requires(perm.check_curate_tags)
def merge(name: str):
    """Merging asks first: the form on the tag page answers with what will move, and
    only the confirmation's own form (``confirm=1``) merges."""
    tag, count = _visible(name)
    try:
        data = load_form(MergeIn())
        target = curation.target_for(db.session, tag, data["into"])
    except ValidationFailed as exc:
        return _tag_page(tag, count, errors=exc.fields, status=422, form={
            "description": tag.description or "", **submitted("into")})
    if not data["confirm"]:
        return render_template("tags/merge.html", tag=tag, target=target,
                               preview=catalogue.merge_preview(db.session, tag, target))
    moved = curation.merge(db.session, tag, target, by=current_user)
    db.session.commit()
    flash(ngettext("%(source)s was merged into %(target)s: %(num)s thread re-tagged.",
                   "%(source)s was merged into %(target)s: %(num)s threads re-tagged.",
                   moved, source=tag.name, target=target.name))
    return redirect(url_for("tags.show", name=target.name), code=303)
