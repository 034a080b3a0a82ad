"""The daily rollups that the dashboard reads instead of the timelines: counts per tag
(``AnalyticsDailyTag``) and every duration of a day's questions (``AnalyticsDailyValues``).

Percentiles are nearest-rank over a period's questions, exact to the second: a day's
durations are kept sorted and packed, so a period merges a few hundred short arrays
instead of sorting thousands of timeline rows in the database. Both tables are counted
from the timelines like ``AnalyticsDaily``, by the same code for the event subscribers
(one day and space) and for `recompute` (everything), which reports their drift.
"""

from __future__ import annotations

import sys
from array import array
from collections import defaultdict
from datetime import date

from sqlalchemy import case, func, insert, select, tuple_
from sqlalchemy.orm import Session

from ..models import thread_tag
from ..models.analytics import AnalyticsDailyTag, AnalyticsDailyValues, QuestionTimeline

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


def count_columns() -> list:
    """The aggregates of ``COUNTS``, in order, over timeline rows."""
    def n(cond):
        return func.sum(case((cond, 1), else_=0))

    return [func.count(), n(QT.first_response_at.is_not(None)), n(QT.solved_at.is_not(None)),
            n(QT.resolution == "peer"), n(QT.resolution == "ambassador"),
            n(QT.resolution == "staff"), n(QT.resolution == "case"),
            n(QT.case_id.is_not(None)), n(QT.sla == "met"), n(QT.sla == "breached"),
            n(QT.sla_warned.is_(True)), n(QT.first_response_kind == "ambassador"),
            func.sum(QT.answers), func.sum(QT.ambassador_answers)]


def _where(keys: set[tuple[date, int]] | None) -> list:
    if keys is None:
        return []
    # The day's index narrows the rows; the pairs keep only the keys asked for.
    return [QT.asked_day.in_({d for d, _s in keys}),
            tuple_(QT.asked_day, QT.space_id).in_(sorted(keys))]


def expected_tag_counts(session: Session, keys) -> dict[tuple[int, date, int], dict]:
    stmt = (select(thread_tag.c.tag_id, QT.asked_day, QT.space_id, *count_columns())
            .join(thread_tag, thread_tag.c.thread_id == QT.thread_id)
            .where(*_where(keys)).group_by(thread_tag.c.tag_id, QT.asked_day, QT.space_id))
    return {(r[0], r[1], r[2]): dict(zip(COUNTS, (int(v or 0) for v in r[3:]), strict=True))
            for r in session.execute(stmt)}


def expected_values(session: Session, keys) -> dict[tuple[int, date, int], dict]:
    tags: dict[int, list[int]] = defaultdict(list)
    for tid, tag in session.execute(
            select(thread_tag.c.thread_id, thread_tag.c.tag_id)
            .join(QT, QT.thread_id == thread_tag.c.thread_id).where(*_where(keys))):
        tags[tid].append(tag)
    lists: dict[tuple[int, date, int], dict[str, list[int]]] = {}
    for row in session.execute(select(QT.thread_id, QT.asked_day, QT.space_id, *VALUES.values())
                               .where(*_where(keys))):
        for tag in (ALL_TAGS, *tags.get(row[0], ())):
            bucket = lists.get((tag, row[1], row[2]))
            if bucket is None:
                bucket = lists[(tag, row[1], row[2])] = {name: [] for name in VALUES}
            for name, value in zip(VALUES, row[3:], strict=True):
                if value is not None:
                    bucket[name].append(value)
    return {key: {name: pack(v) for name, v in columns.items()} for key, columns in lists.items()}


def _sync(session: Session, model, want: dict, keys, columns, *, check: bool, report) -> None:
    where = [] if keys is None else [model.day.in_({d for d, _s in keys}),
                                     tuple_(model.day, model.space_id).in_(sorted(keys))]
    have = {(r.tag_id, r.day, r.space_id): r for r in session.scalars(select(model).where(*where))}
    missing = []
    for key in sorted(set(want) | set(have)):
        if keys is not None and (key[1], key[2]) not in keys:
            continue  # the timelines' query read whole days; only these keys are asked
        row, stored = want.get(key), have.get(key)
        if stored is not None and row is not None and all(
                getattr(stored, k) == row[k] for k in columns):
            continue
        if report is not None:
            report.add(model.__tablename__, f"{key[1]} space {key[2]} tag {key[0]}")
        if check:
            continue
        if row is None:
            session.delete(stored)
        elif stored is None:
            missing.append({"tag_id": key[0], "day": key[1], "space_id": key[2], **row})
        else:
            for k, v in row.items():
                setattr(stored, k, v)
    if missing:  # a rebuild writes many: one executemany, not an object each
        session.flush()
        session.execute(insert(model), missing)


def sync(session: Session, keys: set[tuple[date, int]] | None, *, check: bool = False,
         report=None) -> None:
    """The rows of the (day, space) ``keys`` (every key when None) recounted from the
    timelines, or only reported with ``check``."""
    if keys is not None and not keys:
        return
    _sync(session, AnalyticsDailyTag, expected_tag_counts(session, keys), keys, COUNTS,
          check=check, report=report)
    _sync(session, AnalyticsDailyValues, expected_values(session, keys), keys, VALUES,
          check=check, report=report)
    session.flush()
