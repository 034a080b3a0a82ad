"""Pages: /admin/organisations (admins): the list, a new organisation, and each one's
name, tier, CRM reference and members (by username)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions as perm
from ..errors import DomainError
from ..escalation.rules import tier_labels
from ..extensions import db
from ..schemas import load_form, page_number, submitted
from . import service
from .schemas import OrganisationFormIn

bp = Blueprint("organisations", __name__)
PER_PAGE = 50
_FIELDS = ("name", "tier", "external_ref", "members")


def _list_page(*, form=None, errors=None, status=200):
    found = service.browse(db.session, page=page_number(), per_page=PER_PAGE)
    counts = service.member_counts(db.session, [o.id for o in found.items])
    return render_template("organisations/index.html", found=found, counts=counts,
                           tiers=tier_labels(), errors=errors or {},
                           form=form or {"name": "", "tier": "", "external_ref": ""}), status


@bp.route("/admin/organisations", methods=["GET", "POST"])
@perm.requires(perm.require_admin)
def index():
    if request.method == "GET":
        return _list_page()
    try:
        data = load_form(OrganisationFormIn())
        data.pop("members")
        org = service.create(db.session, by=current_user._get_current_object(), **data)
    except DomainError as exc:
        db.session.rollback()
        return _list_page(form=submitted(*_FIELDS), errors=exc.fields or {"name": [exc.message]},
                          status=exc.status)
    db.session.commit()
    flash(_("The organisation was created: add its members here."))
    return redirect(url_for("organisations.edit", org_id=org.id), code=303)


@bp.route("/admin/organisations/<id:org_id>", methods=["GET", "POST"])
@perm.requires(perm.require_admin)
def edit(org_id: int):
    org = service.get_or_404(db.session, org_id)
    user = current_user._get_current_object()
    errors, status = {}, 200
    form = {"name": org.name, "tier": org.tier, "external_ref": org.external_ref or "",
            "members": " ".join(u.username for u in service.members(db.session, org))}
    if request.method == "POST":
        form = submitted(*_FIELDS)
        try:
            data = load_form(OrganisationFormIn())
            service.update(db.session, org, by=user, name=data["name"],
                           tier=data["tier"] if data["tier"] is not None else org.tier,
                           external_ref=data["external_ref"])
            service.set_members(db.session, org, data["members"], by=user)
        except DomainError as exc:
            db.session.rollback()
            errors, status = exc.fields or {"name": [exc.message]}, exc.status
        else:
            db.session.commit()
            flash(_("The organisation was saved."))
            return redirect(url_for("organisations.edit", org_id=org.id), code=303)
    return render_template("organisations/edit.html", org=org, form=form, errors=errors,
                           tiers=tier_labels()), status
