"""Password reset and email verification (issue 15); the email change is PATCH /me."""

from __future__ import annotations

from flask import current_app, request

from .. import permissions as perm
from ..extensions import db, limiter
from ..schemas.core import EmailIn, MeOut, PasswordResetIn, TokenLinkIn
from ..services import account_email
from . import bp, json_body, reply, signed_in_user
from .accounts import user_json
from .openapi import doc


def _token_limit() -> str:
    return current_app.config["EMAIL_TOKEN_RATE_LIMIT"]


@bp.post("/auth/password-reset")
@doc("Ask for a password reset link by email (the same answer whether or not the address "
     "has an account)", body=EmailIn, status=202)
def password_reset():
    data = json_body(EmailIn())
    account_email.request_password_reset(db.session, data["email"],
                                         address=request.remote_addr or "unknown")
    db.session.commit()
    return reply({"status": "queued"}, 202)


@bp.post("/auth/password-reset/confirm")
@limiter.limit(_token_limit)
@doc("Choose a new password with a reset link's token; every session and token of the "
     "account ends", body=PasswordResetIn, status=200)
def password_reset_confirm():
    data = json_body(PasswordResetIn())
    account_email.reset_password(db.session, data["token"], data["password"])
    db.session.commit()
    return reply({"status": "password_changed"})


@bp.post("/auth/verify-email")
@limiter.limit(_token_limit)
@doc("Verify an email address with its link's token", body=TokenLinkIn, status=200)
def verify_email():
    data = json_body(TokenLinkIn())
    account_email.verify_email(db.session, data["token"])
    db.session.commit()
    return reply({"email_verified": True})


@bp.post("/me/verify-email")
@doc("Send the verification email again (nothing is sent once the address is verified)",
     response=MeOut, status=202, auth=True)
@perm.signed_in
def resend_verification():
    user = signed_in_user()
    account_email.resend_verification(db.session, user)
    db.session.commit()
    return reply(user_json(user, MeOut), 202)
