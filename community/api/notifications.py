"""Notifications, preferences, watches and follows (threads, spaces, tags)."""

from __future__ import annotations

from flask_babel import gettext as _

from .. import permissions as perm
from ..errors import BadRequest
from ..extensions import db
from ..lookups import space_or_404, thread_or_404
from ..models import Tag, Watch
from ..notifications import follows, inbox, preferences, watches
from ..notifications.schemas import (
    FollowItemOut,
    FollowOut,
    NotificationOut,
    PreferenceOut,
    PreferencesIn,
    ReadIn,
    UnreadArgs,
    UnreadOut,
    WatchIn,
    WatchOut,
)
from ..schemas import load_query
from . import bp, json_body, page_args, reply, signed_in_user
from .openapi import doc
from .tags import visible_tag


@bp.get("/notifications")
@doc("The caller's notifications, newest first (only what they may still see)",
     response=NotificationOut, paginated=True, auth=True, query=["unread"])
@perm.signed_in
def list_notifications():
    user = signed_in_user()
    page, per_page = page_args()
    unread = load_query(UnreadArgs)["unread"]
    items, total = inbox.page(db.session, user, unread_only=unread,
                              page=page, per_page=per_page)
    return reply({"items": NotificationOut(many=True).dump([inbox.as_json(n) for n in items]),
                  "page": page, "per_page": per_page, "total": total})


@bp.post("/notifications/read")
@doc("Mark notifications read: {ids: [..]} or {all: true}", body=ReadIn, response=UnreadOut,
     auth=True)
@perm.signed_in
def read_notifications():
    user = signed_in_user()
    data = json_body(ReadIn())
    if not data.get("all") and not data.get("ids"):
        raise BadRequest(_("Send ids or all: true."))
    unread = inbox.mark_read(db.session, user, ids=data.get("ids"), all_=bool(data.get("all")))
    db.session.commit()
    return reply({"unread": unread})


@bp.get("/notifications/preferences")
@doc("Per-verb preferences: in the app on/off, email off/immediately/daily",
     response=PreferenceOut, many=True, auth=True)
@perm.signed_in
def get_preferences():
    user = signed_in_user()
    return reply({"items": PreferenceOut(many=True).dump(preferences.list_for(db.session, user))})


@bp.put("/notifications/preferences")
@doc("Change preferences: {items: [{verb, in_app?, email?}]}", body=PreferencesIn,
     response=PreferenceOut, many=True, auth=True)
@perm.signed_in
def put_preferences():
    user = signed_in_user()
    data = json_body(PreferencesIn())
    items = preferences.update(db.session, by=user, changes=data["items"])
    db.session.commit()
    return reply({"items": PreferenceOut(many=True).dump(items)})


def _watch_json(watch: Watch) -> dict:
    return WatchOut().dump({"id": watch.id, "query": watch.query, "tags": list(watch.tags or []),
                            "spaces": watches.space_slugs(db.session, watch),
                            "created_at": watch.created_at.isoformat()})


@bp.get("/watches")
@doc("The caller's watches", response=WatchOut, many=True, auth=True)
@perm.signed_in
def list_watches():
    user = signed_in_user()
    return reply({"items": [_watch_json(w) for w in watches.user_watches(db.session, user)]})


@bp.post("/watches")
@doc("Save a watch: new content matching it notifies you (watch_matched)", body=WatchIn,
     response=WatchOut, status=201, auth=True)
@perm.signed_in
def create_watch():
    user = signed_in_user()
    data = json_body(WatchIn())
    watch = watches.create_watch(db.session, by=user, **data)
    db.session.commit()
    return reply(_watch_json(watch), 201)


@bp.delete("/watches/<id:watch_id>")
@doc("Delete one of your watches", status=204, auth=True)
@perm.signed_in
def delete_watch(watch_id: int):
    user = signed_in_user()
    watches.delete_watch(db.session, db.session.get(Watch, watch_id), by=user)
    db.session.commit()
    return "", 204


@bp.put("/threads/<id:thread_id>/follow")
@doc("Follow a thread: its new answers and replies notify you", response=FollowOut, auth=True)
@perm.signed_in
def follow_thread(thread_id: int):
    user = signed_in_user()
    following = follows.follow_thread(db.session, thread_or_404(thread_id), by=user)
    db.session.commit()
    return reply({"thread_id": thread_id, "following": following})


@bp.delete("/threads/<id:thread_id>/follow")
@doc("Stop following a thread (also for its asker)", response=FollowOut, auth=True)
@perm.signed_in
def unfollow_thread(thread_id: int):
    user = signed_in_user()
    following = follows.unfollow_thread(db.session, thread_or_404(thread_id), by=user)
    db.session.commit()
    return reply({"thread_id": thread_id, "following": following})


@bp.put("/spaces/<slug>/follow")
@doc("Follow a space: its new threads notify you (thread_created)", response=FollowOut, auth=True)
@perm.signed_in
def follow_space(slug: str):
    user = signed_in_user()
    following = follows.follow_space(db.session, space_or_404(slug), by=user)
    db.session.commit()
    return reply({"space": slug, "following": following})


@bp.delete("/spaces/<slug>/follow")
@doc("Stop following a space", response=FollowOut, auth=True)
@perm.signed_in
def unfollow_space(slug: str):
    user = signed_in_user()
    following = follows.unfollow_space(db.session, space_or_404(slug), by=user)
    db.session.commit()
    return reply({"space": slug, "following": following})


def _tag(name: str) -> Tag:
    return visible_tag(name)[0]


@bp.put("/tags/<name>/follow")
@doc("Follow a tag: new threads with it notify you (thread_created)", response=FollowOut,
     auth=True)
@perm.signed_in
def follow_tag(name: str):
    user = signed_in_user()
    tag = _tag(name)
    following = follows.follow_tag(db.session, tag, by=user)
    db.session.commit()
    return reply({"tag": tag.name, "following": following})


@bp.delete("/tags/<name>/follow")
@doc("Stop following a tag", response=FollowOut, auth=True)
@perm.signed_in
def unfollow_tag(name: str):
    user = signed_in_user()
    tag = _tag(name)
    following = follows.unfollow_tag(db.session, tag, by=user)
    db.session.commit()
    return reply({"tag": tag.name, "following": following})


@bp.get("/follows")
@doc("What the caller follows (threads, spaces, tags)", response=FollowItemOut, many=True,
     auth=True)
@perm.signed_in
def list_follows():
    user = signed_in_user()
    return reply({"items": FollowItemOut(many=True).dump(follows.list_follows(db.session, user))})
