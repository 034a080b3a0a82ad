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


def progress(reputation: int) -> dict | None:
    """How far ``reputation`` has come from its level's floor towards the next one.

    None at the top level. ``done``/``span`` feed a <progress> bar (no inline style
    under the strict CSP); ``reputation``/``target`` are the numbers shown beside it.
    """
    # A new account below the first level's floor is already at level 1: its target is 2.
    target = next_level(max(reputation, levels()[0][2]))
    if target is None:
        return None
    floors = [floor for _n, _label, floor in levels() if floor <= reputation]
    # Below the first level's floor (a new account at 0) the bar starts at 0.
    floor = floors[-1] if floors else 0
    return {"number": target["number"], "name": target["name"],
            "reputation": reputation, "target": target["reputation"], "floor": floor,
            "done": reputation - floor, "span": target["reputation"] - floor,
            "left": target["reputation"] - reputation}
