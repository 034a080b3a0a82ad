"""Input and output schemas of the notification, watch, follow and preference endpoints."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import validate

from .. import lengths
from ..models.notification import EMAIL_MODES
from ..schemas import AtMost, In, Schema, Text, fields
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


class UnreadArgs(In):
    unread = fields.Boolean(load_default=False)


class UnreadOut(Schema):
    unread = fields.Integer()


class WatchIn(In):
    query = Text(load_default="", validate=AtMost(lengths.SEARCH_QUERY_MAX))
    tags = fields.List(Text(validate=AtMost(lengths.TAG_MAX)), load_default=list,
                       validate=validate.Length(max=10, error=_l("Use at most {max} tags.")))
    spaces = fields.List(Text(validate=AtMost(50)), load_default=list,
                         validate=validate.Length(max=20, error=_l("Use at most {max} spaces.")))


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


class PreferencesFormIn(PreferencesIn):
    """The preferences page: per notification, an ``email-<verb>`` choice and an
    ``in_app-<verb>`` box (sent only when ticked), read as the API's ``items``."""

    @staticmethod
    def from_form(form) -> dict:
        verbs = [key.removeprefix("email-") for key in form if key.startswith("email-")]
        return {"items": [{"verb": verb, "in_app": form.get(f"in_app-{verb}") == "1",
                           "email": form.get(f"email-{verb}")} for verb in verbs]}


class ListArgs(In):
    filter = Text(load_default="all", validate=validate.OneOf(("all", "unread")))
    saved = fields.Boolean(load_default=False)


class FollowFormIn(In):
    follow = fields.Boolean(load_default=True)


class PreferenceOut(Schema):
    verb = fields.String()
    label = fields.String()
    in_app = fields.Boolean()
    email = fields.String()
