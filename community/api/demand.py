"""Ideas linked to demand: docs/API-EXTENSIONS.md "Ideas linked to demand"."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions as perm
from ..demand import reading, service
from ..demand.schemas import DemandIn, DemandOut
from ..errors import NotFound
from ..extensions import db
from ..lookups import thread_or_404
from ..models import Case
from . import bp, json_body, reply, signed_in_user
from .openapi import doc


def _readable(idea_id: int, **_ignored):
    # A guest learns no more than the thread page tells them, then is asked to sign in.
    return thread_or_404(idea_id)


def _idea(idea_id: int):
    idea = thread_or_404(idea_id)
    if idea.kind != "idea":
        raise NotFound(_("This idea does not exist."))
    return idea


def _demand(idea) -> dict:
    rows = reading.link_rows(db.session.connection(), idea.id)
    links = reading.readable_links(current_user, rows, "asked")
    tiers = reading.tier_breakdown(links) if perm.can_work_cases(current_user) else None
    return DemandOut().dump({
        "idea_id": idea.id, "customers": reading.customers(links),
        "items": [{"thread_id": link.thread_id, "case_id": link.case_id, "title": link.title,
                   "url": f"/threads/{link.thread_id}"} for link in links],
        "tiers": None if tiers is None else [{"tier": t, "askers": n} for t, n in tiers]})


@bp.get("/ideas/<id:idea_id>/demand")
@doc("The questions and cases that asked for an idea, as the caller may read them, and "
     "how many customers asked", response=DemandOut)
def idea_demand(idea_id: int):
    return reply(_demand(_idea(idea_id)))


@bp.post("/ideas/<id:idea_id>/demand")
@doc("Link a question (thread_id) or a case (case_id) to an idea (staff); linking again "
     "changes nothing", body=DemandIn, response=DemandOut, status=201, auth=True)
@perm.requires(found_first=_readable)
def link_demand(idea_id: int):
    idea = _idea(idea_id)
    by = signed_in_user()
    perm.check_link_demand(by, idea)
    data = json_body(DemandIn())
    if "case_id" in data:
        service.link_case(db.session, idea, db.session.get(Case, data["case_id"]), by=by)
    else:
        service.link_thread(db.session, idea, thread_or_404(data["thread_id"]), by=by)
    db.session.commit()
    return reply(_demand(idea), 201)


@bp.delete("/ideas/<id:idea_id>/demand/<id:thread_id>")
@doc("Unlink a question from an idea (staff)", status=204, auth=True)
@perm.requires(found_first=_readable)
def unlink_demand(idea_id: int, thread_id: int):
    service.unlink_thread(db.session, _idea(idea_id), thread_id, by=signed_in_user())
    db.session.commit()
    return "", 204


@bp.delete("/ideas/<id:idea_id>/demand/cases/<id:case_id>")
@doc("Unlink a case from an idea (staff)", status=204, auth=True)
@perm.requires(found_first=_readable)
def unlink_demand_case(idea_id: int, case_id: int):
    service.unlink_case(db.session, _idea(idea_id), case_id, by=signed_in_user())
    db.session.commit()
    return "", 204
