"""Sign in, sign up, sign out, the CSRF token for scripts and the language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from ..errors import PermissionDenied, ValidationFailed
from ..extensions import db, limiter
from ..ratelimit import RateLimited
from ..schemas import In, Text, load_form, submitted
from ..schemas.core import RegisterIn, TokenIn
from ..services import account_email, accounts
from .helpers import next_param, redirect_next

bp = Blueprint("auth", __name__)


class LanguageIn(In):
    lang = Text(load_default="")


def sign_in(user) -> None:
    """Start a browser session for ``user`` (the password form and single sign-on)."""
    # A fresh session on sign-in (no fixation); the reader's language choice survives.
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    accounts.start_session(db.session, user)
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = next_param()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect_next(next_url)
        return render_template("auth/login.html", next=next_url, login_value="", error=None)
    login_value = submitted("login")["login"]
    user = None
    try:
        data = load_form(TokenIn())
    except ValidationFailed:
        data = None
    if data is not None:
        try:
            user = accounts.authenticate(db.session, data["login"], data["password"],
                                         address=request.remote_addr or "unknown")
        except RateLimited as exc:
            return render_template(
                "auth/login.html", next=next_url, login_value=login_value, error=exc.message,
            ), 429, {"Retry-After": str(exc.retry_after)}
        except PermissionDenied as exc:  # suspended, or staff sent to single sign-on
            db.session.rollback()
            return render_template("auth/login.html", next=next_url, login_value=login_value,
                                   error=exc.message), 403
    if user is None:
        db.session.commit()  # the failure counts towards the per-account cap
        # One message whether or not the account exists: no oracle.
        return render_template(
            "auth/login.html", next=next_url, login_value=login_value,
            error=_("Wrong login or password."),
        ), 401
    sign_in(user)
    db.session.commit()
    return redirect_next(next_url)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"])
def register():
    next_url = next_param()
    form = submitted("username", "email", "display_name")
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect_next(next_url)
        return render_template("auth/register.html", next=next_url, form=form, errors={})
    try:
        data = load_form(RegisterIn())
        user = accounts.register_user(db.session, **data, self_registration=True)
        account_email.queue_verification(db.session, user)
    except ValidationFailed as exc:
        db.session.rollback()
        return render_template("auth/register.html", next=next_url, form=form,
                               errors=exc.fields, message=exc.message), 422
    sign_in(user)
    db.session.commit()
    return redirect_next(next_url)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        accounts.end_session(db.session, current_user.session_key)
        logout_user()
        db.session.commit()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect_next(None)


@bp.get("/csrf-token")
def csrf_token():
    resp = jsonify({"csrf_token": generate_csrf()})
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.post("/lang")
def set_language():
    lang = load_form(LanguageIn())["lang"]
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            # Kept on the account: its toasts and emails, and its other browsers, follow.
            accounts.set_locale(current_user, lang)
            db.session.commit()
    return redirect_next(next_param())
