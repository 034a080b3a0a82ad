"""Escalation and cases (staff unless said otherwise): API.md "Escalation and cases"."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import permissions as perm
from ..errors import NotFound
from ..escalation import cases, groups, routing, service
from ..escalation.schemas import (
    AssignIn,
    CaseDetailOut,
    CaseListArgs,
    CaseOut,
    CasePatchIn,
    EscalateIn,
    GroupIn,
    GroupOut,
    NoteIn,
    SuggestionOut,
    TransitionIn,
)
from ..extensions import db
from ..models import Thread, User
from ..models.escalation import ExpertGroup
from ..schemas import load_query
from . import bp, json_body, page_args, reply, signed_in_user
from .openapi import doc


def _case(case_id: int):
    return service.get_case(db.session, signed_in_user(), case_id)


def _detail(case) -> dict:
    db.session.refresh(case)
    return CaseDetailOut().dump(service.load_detail(db.session, case))


@bp.post("/threads/<id:thread_id>/escalate")
@doc("Escalate a thread into a case (the asker's “ask an expert”, or staff)", body=EscalateIn,
     response=CaseOut, status=201, auth=True)
@perm.signed_in
def escalate(thread_id: int):
    user = signed_in_user()
    thread = perm.require_thread(user, db.session.get(Thread, thread_id))
    data = json_body(EscalateIn(), optional=True)
    case = service.escalate(db.session, thread, by=user, **data)
    db.session.commit()
    if not perm.can_work_cases(user):
        # The asker learns that the case exists, nothing internal about it.
        return reply({"id": case.id, "thread_id": thread.id, "state": case.state}, 201)
    return reply(_detail(case), 201)


@bp.get("/cases")
@doc("Cases (staff); ?external_ref= finds the case a CRM ticket names", response=CaseOut,
     paginated=True,
     query=["state", "group", "assignee", "sort", "external_ref", "organisation", "tier"],
     auth=True)
@perm.requires(perm.check_case_access)
def list_cases():
    user = signed_in_user()
    page, per_page = page_args()
    args = load_query(CaseListArgs)
    items, total = service.list_cases(db.session, user, page=page, per_page=per_page, **args)
    return reply({"items": CaseOut(many=True).dump(items), "page": page, "per_page": per_page,
                  "total": total})


@bp.get("/cases/<id:case_id>")
@doc("A case with its history and internal notes (staff)", response=CaseDetailOut, auth=True)
@perm.signed_in
def get_case(case_id: int):
    return reply(_detail(_case(case_id)))


@bp.patch("/cases/<id:case_id>")
@doc("Set a case's CRM reference (null clears it) and/or priority (staff)", body=CasePatchIn,
     response=CaseDetailOut, auth=True)
@perm.signed_in
def update_case(case_id: int):
    case = _case(case_id)
    cases.update(db.session, case, by=signed_in_user(), **json_body(CasePatchIn()))
    db.session.commit()
    return reply(_detail(case))


@bp.post("/cases/<id:case_id>/assign")
@doc("Assign a case to someone, a group or a priority (staff)", body=AssignIn,
     response=CaseDetailOut, auth=True)
@perm.signed_in
def assign(case_id: int):
    case = _case(case_id)
    data = json_body(AssignIn())
    assignee = None
    if data["assignee"]:
        assignee = db.session.scalar(select(User).where(User.username_lower == data["assignee"].lower()))
        if assignee is None:
            raise NotFound(_("This user does not exist."))
    cases.assign(db.session, case, by=current_user._get_current_object(), assignee=assignee,
                 group=service.group_by_slug(db.session, data["group"]),
                 priority=data["priority"], version=data["version"])
    db.session.commit()
    return reply(_detail(case))


@bp.post("/cases/<id:case_id>/notes")
@doc("Add an internal note (staff only, never shown to anyone else)", body=NoteIn,
     response=CaseDetailOut, status=201, auth=True)
@perm.signed_in
def add_note(case_id: int):
    case = _case(case_id)
    data = json_body(NoteIn())
    cases.add_note(db.session, case, by=current_user._get_current_object(), body=data["body"])
    db.session.commit()
    return reply(_detail(case), 201)


@bp.post("/cases/<id:case_id>/transition")
@doc("Move a case: start, wait_customer, resolve or reopen (409 when not allowed)",
     body=TransitionIn, response=CaseDetailOut, auth=True)
@perm.signed_in
def transition(case_id: int):
    case = _case(case_id)
    data = json_body(TransitionIn())
    cases.transition(db.session, case, data["action"], by=current_user._get_current_object(),
                     version=data["version"])
    db.session.commit()
    return reply(_detail(case))


@bp.get("/cases/<id:case_id>/suggested-experts")
@doc("Experts suggested for a case, with the reasons (staff)", response=SuggestionOut,
     many=True, auth=True)
@perm.signed_in
def suggested(case_id: int):
    case = _case(case_id)
    return reply({"items": SuggestionOut(many=True).dump(routing.suggested_experts(db.session, case))})


@bp.get("/groups")
@doc("Expert groups (staff)", response=GroupOut, many=True, auth=True)
@perm.requires(perm.check_case_access)
def list_groups():
    items = db.session.scalars(select(ExpertGroup).order_by(ExpertGroup.name))
    return reply({"items": GroupOut(many=True).dump(items)})


@bp.post("/groups")
@doc("Create an expert group (admins)", body=GroupIn, response=GroupOut, status=201, auth=True)
@perm.requires(perm.check_case_access, perm.check_admin)
def create_group():
    user = signed_in_user()
    data = json_body(GroupIn())
    group = groups.save_group(db.session, by=user, **data)
    db.session.commit()
    return reply(GroupOut().dump(group), 201)

