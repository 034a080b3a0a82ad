"""Drafts: the ask form's and answer boxes' text, saved while the member types
(community/services/drafts.py; static/js/drafts.js is the page's side)."""

from __future__ import annotations

from flask import current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user
from marshmallow import Schema, fields

from .. import lengths as L
from .. import permissions as perm
from ..extensions import db, limiter
from ..schemas import AtMost, In, Text
from ..services import drafts
from . import bp, json_body, page_args, page_json, reply, signed_in_user
from .openapi import doc


class DraftIn(In):
    body = Text(required=True, validate=AtMost(L.DRAFT_BODY_MAX))
    # The ask form's title; an answer box has none (ignored there).
    title = Text(load_default=None, allow_none=True, validate=AtMost(L.TITLE_MAX))


class DraftOut(Schema):
    key = fields.String()
    title = fields.String(allow_none=True)
    body = fields.String()
    thread_id = fields.Integer(allow_none=True)
    space_id = fields.Integer(allow_none=True)
    updated_at = fields.DateTime()


def _caller() -> str:
    # Per account: several people behind one address each get their own allowance.
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


# Autosave writes every few seconds while someone types; writes past this are a 429.
_writes = limiter.shared_limit(lambda: current_app.config["DRAFT_RATE_LIMIT"], scope="drafts",
                               key_func=_caller)


@bp.get("/drafts")
@doc("The caller's drafts on forms they may still read, latest first", response=DraftOut,
     paginated=True, auth=True)
@perm.signed_in
def list_drafts():
    page, per_page = page_args()
    found = drafts.list_for(db.session, signed_in_user(), page=page, per_page=per_page)
    return reply(page_json(found, DraftOut()))


@bp.get("/drafts/<key>")
@doc("The caller's draft for a form (key: thread:<id> or new:<space id>); a form they "
     "cannot read is a 404", response=DraftOut, auth=True)
@perm.signed_in
def get_draft(key: str):
    return reply(DraftOut().dump(drafts.get(db.session, signed_in_user(), key)))


@bp.put("/drafts/<key>")
@_writes
@doc("Save the caller's draft for a form; an empty body and title discard it (204)",
     body=DraftIn, response=DraftOut, auth=True)
@perm.signed_in
def put_draft(key: str):
    data = json_body(DraftIn())
    draft = drafts.save(db.session, signed_in_user(), key, body=data["body"],
                        title=data["title"])
    db.session.commit()
    if draft is None:
        return "", 204
    return reply(DraftOut().dump(draft))


@bp.delete("/drafts/<key>")
@_writes
@doc("Discard the caller's draft for a form (204 whether or not there was one)",
     status=204, auth=True)
@perm.signed_in
def delete_draft(key: str):
    user = signed_in_user()
    drafts.resolve(db.session, user, key)
    drafts.discard(db.session, user, key)
    db.session.commit()
    return "", 204
