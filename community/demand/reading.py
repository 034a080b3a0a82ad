"""What an idea page and a question page show of the links: one Core query per page
(its rows are part of the thread page cache's key), then the reader's filter."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import bindparam, func, literal, null, select, union_all

from .. import permissions as perm
from ..key_reads import TypedRead
from ..models import Case, IdeaDemand, Organisation, Space, Thread, User

_D, _C, _T, _S, _U, _O = (IdeaDemand.__table__, Case.__table__, Thread.__table__,
                          Space.__table__, User.__table__, Organisation.__table__)
_TID = bindparam("tid")
# The question a link stands for: the linked question, or the case's question.
_ASKED = func.coalesce(_D.c.thread_id, _C.c.thread_id)
_COLUMNS = ("direction", "demand_id", "case_id", "other_id", "title", "kind", "visibility",
            "deleted_at", "author_id", "author_role", "author_tier", "idea_status", "created_at")


def _side(direction: str, other, where):
    columns = (literal(direction), _D.c.id, _D.c.case_id, other.c.id, other.c.title,
               other.c.kind, _S.c.visibility, other.c.deleted_at, other.c.author_id, _U.c.role,
               _O.c.tier, other.c.idea_status if direction == "idea" else null(), _D.c.created_at)
    return (select(*(c.label(name) for c, name in zip(columns, _COLUMNS, strict=True)))
            .select_from(_D.outerjoin(_C, _C.c.id == _D.c.case_id)
                         .join(other, other.c.id == (_ASKED if direction == "asked"
                                                     else _D.c.idea_id))
                         .join(_S, _S.c.id == other.c.space_id)
                         .join(_U, _U.c.id == other.c.author_id)
                         .outerjoin(_O, _O.c.id == _U.c.organisation_id))
            .where(where))


# "asked": the questions and cases behind this idea; "idea": the ideas this question
# (or its cases) asked for.
LINKS = union_all(
    _side("asked", _T.alias("asked"), _D.c.idea_id == _TID),
    _side("idea", _T.alias("idea"), _ASKED == _TID),
).order_by("created_at", "demand_id")


_LINKS_READ = TypedRead(LINKS)


def link_rows(conn, thread_id: int) -> tuple:
    """Every link touching this thread, as plain tuples (the page cache keys on them)."""
    return tuple(tuple(r) for r in _LINKS_READ.rows(conn, tid=thread_id))


@dataclass(frozen=True)
class Link:
    case_id: int | None
    thread_id: int
    title: str
    kind: str
    idea_status: str | None
    author_id: int
    author_role: str
    author_tier: str | None


def readable_links(reader, rows, direction: str) -> list[Link]:
    """The links of one direction the reader may see. A case is staff-only: to anyone
    else it shows as its question, once (unreadable is invisible)."""
    staff = perm.can_work_cases(reader)
    out: list[Link] = []
    seen: set[int] = set()
    for row in rows:
        r = dict(zip(_COLUMNS, row, strict=True))
        if r["direction"] != direction or not perm.can_read(reader, r["visibility"],
                                                            r["deleted_at"]):
            continue
        case_id = r["case_id"] if staff else None
        if case_id is None and r["other_id"] in seen:
            continue
        if case_id is None:
            seen.add(r["other_id"])
        out.append(Link(case_id, r["other_id"], r["title"], r["kind"],
                        r["idea_status"], r["author_id"], r["author_role"], r["author_tier"]))
    return out


def customers(links: list[Link]) -> int:
    """Distinct customers (members, not staff) who asked, among the links shown."""
    return len({link.author_id for link in links if link.author_role == "member"})


def tier_breakdown(links: list[Link]) -> list[tuple[str, int]]:
    """Which organisation tiers want it (staff only): ``[(tier, customers)]``, most first.
    The tier comes with the link rows, so a membership change also changes the page
    cache's key."""
    askers = {link.author_id: link.author_tier for link in links
              if link.author_role == "member" and link.author_tier}
    tiers = Counter(askers.values())
    return sorted(tiers.items(), key=lambda item: (-item[1], item[0]))
