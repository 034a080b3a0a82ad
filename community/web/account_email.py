"""Pages for a forgotten password, email verification and the email change (issue 15)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions as perm
from ..errors import BadRequest, PermissionDenied, ValidationFailed
from ..extensions import db, limiter
from ..ratelimit import RateLimited
from ..schemas import load, load_form, submitted
from ..schemas.core import EmailIn, PasswordResetIn, TokenLinkIn
from ..services import account_email
from .auth import sign_in
from .helpers import next_param, safe_next

bp = Blueprint("account_email", __name__)


def _token_limit() -> str:
    return current_app.config["EMAIL_TOKEN_RATE_LIMIT"]


def _email_errors(exc: ValidationFailed) -> dict:
    # Marshmallow's sentences are English: the page says it in the reader's language.
    fields = dict(exc.fields)
    if "email" in fields:
        fields["email"] = [_("Enter a valid email address.")]
    return fields


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    if request.method == "GET":
        return render_template("auth/forgot_password.html", email="", errors={}, sent=False)
    email = submitted("email")["email"]
    try:
        data = load_form(EmailIn())
        account_email.request_password_reset(db.session, data["email"],
                                             address=request.remote_addr or "unknown")
    except ValidationFailed as exc:
        return render_template("auth/forgot_password.html", email=email,
                               errors=_email_errors(exc), sent=False), 422
    except RateLimited as exc:
        return render_template("auth/forgot_password.html", email=email, errors={},
                               sent=False, error=exc.message), 429, {
                                   "Retry-After": str(exc.retry_after)}
    db.session.commit()
    # The same page whether or not an account uses the address.
    return render_template("auth/forgot_password.html", email=data["email"], errors={},
                           sent=True)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(_token_limit, methods=["POST"])
def reset_password(token: str):
    if request.method == "GET":
        valid = account_email.live_token(db.session, token, "reset") is not None
        return render_template("auth/reset_password.html", token=token, valid=valid,
                               errors={}), 200 if valid else 400
    try:
        data = load_form(PasswordResetIn(), token=token)
        user = account_email.reset_password(db.session, data["token"], data["password"])
    except BadRequest:
        db.session.rollback()
        return render_template("auth/reset_password.html", token=token, valid=False,
                               errors={}), 400
    except ValidationFailed as exc:
        db.session.rollback()
        return render_template("auth/reset_password.html", token=token, valid=True,
                               errors=exc.fields), 422
    try:
        perm.check_can_sign_in(user)
    except PermissionDenied as exc:
        db.session.commit()  # the password is changed; a suspension still keeps them out
        return render_template("auth/login.html", next="", login_value=user.username,
                               error=exc.message), 403
    sign_in(user)
    db.session.commit()
    flash(_("Your password was changed. You are signed in; your other sessions were ended."),
          "success")
    return redirect(url_for("pages.home"), code=303)


@bp.route("/verify-email/<token>", methods=["GET", "POST"])
@limiter.limit(_token_limit, methods=["POST"])
def verify_email(token: str):
    # A GET only shows the button: mail scanners that open links must not use them up.
    if request.method == "GET":
        valid = account_email.live_token(db.session, token, "verify") is not None
        return render_template("auth/verify_email.html", token=token, valid=valid,
                               done=False), 200 if valid else 400
    try:
        data = load(TokenLinkIn(), {"token": token})
        account_email.verify_email(db.session, data["token"])
    except (BadRequest, ValidationFailed):
        db.session.rollback()
        return render_template("auth/verify_email.html", token=token, valid=False,
                               done=False), 400
    db.session.commit()
    return render_template("auth/verify_email.html", token=token, valid=True, done=True)


@bp.post("/verify-email/send")
@perm.signed_in
def resend_verification():
    back = safe_next(next_param(), url_for("account_email.settings_email"))
    try:
        sent = account_email.resend_verification(db.session, current_user)
    except RateLimited as exc:
        flash(exc.message, "error")
        return redirect(back, code=303)
    db.session.commit()
    flash(_("We sent a new link to %(email)s.", email=current_user.email) if sent
          else _("Your email address is already verified."), "success")
    return redirect(back, code=303)


@bp.route("/settings/email", methods=["GET", "POST"])
@perm.signed_in
def settings_email():
    user = current_user
    if request.method == "GET":
        return render_template("settings/email.html", email="", errors={})
    email = submitted("email")["email"]
    try:
        data = load_form(EmailIn())
    except ValidationFailed as exc:
        return render_template("settings/email.html", email=email,
                               errors=_email_errors(exc)), 422
    try:
        account_email.change_email(db.session, user, data["email"])
    except ValidationFailed as exc:
        db.session.rollback()
        return render_template("settings/email.html", email=email, errors=exc.fields), 422
    except RateLimited as exc:
        db.session.rollback()
        return render_template("settings/email.html", email=email,
                               errors={"email": [exc.message]}), 429, {
                                   "Retry-After": str(exc.retry_after)}
    db.session.commit()
    flash(_("Your email address is now %(email)s. Follow the link we sent there to confirm it.",
            email=user.email), "success")
    return redirect(url_for("account_email.settings_email"), code=303)
