"""Pages: /cases (mine and my groups' queue), /cases/<id>, /triage, /admin/groups, and
the forms of the thread page (ask an expert, reopen, the staff case panel)."""

from __future__ import annotations

import re

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import permissions as perm
from ..errors import NotFound
from ..extensions import db
from ..labels import CASE_ACTION_LABELS, CASE_EVENT_LABELS, CASE_STATE_LABELS, PRIORITY_LABELS
from ..models import Thread, User
from ..models.escalation import CASE_STATES, PRIORITIES, ExpertGroup
from ..web.helpers import page_number, thread_url
from . import cases, groups, routing, service

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
                           per_page=PER_PAGE, **_labels())


@bp.get("/triage")
@perm.requires(perm.check_case_access)
def triage():
    user = current_user._get_current_object()
    group = request.args.get("group") or None
    state = request.args.get("state") or None
    state = state if state in CASE_STATES else None
    # Newest first: a case that just came in is never buried under older overdue ones.
    sort = "due" if request.args.get("sort") == "due" else "opened"
    page = page_number()
    items, total = service.list_cases(db.session, user, state=state, group=group, sort=sort,
                                      page=page, per_page=PER_PAGE)
    all_groups = list(db.session.scalars(select(ExpertGroup).order_by(ExpertGroup.name)))
    return render_template("cases/triage.html", cases=items, total=total, page=page,
                           per_page=PER_PAGE, groups=all_groups, group=group, state=state,
                           sort=sort, **_labels())


@bp.get("/cases/<id:case_id>")
@perm.requires(perm.check_case_access)
def case_page(case_id: int):
    user = current_user._get_current_object()
    case = service.load_detail(db.session, service.get_case(db.session, user, case_id))
    return render_template("cases/show.html", case=case,
                           suggestions=routing.suggested_experts(db.session, case),
                           groups=list(db.session.scalars(select(ExpertGroup).order_by(ExpertGroup.name))),
                           allowed=[a for a in cases.ACTIONS if case.state in cases.TRANSITIONS[a]],
                           **_labels())


def _back(case):
    target = request.form.get("next") or ""
    if target == "thread":
        return redirect(thread_url(case.thread), code=303)
    return redirect(url_for("escalation.case_page", case_id=case.id), code=303)


def _version() -> int | None:
    raw = request.form.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


@bp.post("/cases/<id:case_id>/assign")
# Case forms do not exist for guests either: a 404, not a sign-in prompt.
@perm.requires(perm.check_case_access, prompt_guests=False)
def assign(case_id: int):
    user = current_user._get_current_object()
    case = service.get_case(db.session, user, case_id)
    name = (request.form.get("assignee") or "").strip()
    assignee = None
    if name:
        assignee = db.session.scalar(select(User).where(User.username_lower == name.lower()[:30]))
        if assignee is None:
            raise NotFound(_("This user does not exist."))
    group = service.group_by_slug(db.session, (request.form.get("group") or "").strip()[:50] or None)
    priority = request.form.get("priority") or None
    if priority == case.priority:
        priority = None
    cases.assign(db.session, case, by=user, assignee=assignee, group=group, priority=priority,
                 version=_version())
    db.session.commit()
    return _back(case)


@bp.post("/cases/<id:case_id>/transition")
# Case forms do not exist for guests either: a 404, not a sign-in prompt.
@perm.requires(perm.check_case_access, prompt_guests=False)
def transition(case_id: int):
    user = current_user._get_current_object()
    case = service.get_case(db.session, user, case_id)
    cases.transition(db.session, case, request.form.get("action", ""), by=user, version=_version())
    db.session.commit()
    return _back(case)


@bp.post("/cases/<id:case_id>/notes")
# Case forms do not exist for guests either: a 404, not a sign-in prompt.
@perm.requires(perm.check_case_access, prompt_guests=False)
def add_note(case_id: int):
    user = current_user._get_current_object()
    case = service.get_case(db.session, user, case_id)
    cases.add_note(db.session, case, by=user, body=request.form.get("body", ""))
    db.session.commit()
    return _back(case)


@bp.post("/threads/<id:thread_id>/escalate")
@perm.signed_in
def escalate(thread_id: int):
    user = current_user._get_current_object()
    thread = perm.require_thread(user, db.session.get(Thread, thread_id))
    service.escalate(db.session, thread, by=user,
                     reason=(request.form.get("reason") or "")[:500] or None,
                     group=(request.form.get("group") or None) if perm.can_work_cases(user) else None)
    db.session.commit()
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
    return redirect(thread_url(thread), code=303)


# --- admin: expert groups -----------------------------------------------------------------

def _names(raw: str) -> list[str]:
    return [n for n in re.split(r"[,\s]+", raw or "") if n][:200]


@bp.route("/admin/groups", methods=["GET", "POST"])
@perm.requires(perm.require_admin)
def admin_groups():
    user = current_user._get_current_object()
    form, errors, status = {}, {}, 200
    if request.method == "POST":
        form = request.form.to_dict()
        status = _save(user, form, None, errors)
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
        form = {**request.form.to_dict(), "slug": group.slug}
        status = _save(user, form, group, errors)
        if status == 303:
            return redirect(url_for("escalation.admin_group", slug=group.slug), code=303)
    return render_template("escalation/group_edit.html", group=group, form=form,
                           errors=errors), status


def _save(user, form: dict, group, errors: dict) -> int:
    from ..errors import ValidationFailed
    from ..schemas import load
    from .schemas import GroupIn

    try:
        data = load(GroupIn(), {"slug": form.get("slug", ""), "name": form.get("name", ""),
                                "tags": _names(form.get("tags", "")),
                                "spaces": _names(form.get("spaces", "")),
                                "members": _names(form.get("members", "")),
                                "leads": _names(form.get("leads", ""))})
        groups.save_group(db.session, by=user, group=group,
                          out_of_office=_names(form.get("out_of_office", "")), **data)
        db.session.commit()
        return 303
    except ValidationFailed as exc:
        db.session.rollback()
        errors.update(exc.fields or {"_": [exc.message]})
        return 422
