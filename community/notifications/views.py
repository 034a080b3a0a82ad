"""Pages: /notifications (all or unread, grouped by thread), preferences, /watches."""

from __future__ import annotations

from math import ceil

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions as perm
from ..errors import ValidationFailed
from ..extensions import db
from ..lookups import space_or_404
from ..models import Thread, Watch
from ..schemas import load_form, page_number, query_choices, submitted
from ..web.helpers import next_param, redirect_next
from . import follows, inbox, preferences, watches
from .schemas import FollowFormIn, ListArgs, PreferencesFormIn, ReadIn, WatchIn

bp = Blueprint("notifications", __name__)
PER_PAGE = 30


class _Page:
    def __init__(self, page: int, per_page: int, total: int):
        self.page, self.per_page, self.total = page, per_page, total
        self.pages = max(1, ceil(total / per_page))


def _groups(items) -> list[dict]:
    """Consecutive-or-not notifications of one thread shown together, newest group first."""
    groups: dict[object, dict] = {}
    for note in items:
        key = note.thread_id or f"n{note.id}"
        group = groups.get(key)
        if group is None:
            group = groups[key] = {"thread_id": note.thread_id,
                                   "title": (note.data or {}).get("title"), "items": []}
        group["items"].append({"note": note, "text": inbox.text(note), "url": inbox.url(note),
                               "snippet": (note.data or {}).get("snippet")})
    return list(groups.values())


@bp.get("/notifications")
@perm.signed_in
def index():
    unread_only = query_choices(ListArgs)["filter"] == "unread"
    page = page_number()
    items, total = inbox.page(db.session, current_user, unread_only=unread_only, page=page,
                              per_page=PER_PAGE)
    resp = render_template("notifications/index.html", groups=_groups(items),
                           unread_only=unread_only, page=_Page(page, PER_PAGE, total),
                           unread=inbox.unread_count(db.session, current_user))
    return resp


@bp.post("/notifications/read")
@perm.signed_in
def mark_read():
    data = load_form(ReadIn())
    inbox.mark_read(db.session, current_user, ids=data.get("ids", []), all_=data["all"])
    db.session.commit()
    return redirect_next(next_param(), url_for("notifications.index"))


@bp.route("/notifications/preferences", methods=["GET", "POST"])
@perm.signed_in
def prefs():
    errors = None
    if request.method == "POST":
        try:
            changes = load_form(PreferencesFormIn())["items"]
            preferences.update(db.session, by=current_user, changes=changes)
            db.session.commit()
            return redirect_next(url_for("notifications.prefs", saved=1))
        except ValidationFailed as exc:
            db.session.rollback()
            errors = exc.fields
    return render_template("notifications/preferences.html",
                           items=preferences.list_for(db.session, current_user),
                           saved=query_choices(ListArgs)["saved"], errors=errors), \
        422 if errors else 200


@bp.route("/watches", methods=["GET", "POST"])
@perm.signed_in
def watch_list():
    errors, form, status = None, {"query": "", "tags": "", "spaces": ""}, 200
    if request.method == "POST":
        form = submitted(*form)
        try:
            watches.create_watch(db.session, by=current_user, **load_form(WatchIn()))
            db.session.commit()
            return redirect_next(url_for("notifications.watch_list"))
        except ValidationFailed as exc:
            db.session.rollback()
            errors, status = exc.fields, 422
    items = [{"watch": w, "spaces": watches.space_slugs(db.session, w)}
             for w in watches.user_watches(db.session, current_user)]
    return render_template("notifications/watches.html", items=items, errors=errors,
                           form=form), status


@bp.post("/watches/<id:watch_id>/delete")
@perm.signed_in
def delete_watch(watch_id: int):
    watches.delete_watch(db.session, db.session.get(Watch, watch_id), by=current_user)
    db.session.commit()
    return redirect_next(url_for("notifications.watch_list"))


@bp.post("/threads/<id:thread_id>/follow")
@perm.signed_in
def follow_thread(thread_id: int):
    """The thread page's follow button (a form; the API has PUT/DELETE)."""
    thread = perm.require_thread(current_user, db.session.get(Thread, thread_id))
    if not load_form(FollowFormIn())["follow"]:
        follows.unfollow_thread(db.session, thread, by=current_user)
    else:
        follows.follow_thread(db.session, thread, by=current_user)
    db.session.commit()
    return redirect_next(next_param(), f"/threads/{thread.id}")


@bp.post("/spaces/<slug>/follow")
@perm.signed_in
def follow_space(slug: str):
    """The space page's follow button (a form; the API has PUT/DELETE)."""
    space = space_or_404(slug)
    if load_form(FollowFormIn())["follow"]:
        follows.follow_space(db.session, space, by=current_user)
        flash(_("You follow this space: its new threads will notify you."))
    else:
        follows.unfollow_space(db.session, space, by=current_user)
        flash(_("You no longer follow this space."))
    db.session.commit()
    return redirect(url_for("pages.space", slug=space.slug), code=303)


def is_following_thread(thread) -> bool:
    return follows.is_following(db.session, current_user, "thread", thread.id)


@bp.app_context_processor
def _helpers():
    return {"is_following_thread": is_following_thread, "notification_title": _("Notifications")}
