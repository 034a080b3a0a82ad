"""Input and output of people administration, export and erasure (API and forms)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..models import ROLES
from ..schemas import In, Text


class RoleIn(In):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    reason = Text(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class EraseMeIn(In):
    password = Text(load_default=None, allow_none=True, validate=validate.Length(max=1000))
    erase_content = fields.Boolean(load_default=False)


class DeleteFormIn(EraseMeIn):
    """/settings/delete: the API's fields and the box that confirms it."""
    confirm = fields.Boolean(load_default=False)


class EraseUserIn(In):
    reason = Text(required=True, validate=validate.Length(min=1, max=1000))
    erase_content = fields.Boolean(load_default=False)


class UsersQueryIn(In):
    q = Text(load_default="", validate=validate.Length(max=100))
    role = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(ROLES))


class UsersFilterFormIn(In):
    """The list's filters, carried by each row's forms to come back to the same list."""
    q = Text(load_default="", validate=validate.Length(max=100))
    role = fields.String(data_key="filter_role", load_default=None, allow_none=True,
                         validate=validate.OneOf(ROLES))


class SanctionSummaryOut(Schema):
    kind = fields.String()
    reason = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime(allow_none=True)


class AdminUserOut(Schema):
    id = fields.Integer(attribute="user.id")
    username = fields.String(attribute="user.username")
    display_name = fields.String(attribute="user.display_name")
    email = fields.String(attribute="user.email")
    role = fields.String(attribute="user.role")
    reputation = fields.Integer(attribute="user.reputation")
    created_at = fields.DateTime(attribute="user.created_at")
    last_seen_at = fields.DateTime(attribute="user.last_seen_at", allow_none=True)
    sanctions = fields.Nested(SanctionSummaryOut, many=True)
