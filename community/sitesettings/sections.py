"""The sections of the site settings page: their fields, schemas and checks.

Each section shows a few rule settings as flat form fields (``min_2``, ``upvote``,
``post_new``…) and turns them back into the stored shape of those settings (``LEVELS``
as a list, the others as dicts). ``flat(read)`` gives the fields from a reader of
settings: ``site_rules.value`` for what is in force, ``site_rules.configured`` for the
defaults the page offers to go back to. The same schemas read the form and the API's
JSON; ``check`` adds what one field alone cannot say (thresholds that increase, hours
that end after they start), always naming the field.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, time
from functools import cache

from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from limits import parse_many
from marshmallow import fields, validate

from .. import lengths
from ..errors import ValidationFailed
from ..escalation import rules as escalation_rules
from ..gamification.rules import DEFAULT_RULES
from ..labels import PRIORITY_LABELS
from ..names import check_line
from ..schemas import AtMost, In, Text

MAX_REPUTATION = 10_000_000
MAX_HOURS = 24 * 365
FLOOD_CATEGORIES = ("post", "thread", "vote", "flag", "search")
# Field suffix -> the setting holding that scope's limits.
FLOOD_SCOPES = (("", "FLOOD_LIMITS"), ("_new", "NEW_MEMBER_LIMITS"), ("_ip", "FLOOD_LIMITS_PER_IP"))
PRIORITIES = ("urgent", "high", "normal", "low")
WEEKDAYS = range(7)

PRIVILEGE_LABELS = {
    "upvote": _l("Vote up"), "downvote": _l("Vote down"),
    "edit_others": _l("Edit other people's posts"), "close": _l("Close or mark as duplicate"),
}
RULE_LABELS = {
    "answer_upvoted": _l("Answer voted up"), "question_upvoted": _l("Question or idea voted up"),
    "reply_upvoted": _l("Reply voted up"), "thread_upvoted": _l("Discussion voted up"),
    "answer_accepted": _l("Answer accepted"), "accepting": _l("Accepting an answer"),
    "downvote_received": _l("Voted down"), "downvote_cast": _l("Voting down"),
    "idea_shipped": _l("Idea shipped"),
}
FLOOD_LABELS = {"post": _l("Answers and replies"), "thread": _l("New threads"),
                "vote": _l("Votes"), "flag": _l("Flags"), "search": _l("Searches")}
SCOPE_LABELS = {"": _l("everyone, per account"), "_new": _l("new members, on top"),
                "_ip": _l("per address")}


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str  # int, float, text, rate, bool, time, timezone, dates
    group: str = ""


@cache
def timezones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def _fail(errors: dict) -> None:
    if errors:
        names = ", ".join(sorted(errors))
        raise ValidationFailed(_("Some fields are not valid: %(names)s.", names=names), errors)


class Section:
    name = ""
    title = _l("")
    settings: tuple[str, ...] = ()

    def fields(self, read) -> list[Field]:
        raise NotImplementedError

    def flat(self, read) -> dict:
        raise NotImplementedError

    def schema(self, read) -> In:
        raise NotImplementedError

    def build(self, flat: dict, read) -> dict:
        """Checked fields -> {setting: stored value}; ValidationFailed names the field."""
        raise NotImplementedError


def _schema(name: str, declared: dict, *, reader=None) -> In:
    attrs = dict(declared)
    if reader is not None:
        attrs["from_form"] = staticmethod(reader)
    return type(name, (In,), attrs)()


def _whole(lo: int, hi: int):
    return fields.Integer(strict=False, validate=validate.Range(min=lo, max=hi))


def _hours():
    return fields.Float(allow_nan=False, validate=validate.Range(min=0.01, max=MAX_HOURS))


class Levels(Section):
    name, title, settings = "levels", _l("Levels"), ("LEVELS",)

    def _numbers(self, read) -> list[int]:
        return [int(row[0]) for row in sorted(read("LEVELS"), key=lambda row: row[0])]

    def fields(self, read):
        out = []
        for n in self._numbers(read):
            group = _("Level %(n)s", n=n)
            out += [Field(f"name_{n}", _("Name"), "text", group),
                    Field(f"min_{n}", _("From (reputation)"), "int", group)]
        return out

    def flat(self, read):
        out = {}
        for n, label, floor in read("LEVELS"):
            out[f"name_{n}"], out[f"min_{n}"] = label, int(floor)
        return out

    def schema(self, read):
        declared = {}
        for n in self._numbers(read):
            declared[f"name_{n}"] = Text(validate=AtMost(lengths.LEVEL_NAME_MAX))
            declared[f"min_{n}"] = _whole(0, MAX_REPUTATION)
        return _schema("LevelsIn", declared)

    def build(self, flat, read):
        errors: dict = {}
        rows, previous = [], None
        for n in self._numbers(read):
            name = check_line(errors, f"name_{n}", flat[f"name_{n}"])
            if not name:
                errors.setdefault(f"name_{n}", []).append(_("Give this level a name."))
            floor = flat[f"min_{n}"]
            if previous is not None and floor <= previous[1]:
                errors.setdefault(f"min_{n}", []).append(
                    _("Thresholds must increase: level %(n)s starts at %(rep)s.",
                      n=previous[0], rep=previous[1]))
            previous = (n, floor)
            rows.append([n, name, floor])
        _fail(errors)
        return {"LEVELS": rows}


class Privileges(Section):
    name, title, settings = "privileges", _l("Privileges"), ("PRIVILEGES",)

    def fields(self, read):
        return [Field(key, str(PRIVILEGE_LABELS.get(key, key)), "int")
                for key in sorted(read("PRIVILEGES"))]

    def flat(self, read):
        return {key: int(v) for key, v in read("PRIVILEGES").items()}

    def schema(self, read):
        return _schema("PrivilegesIn", {key: _whole(0, MAX_REPUTATION)
                                        for key in read("PRIVILEGES")})

    def build(self, flat, read):
        return {"PRIVILEGES": dict(flat)}


class Reputation(Section):
    name, title, settings = "reputation", _l("Reputation rules"), ("REPUTATION_RULES",)

    def fields(self, read):
        return [Field(rule, str(RULE_LABELS.get(rule, rule)), "int") for rule in DEFAULT_RULES]

    def flat(self, read):
        merged = {**DEFAULT_RULES, **read("REPUTATION_RULES")}
        return {rule: int(merged[rule]) for rule in DEFAULT_RULES}

    def schema(self, read):
        return _schema("ReputationIn", {rule: _whole(-1000, 1000) for rule in DEFAULT_RULES})

    def build(self, flat, read):
        return {"REPUTATION_RULES": dict(flat)}


def check_rate(errors: dict, field: str, text: str) -> str:
    """A flood limit as ``limits`` reads it ("5 per minute;50 per hour"); empty: none."""
    text = " ".join(text.split())
    if not text:
        return ""
    try:
        items = parse_many(text)
    except ValueError:
        items = []
    if not items:
        errors.setdefault(field, []).append(
            _('Write limits as "5 per minute", several separated by ";".'))
    elif any(item.amount < 1 for item in items):
        errors.setdefault(field, []).append(_("A limit allows at least 1."))
    return text


class FloodLimits(Section):
    name, title = "flood_limits", _l("Flood limits")
    settings = tuple(setting for _suffix, setting in FLOOD_SCOPES)

    def fields(self, read):
        return [Field(f"{cat}{suffix}", str(SCOPE_LABELS[suffix]), "rate", str(FLOOD_LABELS[cat]))
                for cat in FLOOD_CATEGORIES for suffix, _setting in FLOOD_SCOPES]

    def flat(self, read):
        return {f"{cat}{suffix}": read(setting).get(cat) or ""
                for cat in FLOOD_CATEGORIES for suffix, setting in FLOOD_SCOPES}

    def schema(self, read):
        return _schema("FloodLimitsIn", {
            f"{cat}{suffix}": Text(validate=AtMost(lengths.RATE_LIMIT_TEXT_MAX))
            for cat in FLOOD_CATEGORIES for suffix, _setting in FLOOD_SCOPES})

    def build(self, flat, read):
        errors: dict = {}
        out: dict = {setting: {} for _suffix, setting in FLOOD_SCOPES}
        for cat in FLOOD_CATEGORIES:
            for suffix, setting in FLOOD_SCOPES:
                # An empty box is no limit: stored as "" so it hides the configured one.
                out[setting][cat] = check_rate(errors, f"{cat}{suffix}", flat[f"{cat}{suffix}"])
        _fail(errors)
        return out


class Escalation(Section):
    name, title, settings = "escalation", _l("Escalation"), ("ESCALATION", "ESCALATION_SLA")
    DELAYS = {"no_answer_hours": _l("A question with no answer becomes a case after (hours)"),
              "no_staff_reply_hours": _l("A question with no accepted answer and no staff "
                                         "reply becomes a case after (hours)"),
              "ask_expert_after_hours": _l("The asker may ask an expert after (hours)")}

    def fields(self, read):
        out = [Field(key, str(label), "float") for key, label in self.DELAYS.items()]
        out += [Field(f"first_response_{p}", str(PRIORITY_LABELS[p]), "float",
                      _("First response due within (business hours)")) for p in PRIORITIES]
        out.append(Field("warn_percent", _("Warn staff at (percent of the target)"), "int"))
        return out

    def flat(self, read):
        rules = {**escalation_rules.DEFAULTS, **read("ESCALATION")}
        sla = {**escalation_rules.SLA_DEFAULTS, **read("ESCALATION_SLA")}
        targets = {**escalation_rules.SLA_DEFAULTS["first_response_hours"],
                   **sla["first_response_hours"]}
        out = {key: float(rules[key]) for key in self.DELAYS}
        out.update({f"first_response_{p}": float(targets[p]) for p in PRIORITIES})
        out["warn_percent"] = round(float(sla["warn_ratio"]) * 100)
        return out

    def schema(self, read):
        declared = {key: _hours() for key in self.DELAYS}
        declared.update({f"first_response_{p}": _hours() for p in PRIORITIES})
        declared["warn_percent"] = _whole(1, 99)
        return _schema("EscalationIn", declared)

    def build(self, flat, read):
        return {"ESCALATION": {key: flat[key] for key in self.DELAYS},
                "ESCALATION_SLA": {
                    "first_response_hours": {p: flat[f"first_response_{p}"] for p in PRIORITIES},
                    "warn_ratio": flat["warn_percent"] / 100}}


def _calendar_form(form) -> dict:
    # An unticked box sends nothing: on this form that means a day off, not "unchanged".
    from ..schemas import from_multidict

    data = from_multidict(Calendar().schema(None), form)
    for d in WEEKDAYS:
        data.setdefault(f"open_{d}", False)
    return data


class Calendar(Section):
    name, title, settings = "calendar", _l("SLA calendar"), ("ESCALATION_CALENDAR",)

    def fields(self, read):
        days = get_day_names("wide", locale=get_locale())
        out = [Field("timezone", _("Time zone"), "timezone")]
        for d in WEEKDAYS:
            day = days[d].capitalize()
            out += [Field(f"open_{d}", _("Open"), "bool", day),
                    Field(f"start_{d}", _("From"), "time", day),
                    Field(f"end_{d}", _("To"), "time", day)]
        out.append(Field("holidays", _("Holidays (one date a line, YYYY-MM-DD)"), "dates"))
        return out

    def flat(self, read):
        cal = {**escalation_rules.CALENDAR_DEFAULTS, **read("ESCALATION_CALENDAR")}
        workdays = {int(d) for d in cal["workdays"]}
        own = {int(d): h for d, h in (cal.get("day_hours") or {}).items()}
        out = {"timezone": cal["timezone"],
               "holidays": [str(d) for d in cal["holidays"]]}
        for d in WEEKDAYS:
            start, end = own.get(d, cal["hours"])
            out[f"open_{d}"], out[f"start_{d}"], out[f"end_{d}"] = d in workdays, start, end
        return out

    def schema(self, read):
        declared = {"timezone": Text(validate=AtMost(64)),
                    "holidays": fields.List(Text(validate=AtMost(32)),
                                            validate=validate.Length(max=366))}
        for d in WEEKDAYS:
            declared[f"open_{d}"] = fields.Boolean()
            declared[f"start_{d}"] = Text(validate=AtMost(8))
            declared[f"end_{d}"] = Text(validate=AtMost(8))
        return _schema("CalendarIn", declared, reader=_calendar_form)

    def build(self, flat, read):
        errors: dict = {}
        tz = flat["timezone"].strip()
        if tz not in timezones():
            errors["timezone"] = [_("This time zone does not exist.")]
        workdays, day_hours = [], {}
        for d in WEEKDAYS:
            if not flat[f"open_{d}"]:
                continue  # a day off's hours are not used: whatever they say is kept out
            start, end = (_parse_time(errors, f"{edge}_{d}", flat[f"{edge}_{d}"])
                          for edge in ("start", "end"))
            workdays.append(d)
            if start is not None and end is not None:
                if end <= start:
                    errors.setdefault(f"end_{d}", []).append(
                        _("The day must end after it starts."))
                day_hours[str(d)] = [start.strftime("%H:%M"), end.strftime("%H:%M")]
        if not workdays:
            errors.setdefault("open_0", []).append(_("Open at least one day a week."))
        holidays = set()
        for text in flat["holidays"]:
            try:
                holidays.add(date.fromisoformat(text.strip()).isoformat())
            except ValueError:
                errors.setdefault("holidays", []).append(
                    _("%(value)s is not a date (YYYY-MM-DD).", value=text[:32]))
        _fail(errors)
        hours = day_hours[str(workdays[0])]
        return {"ESCALATION_CALENDAR": {"timezone": tz, "workdays": workdays, "hours": hours,
                                        "day_hours": day_hours, "holidays": sorted(holidays)}}


def _parse_time(errors: dict, field: str, text: str) -> time | None:
    text = text.strip()
    try:
        if len(text) == 5 and text[2] == ":":
            return time.fromisoformat(text)
    except ValueError:
        pass
    errors.setdefault(field, []).append(_("Enter a time as HH:MM."))
    return None


SECTIONS: dict[str, Section] = {s.name: s for s in (Levels(), Privileges(), Reputation(),
                                                     FloodLimits(), Escalation(), Calendar())}
