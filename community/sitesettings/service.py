"""Change and reset a section of the site settings, with an audit entry for each change.

Both verbs write in the caller's transaction and never commit; after the commit the
caller calls ``site_rules.changed()`` so the rest of its request reads the new rules
(other processes see them from their next request: community/site_rules.py).
Reputation already awarded is not rewritten when the points table changes: the ledger
keeps the points as awarded, and ``recompute`` rebuilds reputation from the ledger.
Levels are computed from reputation, so they follow new thresholds at once.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import site_rules
from ..errors import NotFound
from ..models import AuditEntry
from ..moderation import audit
from .sections import SECTIONS, Section

ACTIONS = ("site_settings_update", "site_settings_reset")
TARGET = "setting"


def section_or_404(name: str) -> Section:
    section = SECTIONS.get(name)
    if section is None:
        raise NotFound("")
    return section


def current(section: Section) -> dict:
    return section.flat(site_rules.value)


def defaults(section: Section) -> dict:
    return section.flat(site_rules.configured)


def overridden(section: Section) -> bool:
    stored = site_rules.overrides()
    return any(name in stored for name in section.settings)


def _reader(stored: dict):
    def read(name: str):
        base, value = site_rules.configured(name), stored.get(name)
        if value is None:
            return base
        return {**base, **value} if isinstance(base, dict) else value
    return read


def _diff(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def save(session: Session, section: Section, data: dict, *, by,
         over_defaults: bool = False) -> bool:
    """Lay ``data`` (some or all of the section's fields, already through its schema)
    over what is in force (or over the defaults) and store it; False when nothing
    changed. Values equal to the defaults drop the override, so a later change of the
    configuration applies again."""
    before = current(section)
    base = defaults(section) if over_defaults else before
    stored = section.build({**base, **data}, site_rules.value)
    after = section.flat(_reader(stored))
    if after == before:
        return False
    if after == defaults(section):
        stored = {name: None for name in section.settings}
    _write(session, section, "site_settings_update", before, after, stored, by=by)
    return True


def reset(session: Session, section: Section, *, by) -> bool:
    """Back to the configured defaults; False when the section had no override."""
    if not overridden(section):
        return False
    before, after = current(section), defaults(section)
    _write(session, section, "site_settings_reset", before, after,
           {name: None for name in section.settings}, by=by)
    return True


def _write(session, section, action, before, after, stored, *, by) -> None:
    old, new = _diff(before, after)
    site_rules.write(session, stored, by_id=by.id)
    audit.record(session, actor_id=by.id, action=action, target_type=TARGET, target_id=None,
                 section=section.name, before=old, after=new)


def history(session: Session, *, limit: int = 20) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action.in_(ACTIONS))
                                .order_by(AuditEntry.id.desc()).limit(limit)))
