"""Input and output of organisations and memberships (API and the admin page)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .. import lengths
from ..schemas import AtMost, In, Text

_ID = validate.Range(min=1, max=2**31 - 1)


class OrganisationIn(In):
    # Lengths, characters, uniqueness and the tier: the service names the field.
    name = Text(required=True, validate=AtMost(lengths.ORGANISATION_NAME_MAX))
    tier = Text(load_default=None, validate=validate.Length(max=lengths.TIER_MAX * 4))
    external_ref = Text(load_default=None, allow_none=True,
                        validate=AtMost(lengths.EXTERNAL_REF_MAX))


class OrganisationPatchIn(In):
    # A missing key leaves the value alone; external_ref null or "" clears it.
    name = Text(validate=AtMost(lengths.ORGANISATION_NAME_MAX))
    tier = Text(validate=validate.Length(max=lengths.TIER_MAX * 4))
    external_ref = Text(allow_none=True, validate=AtMost(lengths.EXTERNAL_REF_MAX))


class OrganisationFormIn(OrganisationIn):
    """The admin page also sets the members, by username."""
    members = fields.List(Text(validate=validate.Length(max=lengths.USERNAME_MAX)),
                          load_default=list, validate=validate.Length(max=2000))


class MembershipIn(In):
    organisation_id = fields.Integer(required=True, allow_none=True, strict=True, validate=_ID)


class OrganisationOut(Schema):
    id = fields.Integer()
    name = fields.String()
    tier = fields.String()
    external_ref = fields.String(allow_none=True)
    created_at = fields.DateTime()
