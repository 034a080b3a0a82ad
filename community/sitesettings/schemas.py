"""The API's view of the site settings: every section's values and defaults in, the
fields to change (and the sections to reset) out. Each section's own schema
(``sections``) then reads its fields, as it reads the page's form."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..schemas import In
from .sections import SECTIONS

_SECTION = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True))


class SiteSettingsPatchIn(In):
    levels = _SECTION
    privileges = _SECTION
    reputation = _SECTION
    flood_limits = _SECTION
    escalation = _SECTION
    calendar = _SECTION
    # Sections put back to their defaults before the fields above are applied.
    reset = fields.List(fields.String(validate=validate.OneOf(list(SECTIONS))),
                        load_default=list, validate=validate.Length(max=len(SECTIONS)))


class SectionOut(Schema):
    values = fields.Dict()
    defaults = fields.Dict()
    overridden = fields.Boolean()


class SiteSettingsOut(Schema):
    sections = fields.Dict(keys=fields.String(), values=fields.Nested(SectionOut))
