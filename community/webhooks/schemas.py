"""Input and output of webhooks (API and the admin page's forms)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..schemas import In, Text


class WebhookIn(In):
    url = Text(required=True, validate=validate.Length(min=1, max=2000))
    events = fields.List(fields.String(validate=validate.Length(max=40)), required=True,
                         validate=validate.Length(max=50))
    secret = Text(load_default=None, allow_none=True, validate=validate.Length(min=16, max=128))
    include_internal = fields.Boolean(load_default=False)
    active = fields.Boolean(load_default=True)


class WebhookKeptIn(In):
    """The boxes ticked on a refused form, to tick them again."""
    events = fields.List(fields.String(), load_default=list)


class WebhookPatchIn(In):
    url = Text(validate=validate.Length(min=1, max=2000))
    events = fields.List(fields.String(validate=validate.Length(max=40)),
                         validate=validate.Length(max=50))
    include_internal = fields.Boolean()
    active = fields.Boolean()


class WebhookOut(Schema):
    id = fields.Integer()
    url = fields.String()
    events = fields.List(fields.String())
    # Only the creation answer carries the secret (the view adds it there).
    secret = fields.Constant(None)
    active = fields.Boolean()
    include_internal = fields.Boolean()
    failures = fields.Integer()
    disabled_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class DeliveryOut(Schema):
    id = fields.String(attribute="uid")  # the X-Continuum-Delivery header
    event = fields.String()
    state = fields.String()
    status_code = fields.Integer(allow_none=True)
    attempts = fields.Integer()
    next_attempt_at = fields.DateTime(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    error = fields.String(allow_none=True)
    response_excerpt = fields.String(allow_none=True)
