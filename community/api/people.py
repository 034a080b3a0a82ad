"""People administration (admins), and a member's own export and erasure."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import logout_user

from .. import permissions as perm
from ..errors import NotFound
from ..extensions import db
from ..people import admin, erasure
from ..people.export import export_account
from ..people.schemas import AdminUserOut, EraseMeIn, EraseUserIn, RoleIn, UsersQueryIn
from ..queries import get_user
from ..schemas import load_query
from . import bp, json_body, page_args, page_json, reply, signed_in_user
from .accounts import user_json
from .openapi import doc


def _target(username: str):
    user = get_user(db.session, username[:30])
    if user is None:
        raise NotFound(_("This person does not exist."))
    return user


@bp.get("/admin/users")
@doc("Accounts with role, reputation, sanctions, created and last seen (admins)",
     response=AdminUserOut, paginated=True, auth=True, query=["q", "role"])
@perm.requires(perm.require_admin)
def admin_users():
    args = load_query(UsersQueryIn)
    page, per_page = page_args()
    found = admin.browse(db.session, q=args["q"], role=args["role"], page=page, per_page=per_page)
    return reply(page_json(found, AdminUserOut()))


@bp.put("/users/<username>/role")
@doc("Change a member's role (admins; audited; the last admin stays)", body=RoleIn, auth=True)
@perm.requires(perm.check_change_role)
def set_user_role(username: str):
    target = _target(username)
    data = json_body(RoleIn())
    admin.set_role(db.session, target, data["role"], by=signed_in_user(), reason=data["reason"])
    db.session.commit()
    return reply(user_json(target))


@bp.get("/me/export")
@doc("Everything the account wrote and everything stored about it", auth=True)
@perm.signed_in
def export_me():
    return reply(export_account(db.session, signed_in_user()))


@bp.delete("/me")
@doc("Erase (anonymise) the caller's account; password required", body=EraseMeIn,
     status=202, auth=True)
@perm.signed_in
def erase_me():
    user = signed_in_user()
    data = json_body(EraseMeIn(), optional=True)
    erasure.confirm_identity(db.session, user, data["password"])
    job = erasure.erase_account(db.session, user, by=user, erase_content=data["erase_content"])
    db.session.commit()
    logout_user()
    return reply({"erased": True, "content_removal": erasure.finish_now(db.session, job)}, 202)


@bp.post("/users/<username>/erase")
@doc("Erase a member's account on their request (admins; audited)", body=EraseUserIn,
     status=202, auth=True)
@perm.requires(perm.require_admin)
def erase_user(username: str):
    target = _target(username)
    data = json_body(EraseUserIn())
    job = erasure.erase_account(db.session, target, by=signed_in_user(),
                                erase_content=data["erase_content"], reason=data["reason"])
    db.session.commit()
    return reply({"erased": True, "content_removal": erasure.finish_now(db.session, job)}, 202)
