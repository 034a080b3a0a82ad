"""POST /api/v1/uploads: the form's text field and the answer."""

from __future__ import annotations

from marshmallow import Schema

from ..schemas import AtMost, In, Text, fields


class UploadIn(In):
    # The space the file is for: the upload is then readable only as that space is.
    space = Text(load_default=None, validate=AtMost(100))


class UploadOut(Schema):
    id = fields.String()
    url = fields.String()
    markdown = fields.String()
    name = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    width = fields.Integer(allow_none=True)
    height = fields.Integer(allow_none=True)
    thumbnail_url = fields.String(allow_none=True)
    space = fields.String(allow_none=True)
