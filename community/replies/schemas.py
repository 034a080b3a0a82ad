"""Input and output of saved replies (the admin page's forms and the API)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..lengths import SAVED_REPLY_BODY_MAX, SAVED_REPLY_TITLE_MAX
from ..schemas import AtMost, In, Text


class SavedReplyIn(In):
    # Lengths and emptiness are checked by the service, in its own words.
    title = Text(load_default="", validate=AtMost(SAVED_REPLY_TITLE_MAX * 4))
    body_en = Text(load_default="", validate=AtMost(SAVED_REPLY_BODY_MAX * 4))
    body_fr = Text(load_default="", validate=AtMost(SAVED_REPLY_BODY_MAX * 4))
    group = Text(load_default=None, allow_none=True, validate=validate.Length(max=50))


class RenderArgs(In):
    thread = fields.Integer(required=True, validate=validate.Range(min=1, max=10**18 - 1))


class SavedReplyOut(Schema):
    id = fields.Integer()
    title = fields.String()
    group = fields.String(allow_none=True)


class RenderedReplyOut(Schema):
    id = fields.Integer()
    title = fields.String()
    locale = fields.String()
    body = fields.String()
