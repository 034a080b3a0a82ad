"""Pages: /cases (mine and my groups' queue), /cases/<id>, /triage, /admin/groups, and
the forms of the thread page (ask an expert, reopen, the staff case panel)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import permissions as perm
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..labels import CASE_ACTION_LABELS, CASE_EVENT_LABELS, CASE_STATE_LABELS, PRIORITY_LABELS
from ..models import Organisation, Thread, User
from ..models.escalation import CASE_STATES, PRIORITIES, ExpertGroup
from ..schemas import Text, load_form, page_number, query_choices, submitted, validate
from ..web.helpers import next_param, thread_url
from . import cases, groups, routing, service
from .rules import tier_labels
from .schemas import (
    AssignIn,
    CaseListArgs,
    CasePatchIn,
    EscalateIn,
    GroupFormIn,
    NoteIn,
    TransitionIn,
)


class TriageArgs(CaseListArgs):
    # Newest first: a case that just came in is never buried under older overdue ones.
    sort = Text(load_default="opened", validate=validate.OneOf(("due", "opened")))

bp = Blueprint("escalation", __name__)

PER_PAGE = 25


def _labels() -> dict:
    return {"state_labels": CASE_STATE_LABELS, "action_labels": CASE_ACTION_LABELS,
            "priority_labels": PRIORITY_LABELS, "event_labels": CASE_EVENT_LABELS,
            "states": CASE_STATES, "priorities": PRIORITIES}


@bp.get("/cases")
@perm.requires(perm.check_case_access)
def my_cases():
    user = current_user._get_current_object()
    page = page_number()
    items, total = service.list_cases(db.session, user, mine_or_groups=True, page=page,
                                      per_page=PER_PAGE)
    return render_template("cases/index.html", cases=items, total=total, page=page,
                           tier_labels=tier_labels(),
                           per_page=PER_PAGE, **_labels())


@bp.get("/triage")
@perm.requires(perm.check_case_access)
def triage():
    user = current_user._get_current_object()
    args = query_choices(TriageArgs)
    group, state, sort = args["group"], args["state"], args["sort"]
    organisation, tier = args["organisation"], args["tier"]
    page = page_number()
    items, total = service.list_cases(db.session, user, state=state, group=group, sort=sort,
                                      organisation=organisation, tier=tier,
                                      page=page, per_page=PER_PAGE)
    all_groups = list(db.session.scalars(select(ExpertGroup).order_by(ExpertGroup.name)))
    organisations = list(db.session.scalars(select(Organisation).order_by(Organisation.name)))
    return render_template("cases/triage.html", cases=items, total=total, page=page,
                           per_page=PER_PAGE, groups=all_groups, group=group, state=state,
                           sort=sort, organisations=organisations, organisation=organisation,
                           tier=tier, tier_labels=tier_labels(), **_labels())


@bp.get("/cases/<id:case_id>")
@perm.requires(perm.check_case_access)
def case_page(case_id: int):
    user = current_user._get_current_object()
    return _render_case(service.get_case(db.session, user, case_id))


def _render_case(case, *, note_body: str = "", errors=None, crm_form=None):
    case = service.load_detail(db.session, case)
    return render_template("cases/show.html", case=case, tier_labels=tier_labels(),
                           crm_form=crm_form or {"external_ref": case.external_ref or ""},
                           suggestions=routing.suggested_experts(db.session, case),
                           groups=list(db.session.scalars(select(ExpertGroup).order_by(ExpertGroup.name))),
                           allowed=[a for a in cases.ACTIONS if case.state in cases.TRANSITIONS[a]],
                           note_body=note_body, errors=errors or {}, **_labels())


def _back(case):
    # "next" here is not a path: the thread panel's forms say "thread" to go back to it.
    if next_param() == "thread":
        return redirect(thread_url(case.thread), code=303)
    return redirect(url_for("escalation.case_page", case_id=case.id), code=303)


@bp.post("/cases/<id:case_id>/assign")
# Case forms do not exist for guests either: a 404, not a sign-in prompt.
@perm.requires(perm.check_case_access, prompt_guests=False)
def assign(case_id: int):
    user = current_user._get_current_object()
    case = service.get_case(db.session, user, case_id)
    data = load_form(AssignIn())
    name = (data["assignee"] or "").strip()
    assignee = None
    if name:
        assignee = db.session.scalar(select(User).where(User.username_lower == name.lower()))
        if assignee is None:
            raise NotFound(_("This user does not exist."))
    group = service.group_by_slug(db.session, (data["group"] or "").strip() or None)
    priority = data["priority"] if data["priority"] != case.priority else None
    cases.assign(db.session, case, by=user, assignee=assignee, group=group, priority=priority,
                 version=data["version"])
    db.session.commit()
    flash(_("The case was updated."), "success")
    return _back(case)


@bp.post("/cases/<id:case_id>/transition")
# Case forms do not exist for guests either: a 404, not a sign-in prompt.
@perm.requires(perm.check_case_access, prompt_guests=False)
def transition(case_id: int):
    user = current_user._get_current_object()
    case = service.get_case(db.session, user, case_id)
    data = load_form(TransitionIn())
    cases.transition(db.session, case, data["action"], by=user, version=data["version"])
    db.session.commit()
    flash(_("The case is now: %(state)s.", state=CASE_STATE_LABELS[case.state]), "success")
    return _back(case)


@bp.post("/cases/<id:case_id>/update")
# Case forms do not exist for guests either: a 404, not a sign-in prompt.
@perm.requires(perm.check_case_access, prompt_guests=False)
def update(case_id: int):
    """The case page's CRM form: the CRM's reference and the priority."""
    user = current_user._get_current_object()
    case = service.get_case(db.session, user, case_id)
    try:
        cases.update(db.session, case, by=user, **load_form(CasePatchIn()))
    except ValidationFailed as exc:
        db.session.rollback()
        return _render_case(case, errors=exc.fields, crm_form=submitted("external_ref")), 422
    db.session.commit()
    return _back(case)


@bp.post("/cases/<id:case_id>/notes")
# Case forms do not exist for guests either: a 404, not a sign-in prompt.
@perm.requires(perm.check_case_access, prompt_guests=False)
def add_note(case_id: int):
    user = current_user._get_current_object()
    case = service.get_case(db.session, user, case_id)
    try:
        cases.add_note(db.session, case, by=user, body=load_form(NoteIn())["body"])
    except ValidationFailed as exc:
        # Shown on the case page (it has the same form) with the text kept.
        db.session.rollback()
        return _render_case(case, note_body=submitted("body")["body"], errors=exc.fields), 422
    db.session.commit()
    flash(_("The internal note was added: only staff see it."), "success")
    return _back(case)


@bp.post("/threads/<id:thread_id>/escalate")
@perm.signed_in
def escalate(thread_id: int):
    user = current_user._get_current_object()
    thread = perm.require_thread(user, db.session.get(Thread, thread_id))
    data = load_form(EscalateIn())
    service.escalate(db.session, thread, by=user, reason=data["reason"],
                     group=data["group"] if perm.can_work_cases(user) else None)
    db.session.commit()
    flash(_("A case was opened: an expert will look at this thread."), "success")
    return redirect(thread_url(thread), code=303)


@bp.post("/threads/<id:thread_id>/reopen-case")
@perm.signed_in
def reopen(thread_id: int):
    user = current_user._get_current_object()
    thread = perm.require_thread(user, db.session.get(Thread, thread_id))
    case = cases.latest_case(db.session, thread.id)
    if case is None:
        raise NotFound(_("This case does not exist."))
    cases.transition(db.session, case, "reopen", by=user)
    db.session.commit()
    flash(_("The case is open again."), "success")
    return redirect(thread_url(thread), code=303)


# --- admin: expert groups -----------------------------------------------------------------

@bp.route("/admin/groups", methods=["GET", "POST"])
@perm.requires(perm.require_admin)
def admin_groups():
    user = current_user._get_current_object()
    form, errors, status = {}, {}, 200
    if request.method == "POST":
        form = submitted(*_GROUP_FIELDS)
        status = _save(user, None, errors)
        if status == 303:
            return redirect(url_for("escalation.admin_groups"), code=303)
    items = list(db.session.scalars(select(ExpertGroup).order_by(ExpertGroup.name)))
    return render_template("escalation/groups.html", groups=items, form=form,
                           errors=errors), status


@bp.route("/admin/groups/<slug>", methods=["GET", "POST"])
@perm.requires(perm.require_admin)
def admin_group(slug: str):
    user = current_user._get_current_object()
    group = service.group_by_slug(db.session, slug[:50])
    errors, status = {}, 200
    form = {"slug": group.slug, "name": group.name, "tags": " ".join(group.tags),
            "spaces": " ".join(group.spaces),
            "members": " ".join(m.user.username for m in group.members),
            "leads": " ".join(m.user.username for m in group.members if m.is_lead),
            "out_of_office": " ".join(m.user.username for m in group.members if m.out_of_office)}
    if request.method == "POST":
        form = {**submitted(*_GROUP_FIELDS), "slug": group.slug}
        status = _save(user, group, errors)
        if status == 303:
            return redirect(url_for("escalation.admin_group", slug=group.slug), code=303)
    return render_template("escalation/group_edit.html", group=group, form=form,
                           errors=errors), status


_GROUP_FIELDS = ("slug", "name", "tags", "spaces", "members", "leads", "out_of_office")


def _save(user, group, errors: dict) -> int:
    try:
        # An existing group keeps its slug (the URL names it).
        data = load_form(GroupFormIn(), **({"slug": group.slug} if group else {}))
        groups.save_group(db.session, by=user, group=group, **data)
        db.session.commit()
        return 303
    except ValidationFailed as exc:
        db.session.rollback()
        errors.update(exc.fields or {"_": [exc.message]})
        return 422
