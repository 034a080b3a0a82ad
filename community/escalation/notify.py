"""Case notifications through the verb registry. Their data carries the thread title
and the case id, never a note, a reason or any other internal text."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..notifications import notify
from ..notifications.registry import VERBS, register


def _queue_link(ref: dict) -> str:
    slug = (ref.get("data") or {}).get("group_slug")
    return f"/triage?group={slug}" if slug else "/triage?group=triage"


if "cases_queued" not in VERBS:
    # A sweep that opens or flags many cases at once sends one line per group, not one
    # per case (a worker back after a day would otherwise flood everyone).
    register("cases_queued", label=_l("Many new cases reach my group at once"),
             text=_l("%(count)s new cases in the queue of %(group)s"), link=_queue_link,
             audience="staff", recipients=_l("the group's members, or the moderators (triage)"))
    register("cases_sla_summary", label=_l("Many cases near or past their deadline at once"),
             text=_l("%(count)s cases of %(group)s are near or past their response deadline"),
             link=_queue_link, email="immediately", audience="staff",
             recipients=_l("the assignees, the group's lead and the moderators"))
if "case_answered" not in VERBS:
    register("case_answered", label=_l("An expert answers my escalated question"),
             text=_l("An expert answered “%(title)s”"), email="immediately",
             recipients=_l("the asker of a question with an open case"), rank=50)


def notify_case(session, verb: str, case, *, recipients, actor_id=None, extra=None,
                post=None, occasion=None) -> set[int]:
    data = {"title": case.thread.title, "case_id": case.id, **(extra or {})}
    return notify(session, verb, recipients=[r for r in recipients if r], actor_id=actor_id,
                  thread=case.thread, post=post, data=data, occasion=occasion)
