"""What the public sees of a case: one status line, no internal detail."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask_babel import get_locale
from flask_babel import gettext as _

from ..i18n import chosen_timezone
from ..models import Thread, utcnow
from . import rules
from .calendar import current_calendar
from .cases import can_reopen, latest_case


def can_ask_expert(user, thread: Thread, *, now: datetime | None = None, case=None) -> bool:
    """The asker's "ask an expert" button: their own open question, after the delay."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.id != thread.author_id or thread.kind != "question" or thread.is_deleted:
        return False
    if thread.accepted_post_id is not None or thread.is_closed:
        return False
    if case is not None and case.is_open:
        return False
    space_rules = rules.rules_for(thread.space)
    if not space_rules.applies_to(thread.space):
        return False
    delay = timedelta(hours=space_rules.ask_expert_after_hours)
    return (now or utcnow()) >= thread.created_at + delay


def _when(moment: datetime) -> str:
    # The reader's own time zone when they chose one, else the support team's.
    name = chosen_timezone()
    tz = ZoneInfo(name) if name else current_calendar().tz
    # The day and date (a weekday alone is ambiguous past a week), then the zone's own
    # abbreviation ("CET", "EST"; "+0530" where it has none): CLDR's "z" gives "+0100"
    # for Paris, which readers do not recognise.
    local = moment.astimezone(tz)
    when = format_datetime(local, "EEE d MMM HH:mm", tzinfo=tz, locale=str(get_locale() or "en"))
    return f"{when} {_zone_name(local)}"


def _zone_name(local: datetime) -> str:
    name = local.tzname() or ""
    if name and name[0] not in "+-":
        return name
    offset = local.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def status_line(case, now: datetime | None = None) -> str | None:
    if case is None or not case.is_open:
        return None
    team = (_("With our %(group)s team", group=case.group.name) if case.group is not None
            else _("With our community team"))
    now = now or utcnow()
    if case.state == "waiting_customer":
        return _("%(team)s — waiting for more information from the asker.", team=team)
    if case.first_response_at is not None:
        return _("%(team)s — an expert has answered.", team=team)
    due = case.first_response_due_at
    if due is None or due <= now:
        return _("%(team)s — an answer is expected soon.", team=team)
    return _("%(team)s — an answer is expected by %(when)s.", team=team, when=_when(due))


def thread_status(session, user, thread: Thread) -> dict:
    """For the thread page's templates."""
    case = latest_case(session, thread.id)
    return {
        "line": status_line(case),
        "can_ask_expert": can_ask_expert(user, thread, case=case),
        "can_reopen": case is not None and not user.is_staff and can_reopen(user, case)
        if getattr(user, "is_authenticated", False) else False,
        "case": case if getattr(user, "is_authenticated", False) and user.is_staff else None,
    }
