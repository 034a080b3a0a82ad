"""Single sign-on pages: off to the OpenID Connect provider, and back."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, session, url_for
from sqlalchemy.exc import IntegrityError

from .. import database, permissions, sso
from ..errors import PermissionDenied
from ..extensions import db
from ..sso import accounts as sso_accounts
from .auth import sign_in
from .helpers import next_param, redirect_next, safe_next

bp = Blueprint("oidc", __name__)
_NEXT = "oidc_next"


def _client():
    oidc = sso.client()
    if oidc is None:
        abort(404)  # single sign-on is not configured here
    return oidc


def _failed(message: str, status: int):
    return render_template("auth/sso_failed.html", message=message), status


@bp.get("/auth/oidc/login")
def login():
    oidc = _client()
    session[_NEXT] = safe_next(next_param())
    try:
        return sso.start(oidc, url_for("oidc.callback", _external=True))
    except sso.SignInFailed as exc:
        return _failed(exc.message, exc.status)


@bp.get("/auth/oidc/callback")
def callback():
    oidc = _client()
    try:
        claims = sso.finish(oidc)  # network calls, before any write
    except sso.SignInFailed as exc:
        return _failed(exc.message, exc.status)
    next_url = session.pop(_NEXT, None)
    db.session.commit()  # end the read transaction; the writes take the lock up front
    database.writes_on_get()
    issuer = current_app.config["OIDC_ISSUER"]
    try:
        try:
            user = sso_accounts.resolve(db.session, issuer=issuer, claims=claims)
        except IntegrityError:
            # The same person's first sign-in finished in another tab first: use it.
            db.session.rollback()
            user = sso_accounts.resolve(db.session, issuer=issuer, claims=claims)
        permissions.check_can_sign_in(user)  # a suspended account stays out
    except (sso_accounts.SignInRefused, PermissionDenied) as exc:
        db.session.rollback()
        return _failed(exc.message, 403)
    sign_in(user)
    db.session.commit()
    return redirect_next(next_url)
