"""Accounts, tokens and users."""

from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions as perm
from ..errors import NotFound, ValidationFailed
from ..extensions import db, limiter
from ..gamification.badges import user_badges
from ..models import Organisation
from ..notifications import unread_count
from ..organisations.schemas import OrganisationOut
from ..queries import get_user
from ..schemas.core import (
    BadgeOut,
    MeOut,
    MePatchIn,
    PasswordChangeIn,
    RegisterIn,
    TokenIn,
    UserOut,
    avatar_url,
)
from ..security import bearer_token, upload_limit
from ..services import account_email, accounts, profile
from . import Unauthorized, bp, json_body, reply, signed_in_user
from .openapi import doc


def user_json(user, schema: type[UserOut] = UserOut) -> dict:
    """A user as the API shows it. Badges and the unread count are read here rather
    than while dumping, so the schemas stay below the feature packages."""
    data = schema().dump(user)
    data["badges"] = BadgeOut(many=True).dump(user_badges(db.session, user.id))
    if perm.can_work_cases(current_user):
        # Which customer organisation someone belongs to is staff knowledge: the key is
        # not there at all for members and guests.
        org = db.session.get(Organisation, user.organisation_id) if user.organisation_id else None
        data["organisation"] = OrganisationOut().dump(org) if org is not None else None
    if issubclass(schema, MeOut):
        data["unread_notifications"] = unread_count(db.session, user)
    return data


@bp.post("/auth/register")
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"])
@doc("Create an account", body=RegisterIn, response=UserOut, status=201)
def register():
    data = json_body(RegisterIn())
    user = accounts.register_user(db.session, **data, self_registration=True)
    account_email.queue_verification(db.session, user)
    db.session.commit()
    return reply(user_json(user), 201)


@bp.post("/auth/token")
@doc("Exchange credentials for a bearer token", body=TokenIn, status=200)
def create_token():
    data = json_body(TokenIn())
    # Limited per account and address (429 with Retry-After): see accounts.authenticate.
    user = accounts.authenticate(db.session, data["login"], data["password"],
                                 address=request.remote_addr or "unknown")
    if user is None:
        db.session.commit()  # keep the failure count
        raise Unauthorized(_("Wrong login or password."))
    token = accounts.issue_token(db.session, user)
    db.session.commit()
    return reply({"token": token, "user": user_json(user)})


@bp.delete("/auth/token")
@doc("Revoke the bearer token used for this call", status=204, auth=True)
@perm.signed_in
def delete_token():
    raw = bearer_token()
    if raw is None:
        raise Unauthorized(_("Send the bearer token to revoke."))
    accounts.revoke_token(db.session, raw)
    db.session.commit()
    return "", 204


@bp.get("/me")
@doc("The caller's own account", response=MeOut, auth=True)
@perm.signed_in
def me():
    return reply(user_json(signed_in_user(), MeOut))


@bp.patch("/me")
@doc("Change the caller's own profile: display name, bio (Markdown), time zone (an IANA "
     "name, null for the site's), language (en, fr, or null to follow the browser) and "
     "email (unverified until the link sent there is followed)",
     body=MePatchIn, response=MeOut, auth=True)
@perm.signed_in
def update_me():
    user = signed_in_user()
    profile.update_profile(user, json_body(MePatchIn()))
    db.session.commit()
    return reply(user_json(user, MeOut))


@bp.post("/me/password")
@doc("Change the caller's password; every other session and token of the account ends",
     body=PasswordChangeIn, status=204, auth=True)
@perm.signed_in
def change_password():
    user = signed_in_user()
    data = json_body(PasswordChangeIn())
    token = bearer_token()
    profile.change_password(db.session, user, data["current_password"], data["new_password"],
                            keep_session=None if token else user.session_key, keep_token=token)
    db.session.commit()
    return "", 204


@bp.put("/me/avatar")
@upload_limit("AVATAR_MAX_BYTES")
@doc("Upload the caller's avatar (PNG, JPEG or WebP, at most 5 MB): 200 {avatar_url}",
     upload="file", auth=True)
@perm.signed_in
def put_avatar():
    user = signed_in_user()
    upload = request.files.get("file")
    if upload is None:
        message = _("Send the image in the multipart field named file.")
        raise ValidationFailed(message, {"file": [message]})
    data = upload.read(current_app.config["AVATAR_MAX_BYTES"] + 1)
    profile.set_avatar(db.session, user, data)
    db.session.commit()
    return reply({"avatar_url": avatar_url(user)})


@bp.get("/users/<username>")
@doc("A user's public profile", response=UserOut)
def user_profile(username: str):
    # A name no account can have (NUL, 300 characters…) never reaches the database.
    user = get_user(db.session, username) if accounts.USERNAME_RE.match(username) else None
    if user is None:
        raise NotFound(_("This user does not exist."))
    return reply(user_json(user))

