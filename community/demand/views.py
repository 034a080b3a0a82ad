"""Pages: the idea page's demand panel and its staff forms (link a question or a case,
unlink), and the question's "Link to an idea" chooser (staff)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions as perm
from ..errors import NotFound
from ..extensions import db
from ..lookups import thread_or_404
from ..models import Case
from ..schemas import load_form, query_choices
from ..web.helpers import thread_url
from . import reading, service
from .schemas import DemandRefIn, IdeaPickIn, IdeaSearchArgs

bp = Blueprint("demand", __name__)


def panel(thread) -> dict:
    """What the thread page shows of the links (templates/demand/_panel.html); the same
    rows are in the page cache's key (community/web/page_cache.py)."""
    rows = reading.link_rows(db.session.connection(), thread.id)
    asked = reading.readable_links(current_user, rows, "asked")
    staff = perm.can_work_cases(current_user)
    return {
        "asked": asked, "customers": reading.customers(asked), "staff": staff,
        "ideas": reading.readable_links(current_user, rows, "idea"),
        "tiers": reading.tier_breakdown(asked)
        if staff and thread.kind == "idea" else None,
    }


def _idea_or_404(idea_id: int, **_ignored):
    return thread_or_404(idea_id)


def _back(idea):
    return redirect(thread_url(idea), code=303)


@bp.post("/ideas/<id:idea_id>/demand")
@perm.requires(found_first=_idea_or_404)
def link(idea_id: int):
    idea = _idea_or_404(idea_id)
    perm.check_link_demand(current_user, idea)
    service.link_reference(db.session, idea, load_form(DemandRefIn())["ref"], by=current_user)
    db.session.commit()
    flash(_("Linked to this idea."))
    return _back(idea)


@bp.post("/ideas/<id:idea_id>/demand/<id:thread_id>/unlink")
@perm.requires(found_first=_idea_or_404)
def unlink(idea_id: int, thread_id: int):
    idea = _idea_or_404(idea_id)
    service.unlink_thread(db.session, idea, thread_id, by=current_user)
    db.session.commit()
    flash(_("The link was removed."))
    return _back(idea)


@bp.post("/ideas/<id:idea_id>/demand/cases/<id:case_id>/unlink")
@perm.requires(found_first=_idea_or_404)
def unlink_case(idea_id: int, case_id: int):
    idea = _idea_or_404(idea_id)
    service.unlink_case(db.session, idea, case_id, by=current_user)
    db.session.commit()
    flash(_("The link was removed."))
    return _back(idea)


def _case_of(thread, case_id: int | None) -> Case | None:
    if case_id is None:
        return None
    case = db.session.get(Case, case_id)
    if case is None or case.thread_id != thread.id:
        raise NotFound(_("This case does not exist."))
    return case


@bp.get("/threads/<id:thread_id>/ideas")
@perm.requires(perm.require_staff)
def choose_idea(thread_id: int):
    thread = thread_or_404(thread_id)
    args = query_choices(IdeaSearchArgs)
    case = _case_of(thread, args["case"])
    found = service.find_ideas(db.session, current_user, args["q"]) if args["q"].strip() else []
    return render_template("demand/choose_idea.html", thread=thread, case=case, q=args["q"],
                           found=found)


@bp.post("/threads/<id:thread_id>/ideas")
@perm.requires(perm.require_staff)
def pick_idea(thread_id: int):
    thread = thread_or_404(thread_id)
    data = load_form(IdeaPickIn())
    case = _case_of(thread, data["case"])
    idea = thread_or_404(data["idea_id"])
    if case is not None:
        service.link_case(db.session, idea, case, by=current_user)
    else:
        service.link_thread(db.session, idea, thread, by=current_user)
    db.session.commit()
    flash(_("Linked to the idea “%(title)s”.", title=idea.title))
    if case is not None:
        return redirect(url_for("escalation.case_page", case_id=case.id), code=303)
    return redirect(thread_url(thread), code=303)
