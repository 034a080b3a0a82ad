"""Saved replies for the answer form's picker (staff): docs/API-EXTENSIONS.md."""

from __future__ import annotations

from sqlalchemy import select

from .. import permissions as perm
from ..extensions import db
from ..lookups import thread_or_404
from ..models import ExpertGroup
from ..replies import service
from ..replies.schemas import RenderArgs, RenderedReplyOut, SavedReplyOut
from ..schemas import load_query
from . import bp, reply, signed_in_user
from .openapi import doc


@bp.get("/saved-replies")
@doc("The saved replies the caller may insert: everyone's and their groups' (staff)",
     response=SavedReplyOut, many=True, auth=True)
@perm.requires(perm.require_saved_replies)
def list_saved_replies():
    replies = service.usable(db.session, signed_in_user())
    slugs = {gid: slug for gid, slug in db.session.execute(
        select(ExpertGroup.id, ExpertGroup.slug)
        .where(ExpertGroup.id.in_({r.group_id for r in replies if r.group_id})))}
    return reply({"items": SavedReplyOut().dump(
        [{"id": r.id, "title": r.title, "group": slugs.get(r.group_id)} for r in replies],
        many=True)})


@bp.get("/saved-replies/<id:reply_id>/render")
@doc("A saved reply's Markdown for a thread, placeholders filled, in the asker's language "
     "(else the caller's) (staff)", response=RenderedReplyOut, auth=True, query=["thread"])
@perm.requires(perm.require_saved_replies)
def render_saved_reply(reply_id: int):
    user = signed_in_user()
    saved = service.get_usable(db.session, user, reply_id)
    thread = thread_or_404(load_query(RenderArgs)["thread"])
    return reply(RenderedReplyOut().dump(service.render(saved, thread, by=user)))
