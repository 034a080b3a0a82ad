"""Customer organisations and memberships (admins): API.md "Integrations"."""

from __future__ import annotations

from flask_babel import gettext as _

from .. import permissions as perm
from ..errors import NotFound
from ..extensions import db
from ..organisations import service
from ..organisations.schemas import (
    MembershipIn,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatchIn,
)
from ..queries import get_user
from . import bp, json_body, page_args, page_json, reply, signed_in_user
from .accounts import user_json
from .openapi import doc

# Organisations are staff knowledge: to members they do not exist (404); other staff
# are told it takes an administrator (403), as for expert groups.
_ADMIN = (perm.check_case_access, perm.check_admin)


@bp.get("/organisations")
@doc("Customer organisations (admins)", response=OrganisationOut, paginated=True, auth=True)
@perm.requires(*_ADMIN)
def list_organisations():
    page, per_page = page_args()
    return reply(page_json(service.browse(db.session, page=page, per_page=per_page),
                           OrganisationOut()))


@bp.post("/organisations")
@doc("Create an organisation; an unknown tier is a 422 (admins)", body=OrganisationIn,
     response=OrganisationOut, status=201, auth=True)
@perm.requires(*_ADMIN)
def create_organisation():
    org = service.create(db.session, by=signed_in_user(), **json_body(OrganisationIn()))
    db.session.commit()
    return reply(OrganisationOut().dump(org), 201)


@bp.get("/organisations/<id:org_id>")
@doc("One organisation (admins)", response=OrganisationOut, auth=True)
@perm.requires(*_ADMIN)
def get_organisation(org_id: int):
    return reply(OrganisationOut().dump(service.get_or_404(db.session, org_id)))


@bp.patch("/organisations/<id:org_id>")
@doc("Change an organisation's name, tier or CRM reference (admins)",
     body=OrganisationPatchIn, response=OrganisationOut, auth=True)
@perm.requires(*_ADMIN)
def update_organisation(org_id: int):
    org = service.get_or_404(db.session, org_id)
    service.update(db.session, org, by=signed_in_user(), **json_body(OrganisationPatchIn()))
    db.session.commit()
    return reply(OrganisationOut().dump(org))


@bp.put("/users/<username>/organisation")
@doc("Put a person in an organisation, or in none with null (admins)", body=MembershipIn,
     auth=True)
@perm.requires(*_ADMIN)
def set_user_organisation(username: str):
    user = get_user(db.session, username[:30])
    if user is None or user.erased_at is not None:
        raise NotFound(_("This person does not exist."))
    data = json_body(MembershipIn())
    org = None
    if data["organisation_id"] is not None:
        org = service.get_or_404_field(db.session, data["organisation_id"])
    service.set_membership(db.session, user, org, by=signed_in_user())
    db.session.commit()
    return reply(user_json(user))
