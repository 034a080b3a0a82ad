"""The page /admin/settings (admins): one form per section, each field with its default,
a "reset to default" per section and the latest changes."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions as perm
from .. import site_rules
from ..errors import ValidationFailed
from ..extensions import db
from ..schemas import load_form, submitted
from . import service
from .sections import SECTIONS, timezones

bp = Blueprint("sitesettings", __name__)


def shown(value) -> str:
    """A setting's value as a form field holds it."""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return "" if value is None else str(value)


def _page(*, failed: str | None = None, errors=None, status: int = 200):
    sections = []
    for name, section in SECTIONS.items():
        fields_ = section.fields(site_rules.value)
        values = {k: shown(v) for k, v in service.current(section).items()}
        if name == failed:
            values.update(submitted(*(f.name for f in fields_)))
        groups = [(group, list(items)) for group, items in groupby(fields_, lambda f: f.group)]
        sections.append({"name": name, "title": section.title, "groups": groups,
                         "labels": {f.name: f"{f.group} – {f.label}" if f.group else f.label
                                    for f in fields_},
                         "values": values, "overridden": service.overridden(section),
                         "defaults": {k: shown(v) for k, v in service.defaults(section).items()},
                         "errors": (errors or {}) if name == failed else {}})
    return render_template("sitesettings/index.html", sections=sections, timezones=timezones(),
                           history=service.history(db.session),
                           titles={s["name"]: s["title"] for s in sections},
                           labels={s["name"]: s["labels"] for s in sections},
                           shown=shown), status


@bp.get("/admin/settings")
@perm.requires(perm.require_admin)
def index():
    return _page()


@bp.post("/admin/settings/<name>")
@perm.requires(perm.require_admin)
def save(name: str):
    section = service.section_or_404(name)
    try:
        data = load_form(section.schema(site_rules.value))
        changed = service.save(db.session, section, data, by=current_user._get_current_object())
    except ValidationFailed as exc:
        db.session.rollback()
        return _page(failed=name, errors=exc.fields or {"_schema": [exc.message]},
                     status=exc.status)
    db.session.commit()
    site_rules.changed()
    flash(_("%(section)s: saved. The new values apply from now on.", section=section.title)
          if changed else _("Nothing changed."))
    return redirect(url_for("sitesettings.index", _anchor=f"section-{name}"), code=303)


@bp.post("/admin/settings/<name>/reset")
@perm.requires(perm.require_admin)
def reset(name: str):
    section = service.section_or_404(name)
    changed = service.reset(db.session, section, by=current_user._get_current_object())
    db.session.commit()
    site_rules.changed()
    flash(_("%(section)s: back to the defaults.", section=section.title)
          if changed else _("Nothing changed."))
    return redirect(url_for("sitesettings.index", _anchor=f"section-{name}"), code=303)
