"""Read pages: home, a space, a profile."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions as perm
from ..errors import NotFound
from ..lengths import TAG_MAX
from ..models import IDEA_STATUSES, QUESTION_STATUSES, THREAD_KINDS
from ..schemas import page_number, query_choices
from ..schemas.core import ThreadListArgs
from . import list_cache, profile_page

bp = Blueprint("pages", __name__)

SORTS = ("recent", "votes", "unanswered")


@bp.get("/")
def home():
    return list_cache.home_page()


@bp.get("/spaces/<slug>")
def space(slug: str):
    space = perm.require_space(current_user, list_cache.space_row(slug))
    # A stale or mistyped filter in a link is dropped: the list still shows.
    args = query_choices(ThreadListArgs)
    kind, status, sort = args["kind"], args["status"], args["sort"]
    tag = (args["tag"] or "").strip().lower()[:TAG_MAX] or None
    filters = {k: v for k, v in (("kind", kind), ("tag", tag), ("status", status),
                                 ("sort", sort if sort != "recent" else None)) if v}
    return list_cache.space_page(
        space, list_args={"kind": kind, "tag": tag, "status": status, "sort": sort,
                          "page": page_number()},
        render=lambda page: render_template(
            "spaces/_show.html", space=space, page=page, filters=filters, kind=kind, tag=tag,
            status=status, sort=sort, sorts=SORTS, kinds=THREAD_KINDS,
            question_statuses=QUESTION_STATUSES, idea_statuses=IDEA_STATUSES,
            can_post=perm.can_post_in_space(current_user, space),
            following=list_cache.following(space)))


@bp.get("/users/<username>")
def profile(username: str):
    person = profile_page.person(username[:30])
    if person is None:
        raise NotFound(_("This person does not exist."))
    return profile_page.page(person)
