"""Levels by reputation, from ``LEVELS`` [(number, name, minimum), …] (the site
settings' override, else the configuration)."""

from __future__ import annotations

from .. import site_rules


def levels() -> list[tuple[int, str, int]]:
    return sorted(site_rules.value("LEVELS"), key=lambda row: row[2])


def level_for(reputation: int) -> dict:
    number, name, _floor = levels()[0]
    for n, label, floor in levels():
        if reputation >= floor:
            number, name = n, label
    return {"number": number, "name": name}


def level_number(reputation: int) -> int:
    return level_for(reputation)["number"]


def next_level(reputation: int) -> dict | None:
    """The next level and the reputation it needs, for a progress hint."""
    for n, label, floor in levels():
        if reputation < floor:
            return {"number": n, "name": label, "reputation": floor}
    return None
