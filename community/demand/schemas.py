"""Input and output of the links between ideas and demand (pages and API)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate, validates_schema
from marshmallow import ValidationError as SchemaError

from ..lengths import DEMAND_REF_MAX
from ..schemas import In, Text

_ID = validate.Range(min=1, max=10**18 - 1)


class DemandRefIn(In):
    """The idea page's form: a question or case by address or number."""
    ref = Text(required=True, validate=validate.Length(min=1, max=DEMAND_REF_MAX))


class DemandIn(In):
    """The API: a question (``thread_id``) or a case (``case_id``)."""
    thread_id = fields.Integer(strict=True, validate=_ID)
    case_id = fields.Integer(strict=True, validate=_ID)

    @validates_schema
    def _one(self, data, **kwargs):
        if ("thread_id" in data) == ("case_id" in data):
            raise SchemaError("Give thread_id or case_id.", "thread_id")


class IdeaSearchArgs(In):
    q = Text(load_default="", validate=validate.Length(max=200))
    case = fields.Integer(load_default=None, validate=_ID)


class IdeaPickIn(In):
    idea_id = fields.Integer(required=True, validate=_ID)
    case = fields.Integer(load_default=None, validate=_ID)


class DemandItemOut(Schema):
    thread_id = fields.Integer()
    case_id = fields.Integer(allow_none=True)
    title = fields.String()
    url = fields.String()


class DemandOut(Schema):
    idea_id = fields.Integer()
    customers = fields.Integer()
    items = fields.List(fields.Nested(DemandItemOut))
    # Staff only, once accounts belong to organisations: [{tier, askers}].
    tiers = fields.List(fields.Dict(), allow_none=True)
