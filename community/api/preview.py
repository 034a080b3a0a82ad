"""The live preview of a post's Markdown, rendered as it will be saved."""

from __future__ import annotations

from flask import current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user
from marshmallow import Schema, fields

from .. import permissions as perm
from ..extensions import db, limiter
from ..moderation import words
from ..rendering import render_markdown
from ..schemas.core import PostIn
from . import bp, json_body, reply
from .openapi import doc


class PreviewOut(Schema):
    html = fields.String()


def _caller() -> str:
    # Per account: several people behind one address each get their own allowance.
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


@bp.post("/preview")
@limiter.limit(lambda: current_app.config["PREVIEW_RATE_LIMIT"], key_func=_caller)
@doc("Preview a post: the sanitised HTML its Markdown is saved as", body=PostIn,
     response=PreviewOut, auth=True)
@perm.signed_in
def preview():
    # What saving does (services/threads.py, then moderation.apply censoring watched
    # words), so the preview is exactly what will be posted.
    body = words.censor(db.session, json_body(PostIn())["body"])
    return reply({"html": render_markdown(body)})
