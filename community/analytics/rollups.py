"""The daily rollups that the dashboard reads instead of the timelines: counts per day
and space (``AnalyticsDaily``), the same per tag (``AnalyticsDailyTag``) and every
duration of a day's questions (``AnalyticsDailyValues``).

Percentiles are nearest-rank over a period's questions, exact to the second: a day's
durations are kept sorted and packed, so a period merges a few hundred short arrays
instead of sorting thousands of timeline rows in the database. The three tables are
counted from one read of the timelines, by the same code for the event subscribers
(one day and space) and for `recompute` (everything), which reports their drift.
"""

from __future__ import annotations

import sys
from array import array
from collections import defaultdict
from datetime import date

from sqlalchemy import delete, insert, select, tuple_, update
from sqlalchemy.orm import Session

from ..models import thread_tag
from ..models.analytics import (
    AnalyticsDaily,
    AnalyticsDailyTag,
    AnalyticsDailyValues,
    QuestionTimeline,
)

QT = QuestionTimeline
ALL_TAGS = 0  # the values row of every question of the day and space
COUNTS = ("questions", "answered", "solved", "by_peer", "by_ambassador", "by_staff", "by_case",
          "cases", "sla_met", "sla_breached", "sla_warned", "first_by_ambassador", "answers",
          "ambassador_answers")
# Each packed column and the timeline column it holds, in seconds.
VALUES = {"first_response": QT.first_response_seconds,
          "first_response_business": QT.first_response_business_seconds,
          "resolution": QT.resolution_seconds,
          "case_response_business": QT.case_response_business_seconds}
ROLLUPS = (AnalyticsDaily, AnalyticsDailyTag, AnalyticsDailyValues)
_SWAP = sys.byteorder == "big"  # stored little-endian whatever the machine


def pack(values: list[int]) -> bytes:
    packed = array("i", sorted(values))
    if _SWAP:
        packed.byteswap()
    return packed.tobytes()


def unpack(raw: bytes | None) -> array:
    values = array("i")
    if raw:
        values.frombytes(raw)
        if _SWAP:
            values.byteswap()
    return values


def _where(day_column, space_column, keys: set[tuple[date, int]] | None) -> list:
    if keys is None:
        return []
    if len(keys) == 1:  # a subscriber's case: plain equalities, quick to build and plan
        (day, space), = keys
        return [day_column == day, space_column == space]
    # The day's index narrows the rows; the pairs keep only the keys asked for.
    return [day_column.in_({d for d, _s in keys}),
            tuple_(day_column, space_column).in_(sorted(keys))]


def _tags(session: Session, keys) -> dict[int, list[int]]:
    tags: dict[int, list[int]] = defaultdict(list)
    for tid, tag in session.execute(
            select(thread_tag.c.thread_id, thread_tag.c.tag_id)
            .join(QT, QT.thread_id == thread_tag.c.thread_id).where(*_where(QT.asked_day, QT.space_id, keys))):
        tags[tid].append(tag)
    return tags


def _counts(r) -> tuple[int, ...]:
    """One question's contribution to ``COUNTS``, from a row of ``_FACTS``."""
    return (1, r[3] is not None, r[4] is not None, r[5] == "peer", r[5] == "ambassador",
            r[5] == "staff", r[5] == "case", r[6] is not None, r[7] == "met", r[7] == "breached",
            r[8] is True, r[9] == "ambassador", r[10] or 0, r[11] or 0)


_FACTS = (QT.thread_id, QT.asked_day, QT.space_id, QT.first_response_at, QT.solved_at,
          QT.resolution, QT.case_id, QT.sla, QT.sla_warned, QT.first_response_kind, QT.answers,
          QT.ambassador_answers, *VALUES.values())
_FIRST_VALUE = len(_FACTS) - len(VALUES)


def expected(session: Session, keys) -> tuple[dict, dict]:
    """The counts and the packed durations the timelines of ``keys`` (all when None)
    give, from one read of them: {(tag, day, space): {column: value}} each, tag
    ``ALL_TAGS`` for every question of the day and space."""
    tags = _tags(session, keys)
    counts: dict[tuple[int, date, int], list[int]] = {}
    lists: dict[tuple[int, date, int], list[list[int]]] = {}
    for r in session.execute(select(*_FACTS).where(*_where(QT.asked_day, QT.space_id, keys))):
        one = _counts(r)
        for tag in (ALL_TAGS, *tags.get(r[0], ())):
            key = (tag, r[1], r[2])
            total = counts.get(key)
            if total is None:
                total = counts[key] = [0] * len(COUNTS)
            for i, n in enumerate(one):
                total[i] += n
            bucket = lists.get(key)
            if bucket is None:
                bucket = lists[key] = [[] for _name in VALUES]
            for i, value in enumerate(r[_FIRST_VALUE:]):
                if value is not None:
                    bucket[i].append(value)
    return ({key: dict(zip(COUNTS, total, strict=True)) for key, total in counts.items()},
            {key: {name: pack(v) for name, v in zip(VALUES, columns, strict=True)}
             for key, columns in lists.items()})


def _sync(session: Session, model, want: dict, keys, columns, *, check: bool, report) -> None:
    """Make ``model``'s rows of ``keys`` those of ``want`` (keyed like its primary key,
    which ends with the day and the space), in Core statements: a subscriber changes a
    row or two of a day, a rebuild writes many at once."""
    table = model.__table__
    pk = [c for c in table.primary_key.columns]
    where = _where(table.c.day, table.c.space_id, keys)
    have = {tuple(r[c.name] for c in pk): r
            for r in session.execute(select(table).where(*where)).mappings()}
    missing = []
    for key in sorted(set(want) | set(have)):
        if keys is not None and key[-2:] not in keys:
            continue
        row, stored = want.get(key), have.get(key)
        if stored is not None and row is not None and all(
                stored[k] == row[k] for k in columns):
            continue
        if report is not None:
            report.add(table.name, f"{key[-2]} space {key[-1]}"
                       + (f" tag {key[0]}" if len(key) == 3 else ""))
        if check:
            continue
        match = [c == v for c, v in zip(pk, key, strict=True)]
        if row is None:
            session.execute(delete(table).where(*match))
        elif stored is None:
            missing.append({**{c.name: v for c, v in zip(pk, key, strict=True)}, **row})
        else:
            session.execute(update(table).where(*match).values(**row))
    if missing:
        session.execute(insert(table), missing)


def sync(session: Session, keys: set[tuple[date, int]] | None, *, check: bool = False,
         report=None) -> None:
    """The rollups of the (day, space) ``keys`` (every key when None) recounted from one
    read of their timelines, or only reported with ``check``."""
    if keys is not None and not keys:
        return
    counts, values = expected(session, keys)
    daily = {key[1:]: row for key, row in counts.items() if key[0] == ALL_TAGS}
    per_tag = {key: row for key, row in counts.items() if key[0] != ALL_TAGS}
    for model, want, columns in zip(ROLLUPS, (daily, per_tag, values), (COUNTS, COUNTS, VALUES),
                                    strict=True):
        _sync(session, model, want, keys, columns, check=check, report=report)
    # Core statements bypass the identity map: rollup rows loaded earlier (and only
    # those: a subscriber runs inside someone else's unit of work) are read again.
    for obj in [o for o in session.identity_map.values() if isinstance(o, ROLLUPS)]:
        session.expire(obj)
