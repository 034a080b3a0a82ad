"""Site settings (admins): GET and PATCH /api/v1/admin/settings (docs/API-EXTENSIONS.md)."""

from __future__ import annotations

from flask_babel import gettext as _

from .. import permissions as perm
from .. import site_rules
from ..errors import ValidationFailed
from ..extensions import db
from ..schemas import load
from ..sitesettings import service
from ..sitesettings.schemas import SiteSettingsOut, SiteSettingsPatchIn
from ..sitesettings.sections import SECTIONS
from . import bp, json_body, reply, signed_in_user
from .openapi import doc


def _settings_json() -> dict:
    return {"sections": {name: {"values": service.current(section),
                                "defaults": service.defaults(section),
                                "overridden": service.overridden(section)}
                         for name, section in SECTIONS.items()}}


@bp.get("/admin/settings")
@doc("The site settings in force, their defaults and which are changed (admins)",
     response=SiteSettingsOut, auth=True)
@perm.requires(perm.check_admin)
def get_site_settings():
    return reply(_settings_json())


@bp.patch("/admin/settings")
@doc("Change some site settings and reset sections to their defaults; an invalid field "
     "is a 422 naming it as section.field and changes nothing (admins)",
     body=SiteSettingsPatchIn, response=SiteSettingsOut, auth=True)
@perm.requires(perm.check_admin)
def patch_site_settings():
    body = json_body(SiteSettingsPatchIn())
    # Every section is read before any is written: one refused field changes nothing.
    loaded, errors = {}, {}
    for name, section in SECTIONS.items():
        if name in body:
            try:
                loaded[name] = load(section.schema(site_rules.value), body[name])
            except ValidationFailed as exc:
                errors.update({f"{name}.{k}": v for k, v in exc.fields.items()})
    if errors:
        raise ValidationFailed(_("Some fields are not valid: %(names)s.",
                                 names=", ".join(sorted(errors))), errors)
    by = signed_in_user()
    try:
        for name in body["reset"]:
            if name not in loaded:
                service.reset(db.session, SECTIONS[name], by=by)
        for name, data in loaded.items():
            # Reset and changed at once: the fields are laid over the defaults.
            service.save(db.session, SECTIONS[name], data, by=by,
                         over_defaults=name in body["reset"])
    except ValidationFailed as exc:
        db.session.rollback()
        raise ValidationFailed(exc.message, {f"{name}.{k}": v
                                             for k, v in exc.fields.items()}) from exc
    db.session.commit()
    site_rules.changed()
    return reply(_settings_json())
