"""Input and output schemas of the notification, watch, follow and preference endpoints."""

from __future__ import annotations

from marshmallow import validate

from ..models.notification import EMAIL_MODES
from ..schemas import In, Schema, Text, fields
from ..schemas.core import UserSummaryOut


class NotificationOut(Schema):
    id = fields.Integer()
    verb = fields.String()
    text = fields.String()
    url = fields.String()
    thread_id = fields.Integer(allow_none=True)
    post_id = fields.Integer(allow_none=True)
    actor = fields.Nested(UserSummaryOut, allow_none=True)
    snippet = fields.String(allow_none=True, metadata={
        "description": "watch_matched only: HTML, matched words in <mark>, the rest escaped"})
    created_at = fields.String()
    read = fields.Boolean()


class ReadIn(In):
    ids = fields.List(fields.Integer(strict=True, validate=validate.Range(min=1, max=2**63 - 1)),
                      validate=validate.Length(max=500))
    all = fields.Boolean(truthy={True}, falsy={False}, load_default=False)


class UnreadOut(Schema):
    unread = fields.Integer()


class WatchIn(In):
    query = Text(load_default="", validate=validate.Length(max=256))
    tags = fields.List(Text(validate=validate.Length(max=35)), load_default=list,
                       validate=validate.Length(max=10))
    spaces = fields.List(Text(validate=validate.Length(max=50)), load_default=list,
                         validate=validate.Length(max=20))


class WatchOut(Schema):
    id = fields.Integer()
    query = fields.String()
    tags = fields.List(fields.String())
    spaces = fields.List(fields.String())
    created_at = fields.String()


class FollowOut(Schema):
    following = fields.Boolean()
    thread_id = fields.Integer()
    space = fields.String()
    tag = fields.String()


class FollowItemOut(Schema):
    id = fields.Integer()
    type = fields.String()
    thread_id = fields.Integer()
    slug = fields.String()
    name = fields.String()


class PreferenceIn(In):
    verb = Text(required=True, validate=validate.Length(max=32))
    in_app = fields.Boolean(truthy={True}, falsy={False}, allow_none=True, load_default=None)
    email = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(EMAIL_MODES))


class PreferencesIn(In):
    items = fields.List(fields.Nested(PreferenceIn), required=True,
                        validate=validate.Length(min=1, max=50))


class PreferenceOut(Schema):
    verb = fields.String()
    label = fields.String()
    in_app = fields.Boolean()
    email = fields.String()
