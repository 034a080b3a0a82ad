"""Escalation rules and SLA targets as data: defaults here (DESIGN.md), overrides in
configuration (``ESCALATION``), per space in ``ESCALATION_SPACES``.

    ESCALATION = {"no_answer_hours": 12}
    ESCALATION_SPACES = {"billing": {"no_answer_hours": 4}, "lounge": {"enabled": False}}
    ESCALATION_SPACES = {"coffee": {"imported": True}}  # imported threads may become cases

Customer tiers (``ORGANISATION_TIERS``) shorten the first-response target of the cases
of their organisations' members.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from flask import current_app

from .. import site_rules

DEFAULTS = {
    "enabled": True,
    # A question with no answer at all after this many hours becomes a case.
    "no_answer_hours": 24.0,
    # A question with no accepted answer and no staff reply after this many hours.
    "no_staff_reply_hours": 72.0,
    # The asker's "ask an expert" button appears after this many hours.
    "ask_expert_after_hours": 2.0,
    # Only spaces customers can see are watched (public and members).
    "visibilities": ("public", "members"),
    # Imported threads (a Stack Exchange dump: Thread.external_id is set) are history,
    # not work: the sweep leaves them alone unless a space says otherwise.
    "imported": False,
}
SLA_DEFAULTS = {
    # First staff response due within this many business hours, per priority.
    "first_response_hours": {"urgent": 2, "high": 4, "normal": 8, "low": 16},
    "warn_ratio": 0.75,
    # How long after a resolution the asker may reopen the case.
    "reopen_days": 7,
}
CALENDAR_DEFAULTS = {
    "timezone": "UTC",
    "workdays": [0, 1, 2, 3, 4],  # Monday = 0
    "hours": ["09:00", "17:00"],
    # Working days with other hours than ``hours``: {"4": ["09:00", "12:00"]} (Friday).
    "day_hours": {},
    "holidays": [],  # ISO dates, local to the calendar's time zone
}


@dataclass(frozen=True)
class Rules:
    enabled: bool
    no_answer_hours: float
    no_staff_reply_hours: float
    ask_expert_after_hours: float
    visibilities: tuple
    imported: bool = False

    def applies_to(self, space) -> bool:
        return self.enabled and space.visibility in self.visibilities


def default_rules() -> Rules:
    merged = {**DEFAULTS, **site_rules.value("ESCALATION")}
    merged["visibilities"] = tuple(merged["visibilities"])
    names = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in merged.items() if k in names})


def rules_for(space) -> Rules:
    base = default_rules()
    override = current_app.config["ESCALATION_SPACES"].get(space.slug)
    if not override:
        return base
    names = {f.name for f in fields(Rules)}
    return replace(base, **{k: v for k, v in override.items() if k in names})


def space_overrides() -> dict[str, Rules]:
    base = default_rules()
    names = {f.name for f in fields(Rules)}
    return {slug: replace(base, **{k: v for k, v in o.items() if k in names})
            for slug, o in current_app.config["ESCALATION_SPACES"].items()}


def sla() -> dict:
    merged = {**SLA_DEFAULTS, **site_rules.value("ESCALATION_SLA")}
    merged["first_response_hours"] = {**SLA_DEFAULTS["first_response_hours"],
                                      **merged["first_response_hours"]}
    return merged


def calendar_settings() -> dict:
    return {**CALENDAR_DEFAULTS, **site_rules.value("ESCALATION_CALENDAR")}


def tiers() -> dict:
    """The customer tiers, by name (``ORGANISATION_TIERS``)."""
    return current_app.config["ORGANISATION_TIERS"]


def target_hours(priority: str, tier: str | None = None) -> float:
    """Business hours to a first response: the priority's target, or the asker's tier's
    when it is shorter (a tier promises at most that long; urgency only brings it in).
    A tier missing from the settings (renamed since) counts as no tier."""
    hours = float(sla()["first_response_hours"][priority])
    promised = (tiers().get(tier) or {}).get("first_response_hours") if tier else None
    return min(hours, float(promised)) if promised is not None else hours


def tier_labels() -> dict[str, str]:
    """Each tier's name as shown to staff: its ``label`` setting, the default tiers'
    translated names, else the key."""
    from ..labels import TIER_LABELS

    return {name: str((spec or {}).get("label") or TIER_LABELS.get(name) or name)
            for name, spec in tiers().items()}
