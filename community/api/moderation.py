"""Moderation endpoints: flags, the review queue, thread moderation, sanctions,
official answers, knowledge articles, edit history and the audit log."""

from __future__ import annotations

from flask_babel import gettext as _

from .. import permissions as perm
from ..errors import NotFound
from ..extensions import db
from ..lengths import USERNAME_MAX
from ..lookups import post_or_404, thread_or_404
from ..models import ModerationItem, Thread
from ..moderation import articles, audit, flags, knowledge, queue, sanctions, threads
from ..moderation.schemas import (
    AuditArgs,
    FlagIn,
    ItemActionIn,
    ModerateIn,
    OfficialIn,
    PromoteIn,
    QueueArgs,
    SanctionIn,
)
from ..queries import get_user
from ..schemas import Schema, fields, load_query
from ..schemas.core import ThreadOut, UserSummaryOut
from . import bp, json_body, page_args, reply, signed_in_user
from .openapi import doc


class FlagOut(Schema):
    id = fields.Integer()
    target_type = fields.String()
    target_id = fields.Integer()
    reason = fields.String()
    note = fields.String(allow_none=True)
    weight = fields.Float()
    state = fields.String()
    user = fields.Nested(UserSummaryOut)
    created_at = fields.DateTime()


class ItemOut(Schema):
    id = fields.Integer()
    target_type = fields.String()
    target_id = fields.Integer()
    thread_id = fields.Integer()
    kind = fields.String()
    state = fields.String()
    hidden = fields.Boolean()
    flag_weight = fields.Float()
    reason = fields.String(allow_none=True)
    resolution = fields.String(allow_none=True)
    author = fields.Nested(UserSummaryOut)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    flags = fields.List(fields.Nested(FlagOut), attribute="flag_rows")
    content = fields.String(attribute="content_html")
    author_history = fields.Dict(attribute="history")


class SanctionOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    reason = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime(allow_none=True)
    lifted_at = fields.DateTime(allow_none=True)


class AuditOut(Schema):
    id = fields.Integer()
    actor = fields.Nested(UserSummaryOut, allow_none=True)
    action = fields.String()
    target_type = fields.String()
    target_id = fields.Integer(allow_none=True)
    reason = fields.String(allow_none=True)
    data = fields.Dict()
    created_at = fields.DateTime()


def _item_json(item: ModerationItem) -> dict:
    item.flag_rows = queue.flags_for(db.session, [item])[item.id]
    target = queue.target_of(db.session, item)
    item.content_html = target.body_html if target is not None else ""
    item.history = queue.author_history(db.session, item.author_id)
    return ItemOut().dump(item)


@bp.post("/posts/<id:post_id>/flags")
@doc("Flag a post (any signed-in user, once)", body=FlagIn, response=FlagOut, status=201, auth=True)
@perm.signed_in
def flag_post(post_id: int):
    user = signed_in_user()
    post = post_or_404(post_id)
    data = json_body(FlagIn())
    row = flags.flag(db.session, post, by=user, **data)
    db.session.commit()
    return reply(FlagOut().dump(row), 201)


@bp.post("/threads/<id:thread_id>/flags")
@doc("Flag a thread (any signed-in user, once)", body=FlagIn, response=FlagOut, status=201, auth=True)
@perm.signed_in
def flag_thread(thread_id: int):
    user = signed_in_user()
    thread = thread_or_404(thread_id)
    data = json_body(FlagIn())
    row = flags.flag(db.session, thread, by=user, **data)
    db.session.commit()
    return reply(FlagOut().dump(row), 201)


@bp.get("/moderation/queue")
@doc("The review queue (moderators)", response=ItemOut, paginated=True, auth=True, query=["state"])
@perm.requires(perm.check_moderate)
def moderation_queue():
    page, per_page = page_args()
    items, total = queue.list_items(db.session, **load_query(QueueArgs), page=page,
                                    per_page=per_page)
    return reply({"items": [_item_json(i) for i in items], "page": page, "per_page": per_page,
                  "total": total})


@bp.post("/moderation/items/<id:item_id>")
@doc("Act on a queue item: dismiss, hide, delete or restore (moderators)", body=ItemActionIn,
     response=ItemOut, auth=True)
@perm.requires(perm.check_moderate)
def moderation_item(item_id: int):
    user = signed_in_user()
    item = db.session.get(ModerationItem, item_id)
    if item is None:
        raise NotFound(_("This item does not exist."))
    data = json_body(ItemActionIn())
    queue.act(db.session, item, by=user, **data)
    db.session.commit()
    return reply(_item_json(item))


@bp.get("/moderation/audit")
@doc("The audit log (moderators)", response=AuditOut, paginated=True, auth=True,
     query=["action", "actor", "target_type", "target_id"])
@perm.requires(perm.check_view_audit)
def moderation_audit():
    page, per_page = page_args()
    args = load_query(AuditArgs)
    args.pop("since")
    args["actor"] = (args["actor"] or "")[:USERNAME_MAX] or None
    entries, total = audit.browse(db.session, **args, page=page, per_page=per_page)
    return reply({"items": AuditOut(many=True).dump(entries), "page": page,
                  "per_page": per_page, "total": total})


@bp.post("/threads/<id:thread_id>/moderate")
@doc("Lock, pin, close, move, mark duplicate or merge a thread", body=ModerateIn,
     response=ThreadOut, auth=True)
@perm.signed_in
def moderate_thread(thread_id: int):
    user = signed_in_user()
    thread = thread_or_404(thread_id)
    data = json_body(ModerateIn())
    threads.moderate(db.session, thread, by=user, **data)
    db.session.commit()
    if data["action"] == "merge":
        thread = db.session.get(Thread, threads.redirect_target(db.session, thread_id))
    from .content import _thread_json

    return reply(_thread_json(thread))


@bp.post("/users/<username>/sanction")
@doc("Silence, suspend or lift (moderators)", body=SanctionIn, response=SanctionOut, auth=True)
@perm.requires(perm.check_moderate)
def sanction_user(username: str):
    user = signed_in_user()
    target = get_user(db.session, username[:30])
    if target is None:
        raise NotFound(_("This person does not exist."))
    data = json_body(SanctionIn())
    row = sanctions.sanction(db.session, target, by=user, **data)
    db.session.commit()
    return reply(SanctionOut().dump(row) if row else {"lifted": True})


@bp.post("/posts/<id:post_id>/official")
@doc("Mark an answer as official (staff)", body=OfficialIn, auth=True)
@perm.signed_in
def official_post(post_id: int):
    user = signed_in_user()
    post = post_or_404(post_id)
    data = json_body(OfficialIn(), optional=True)
    knowledge.mark_official(db.session, post, by=user, official=data["official"])
    db.session.commit()
    return reply({"id": post.id, "is_official": post.is_official})


@bp.post("/threads/<id:thread_id>/promote")
@doc("Promote a solved thread to a knowledge article (moderators)", body=PromoteIn,
     response=ThreadOut, status=201, auth=True)
@perm.signed_in
def promote_thread(thread_id: int):
    user = signed_in_user()
    thread = thread_or_404(thread_id)
    data = json_body(PromoteIn())
    perm.check_promote(user, thread)
    space = articles.target_space(db.session, user, data["space"])
    article = knowledge.promote(db.session, thread, by=user, space=space, title=data["title"],
                                body=data["body"], credited_post_ids=data["credit"])
    db.session.commit()
    from .content import _thread_json

    return reply(_thread_json(article), 201)


@bp.get("/posts/<id:post_id>/revisions")
@doc("A post's edit history with diffs (its author and moderators)", auth=True)
@perm.signed_in
def post_revisions(post_id: int):
    user = signed_in_user()
    versions = knowledge.history(db.session, post_or_404(post_id), by=user)
    return reply({"items": [{"version": v["version"], "diff": v["diff"],
                             "editor": UserSummaryOut().dump(v["editor"]) if v["editor"] else None,
                             "created_at": v["created_at"].isoformat() if v["created_at"] else None}
                            for v in versions]})
