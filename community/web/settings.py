"""/settings: a member's profile, time zone, language, password and avatar."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions as perm
from ..errors import PayloadTooLarge, ValidationFailed
from ..extensions import db
from ..ratelimit import RateLimited
from ..schemas import load_form, submitted
from ..schemas.core import MePatchIn, PasswordChangeIn
from ..security import upload_limit
from ..services import profile
from .helpers import redirect_next

bp = Blueprint("settings", __name__)

PROFILE_FIELDS = ("display_name", "bio", "timezone", "locale")
# A select's "follow the default" option sends "": stored as NULL.
EMPTY_IS_NONE = ("timezone", "locale")


def _profile_form(user) -> dict:
    return {"display_name": user.display_name, "bio": user.bio or "",
            "timezone": user.timezone or "", "locale": user.locale or ""}


def _page(*, status: int = 200, profile_form=None, errors=None, section=None, message=None):
    """The page, with what was typed kept and each error next to its field."""
    return render_template(
        "settings/index.html", form=profile_form or _profile_form(current_user),
        errors=errors or {}, section=section, message=message,
        timezones=profile.timezones(), languages=current_app.config["LANGUAGES"],
        default_timezone=current_app.config["BABEL_DEFAULT_TIMEZONE"],
        bio_max=current_app.config["BIO_MAX_LENGTH"],
        avatar_mb=current_app.config["AVATAR_MAX_BYTES"] // (1024 * 1024),
    ), status


def _done(message: str):
    db.session.commit()
    flash(message, "success")
    return redirect_next(url_for("settings.index"))


@bp.get("/settings")
@perm.signed_in
def index():
    return _page()


@bp.post("/settings/profile")
@perm.signed_in
def update_profile():
    form = submitted(*PROFILE_FIELDS)
    try:
        data = load_form(MePatchIn())
        data.update({k: data.get(k) or None for k in EMPTY_IS_NONE if k in data})
        profile.update_profile(current_user, data)
    except ValidationFailed as exc:
        db.session.rollback()
        return _page(status=422, profile_form=form, errors=exc.fields, section="profile",
                     message=exc.message)
    return _done(_("Your profile is saved."))


@bp.post("/settings/password")
@perm.signed_in
def change_password():
    try:
        data = load_form(PasswordChangeIn())
        profile.change_password(db.session, current_user, data["current_password"],
                                data["new_password"], keep_session=current_user.session_key)
    except ValidationFailed as exc:
        db.session.rollback()
        return _page(status=422, errors=exc.fields, section="password", message=exc.message)
    except RateLimited as exc:
        db.session.rollback()
        return (*_page(status=429, section="password", message=exc.message),
                {"Retry-After": str(exc.retry_after)})
    return _done(_("Your password is changed. Your other sessions have been signed out."))


@bp.post("/settings/avatar")
@upload_limit("AVATAR_MAX_BYTES")
@perm.signed_in
def upload_avatar():
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            message = _("Choose an image.")
            raise ValidationFailed(message, {"file": [message]})
        profile.set_avatar(db.session, current_user,
                           upload.read(current_app.config["AVATAR_MAX_BYTES"] + 1))
    except (ValidationFailed, PayloadTooLarge) as exc:
        db.session.rollback()
        return _page(status=exc.status, errors=exc.fields, section="avatar", message=exc.message)
    return _done(_("Your picture is saved."))
