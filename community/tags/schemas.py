"""What the tag pages and the tag API read: one schema per form or query, both sides."""

from __future__ import annotations

from marshmallow import Schema

from .. import lengths
from ..schemas import AtMost, In, Text, fields, validate


class TagListArgs(In):
    # The catalogue's prefix box: a longer prefix cannot match any tag.
    q = Text(load_default=None, validate=AtMost(lengths.TAG_MAX))


class TagPageArgs(In):
    sort = Text(load_default="recent", validate=validate.OneOf(("recent", "votes", "unanswered")))


class DescriptionIn(In):
    description = Text(required=True, validate=AtMost(lengths.TAG_DESCRIPTION_MAX))


class MergeIn(In):
    into = Text(required=True, validate=AtMost(lengths.TAG_MAX))
    # The form's confirmation step; the API's POST is its own confirmation.
    confirm = fields.Boolean(load_default=False)


class TagOut(Schema):
    name = fields.String()
    description = fields.String()
    count = fields.Integer()


class MergeOut(Schema):
    merged = fields.String()
    into = fields.String()
    threads = fields.Integer()
