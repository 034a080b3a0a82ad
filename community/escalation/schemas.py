"""Input and output schemas of cases and expert groups."""

from __future__ import annotations

from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate

from .. import lengths
from ..models.escalation import CASE_STATES, PRIORITIES
from ..schemas import AtMost, In, Text
from ..schemas.core import UserSummaryOut
from . import rules
from .cases import ACTIONS

_ID = validate.Range(min=1, max=2**31 - 1)
_SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,49}$")


class EscalateIn(In):
    reason = Text(load_default=None, validate=AtMost(lengths.CASE_REASON_MAX))
    group = Text(load_default=None, validate=validate.Length(max=50))
    priority = Text(load_default="normal", validate=validate.OneOf(PRIORITIES))


class AssignIn(In):
    assignee = Text(load_default=None, validate=validate.Length(max=30))
    group = Text(load_default=None, validate=validate.Length(max=50))
    priority = Text(load_default=None, validate=validate.OneOf(PRIORITIES))
    version = fields.Integer(load_default=None, strict=True, validate=_ID)


class CasePatchIn(In):
    # Null or "" clears the reference; a missing key leaves it alone.
    external_ref = Text(allow_none=True, validate=AtMost(lengths.EXTERNAL_REF_MAX))
    priority = Text(validate=validate.OneOf(PRIORITIES))
    version = fields.Integer(load_default=None, strict=True, validate=_ID)


class NoteIn(In):
    # Empty or too long: add_note says so in the reader's language.
    body = Text(required=True, validate=AtMost(lengths.CASE_NOTE_MAX))


class TransitionIn(In):
    action = Text(required=True, validate=validate.OneOf(ACTIONS))
    version = fields.Integer(load_default=None, strict=True, validate=_ID)


class KnownTier(validate.Validator):
    """One of the tiers of ORGANISATION_TIERS (settings, so checked when loading)."""

    def __call__(self, value):
        known = rules.tiers()
        if value is not None and value not in known:
            raise ValidationError(_("Choose one of: %(tiers)s.", tiers=", ".join(sorted(known))))
        return value


class CaseListArgs(In):
    state = Text(load_default=None, validate=validate.OneOf(CASE_STATES))
    organisation = fields.Integer(load_default=None, validate=_ID)
    tier = Text(load_default=None, validate=KnownTier())
    external_ref = Text(load_default=None, validate=validate.Length(min=1, max=lengths.EXTERNAL_REF_MAX))
    group = Text(load_default=None, validate=validate.Length(max=50))
    assignee = Text(load_default=None, validate=validate.Length(max=30))
    sort = Text(load_default="due", validate=validate.OneOf(("due", "opened")))


class GroupIn(In):
    slug = Text(required=True, validate=_SLUG)
    name = Text(required=True, validate=validate.Length(min=1, max=100))
    tags = fields.List(Text(validate=validate.Length(max=35)), load_default=list,
                       validate=validate.Length(max=50))
    spaces = fields.List(Text(validate=validate.Length(max=50)), load_default=list,
                         validate=validate.Length(max=50))
    members = fields.List(Text(validate=validate.Length(max=30)), load_default=list,
                          validate=validate.Length(max=200))
    leads = fields.List(Text(validate=validate.Length(max=30)), load_default=list,
                        validate=validate.Length(max=50))


class GroupFormIn(GroupIn):
    """The admin page also says who is away (the API sets it member by member)."""
    out_of_office = fields.List(Text(validate=validate.Length(max=30)), load_default=list,
                                validate=validate.Length(max=200))


class GroupOut(Schema):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    tags = fields.List(fields.String())
    spaces = fields.List(fields.String())
    members = fields.Function(lambda g: [m.user.username for m in g.members])
    leads = fields.Function(lambda g: [m.user.username for m in g.members if m.is_lead])
    out_of_office = fields.Function(lambda g: [m.user.username for m in g.members if m.out_of_office])


class GroupRefOut(Schema):
    slug = fields.String()
    name = fields.String()


class CaseEventOut(Schema):
    kind = fields.String()
    actor = fields.Nested(UserSummaryOut, allow_none=True)
    data = fields.Dict()
    created_at = fields.DateTime()


class CaseNoteOut(Schema):
    id = fields.Integer()
    author = fields.Nested(UserSummaryOut)
    body = fields.String()
    created_at = fields.DateTime()


class OrganisationRefOut(Schema):
    id = fields.Integer()
    name = fields.String()
    tier = fields.String()
    external_ref = fields.String(allow_none=True)


class CaseOut(Schema):
    id = fields.Integer()
    thread_id = fields.Integer()
    external_ref = fields.String(allow_none=True)
    # The asker's organisation (staff read cases; service.attach_organisations sets it).
    organisation = fields.Nested(OrganisationRefOut, attribute="asker_organisation",
                                 allow_none=True, dump_default=None)
    title = fields.Function(lambda c: c.thread.title)
    state = fields.String()
    group = fields.Nested(GroupRefOut, allow_none=True)
    assignee = fields.Nested(UserSummaryOut, allow_none=True)
    priority = fields.String()
    source = fields.String()
    version = fields.Integer()
    opened_at = fields.DateTime()
    first_response_at = fields.DateTime(allow_none=True)
    first_response_due_at = fields.DateTime(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    breached = fields.Boolean()


class CaseDetailOut(CaseOut):
    events = fields.List(fields.Nested(CaseEventOut), attribute="history", dump_default=list)
    notes = fields.List(fields.Nested(CaseNoteOut), attribute="note_list", dump_default=list)


class SuggestionOut(Schema):
    user = fields.Nested(UserSummaryOut)
    score = fields.Float()
    reasons = fields.List(fields.String())
