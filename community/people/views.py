"""Pages: /admin/users (admins), /settings/export and /settings/delete (the member)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from .. import permissions as perm
from ..errors import DomainError, NotFound, ValidationFailed
from ..extensions import db
from ..labels import label_for
from ..models import ROLES
from ..queries import get_user
from ..schemas import load_form, page_number, query_choices, submitted
from . import admin, erasure
from .export import export_account
from .schemas import DeleteFormIn, EraseUserIn, RoleIn, UsersFilterFormIn, UsersQueryIn

bp = Blueprint("people", __name__)


def _target(username: str):
    user = get_user(db.session, username[:30])
    if user is None:
        raise NotFound(_("This person does not exist."))
    return user


def _form_filters() -> dict:
    try:
        return load_form(UsersFilterFormIn())
    except ValidationFailed:
        return {"q": "", "role": None}


def _users_page(errors: dict | None = None, failed: str | None = None, message=None,
                status: int = 200):
    # A row's form failed: the same list it was sent from; else the address's filters.
    args = _form_filters() if request.method == "POST" else query_choices(UsersQueryIn)
    found = admin.browse(db.session, q=args["q"], role=args["role"], page=page_number(),
                         per_page=50)
    return render_template("people/admin_users.html", found=found, q=args["q"],
                           role=args["role"], roles=ROLES, errors=errors or {},
                           failed=failed, message=message), status


@bp.get("/admin/users")
@perm.requires(perm.require_admin)
def admin_users():
    return _users_page()


def _back():
    args = _form_filters()
    return redirect(url_for("people.admin_users", q=args["q"] or None, role=args["role"]),
                    code=303)


@bp.post("/admin/users/<username>/role")
@perm.requires(perm.require_admin)
def change_role(username: str):
    target = _target(username)
    try:
        data = load_form(RoleIn())
        changed = admin.set_role(db.session, target, data["role"], by=current_user,
                                 reason=data["reason"])
    except DomainError as exc:
        db.session.rollback()
        return _users_page(exc.fields or {"role": [exc.message]},
                           failed=target.username, message=exc.message, status=exc.status)
    db.session.commit()
    if changed:
        flash(_("%(name)s is now: %(role)s.", name=target.username,
                role=label_for("role", target.role)))
    return _back()


@bp.post("/admin/users/<username>/erase")
@perm.requires(perm.require_admin)
def erase_user(username: str):
    target = _target(username)
    try:
        data = load_form(EraseUserIn())
        job = erasure.erase_account(db.session, target, by=current_user,
                                    erase_content=data["erase_content"], reason=data["reason"])
    except DomainError as exc:
        db.session.rollback()
        return _users_page(exc.fields or {"erase": [exc.message]},
                           failed=target.username, message=exc.message, status=exc.status)
    db.session.commit()
    erasure.finish_now(db.session, job)
    flash(_("The account was erased."))
    return _back()


@bp.get("/settings/export")
@perm.signed_in
def export_page():
    return render_template("people/export.html")


@bp.get("/settings/export.json")
@perm.signed_in
def export_download():
    body = json.dumps(export_account(db.session, current_user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="continuum-export.json"'})


@bp.route("/settings/delete", methods=["GET", "POST"])
@perm.signed_in
def delete_page():
    if request.method == "GET":
        return render_template("people/delete.html", errors={}, form={})
    form = {"erase_content": submitted("erase_content")["erase_content"] == "on"}
    try:
        data = load_form(DeleteFormIn())
        if not data["confirm"]:
            raise ValidationFailed(_("The account was not erased."), {
                "confirm": [_("Tick the box to confirm.")]})
        user = current_user._get_current_object()
        erasure.confirm_identity(db.session, user, data["password"])
        job = erasure.erase_account(db.session, user, by=user,
                                    erase_content=data["erase_content"])
    except DomainError as exc:
        db.session.rollback()
        return render_template("people/delete.html", errors=exc.fields or {},
                               message=exc.message, form=form), exc.status
    db.session.commit()
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    erasure.finish_now(db.session, job)
    flash(_("Your account was erased."))
    return redirect(url_for("pages.home"), code=303)
