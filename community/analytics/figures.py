"""The dashboard's figures, read from the daily rollups (counts, per tag too, and the
day's sorted durations for exact percentiles: rollups.py); the escalated questions'
groups, the unanswered list and the export read the timelines by their indexes."""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from ..errors import BadRequest
from ..models import SearchMiss, Space, Tag, Thread, User, thread_tag, utcnow
from ..models.analytics import (
    ActivityDay,
    AnalyticsCounter,
    AnalyticsDaily,
    AnalyticsDailyTag,
    AnalyticsDailyValues,
    AskForm,
    IdeaDecision,
    QuestionTimeline,
)
from ..models.escalation import ExpertGroup
from . import cache, rollups

QT = QuestionTimeline
DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366
LIST = 10
NEAR_RULE = 0.75  # "close to the ambassador rule": this share of each of its criteria


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included
    space: Space | None = None
    tag: Tag | None = None

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def _date(raw: str | None, name: str) -> date | None:
    if raw is None or raw == "":
        return None
    try:
        if len(raw) != 10:
            raise ValueError
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(_("Dates are written YYYY-MM-DD."),
                         {name: [_("Write a date as YYYY-MM-DD.")]}) from None


def parse_period(session: Session, args) -> Period:
    """``from``/``to`` (both included, default the last 30 days), ``space``, ``tag``."""
    end = _date(args.get("to"), "to") or utcnow().date()
    start = _date(args.get("from"), "from") or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise BadRequest(_("The period ends before it starts."),
                         {"to": [_("Choose a date on or after the start.")]})
    if (end - start).days >= MAX_DAYS:
        raise BadRequest(_("The period is too long."),
                         {"from": [_("At most %(n)s days.", n=MAX_DAYS)]})
    space = tag = None
    if args.get("space"):
        space = session.scalar(select(Space).where(Space.slug == args["space"]))
        if space is None:
            raise BadRequest(_("There is no such space."), {"space": [_("Unknown space.")]})
    if args.get("tag"):
        tag = session.scalar(select(Tag).where(Tag.name == args["tag"].lower()))
        if tag is None:
            raise BadRequest(_("There is no such tag."), {"tag": [_("Unknown tag.")]})
    return Period(start, end, space, tag)


def facts_where(p: Period, start: date | None = None, end: date | None = None) -> list:
    where = [QT.asked_day >= (start or p.start), QT.asked_day <= (end or p.end)]
    if p.space is not None:
        where.append(QT.space_id == p.space.id)
    if p.tag is not None:
        where.append(_tagged(p.tag))
    return where


def _tagged(tag: Tag):
    # Checked per row of the day range (one probe of thread_tag's key each): listing
    # the tag's threads of every day instead made a tag filter three times slower.
    return (select(thread_tag.c.thread_id).where(thread_tag.c.thread_id == QT.thread_id,
                                                 thread_tag.c.tag_id == tag.id).exists())


def percentile(values: list[int], share: float) -> float | None:
    """Nearest rank, in minutes with one decimal (None without values)."""
    if not values:
        return None
    values = sorted(values)
    return round(values[max(math.ceil(share * len(values)), 1) - 1] / 60, 1)


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


COUNTS = rollups.COUNTS


def _n(cond):
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


@dataclass
class Rollups:
    """A period's rollups read once (two indexed range reads): per day, the question
    counts and the sorted durations; every figure of a request is summed or merged
    from them in Python."""

    counts: dict[date, dict]
    values: dict[date, dict[str, list]]
    merged: dict = field(default_factory=dict)  # (name, start, end): sorted seconds

    def count(self, start: date, end: date) -> dict:
        total = dict.fromkeys(COUNTS, 0)
        for day, row in self.counts.items():
            if start <= day <= end:
                for k in COUNTS:
                    total[k] += row[k]
        return total

    def durations(self, name: str, start: date, end: date) -> list[int]:
        """The sorted seconds of ``name`` (rollups.VALUES) over the days from start to end."""
        key = (name, start, end)
        if key in self.merged:
            return self.merged[key]
        merged: list[int] = []
        for day, row in self.values.items():
            if start <= day <= end:
                for part in row[name]:
                    merged.extend(part)
        merged.sort()  # runs already sorted: a merge, not a full sort
        self.merged[key] = merged
        return merged


def load(session: Session, p: Period) -> Rollups:
    model = AnalyticsDaily if p.tag is None else AnalyticsDailyTag
    where = [model.day >= p.start, model.day <= p.end]
    if p.tag is not None:
        where.append(model.tag_id == p.tag.id)
    if p.space is not None:
        where.append(model.space_id == p.space.id)
    counts = {}
    for row in session.execute(select(model.day, *(func.sum(getattr(model, c)) for c in COUNTS))
                               .where(*where).group_by(model.day)):
        counts[row[0]] = dict(zip(COUNTS, (int(v or 0) for v in row[1:]), strict=True))
    v = AnalyticsDailyValues
    where = [v.tag_id == (p.tag.id if p.tag is not None else rollups.ALL_TAGS),
             v.day >= p.start, v.day <= p.end]
    if p.space is not None:
        where.append(v.space_id == p.space.id)
    values: dict[date, dict[str, list]] = {}
    for row in session.execute(select(v.day, *(getattr(v, name) for name in rollups.VALUES))
                               .where(*where)):
        day = values.setdefault(row[0], {name: [] for name in rollups.VALUES})
        for name, raw in zip(rollups.VALUES, row[1:], strict=True):
            if raw:
                day[name].append(rollups.unpack(raw))
    return Rollups(counts, values)


def cache_key(p: Period) -> tuple:
    return (p.start, p.end, p.space.id if p.space else None, p.tag.id if p.tag else None)


def ranked(values: list[int], shares=(0.5, 0.9)) -> list[float | None]:
    """Nearest-rank percentiles of sorted seconds, in minutes with one decimal."""
    n = len(values)
    return [round(values[max(math.ceil(share * n), 1) - 1] / 60, 1) if n else None
            for share in shares]


def deflection(session: Session, p: Period, start: date | None = None,
               end: date | None = None) -> dict:
    start, end = start or p.start, end or p.end
    where = [AnalyticsCounter.day >= start, AnalyticsCounter.day <= end]
    if p.space is not None:
        where.append(AnalyticsCounter.space_id == p.space.id)
    counters = dict(session.execute(select(AnalyticsCounter.kind, func.sum(AnalyticsCounter.n))
                                    .where(*where).group_by(AnalyticsCounter.kind)).all())
    f = AskForm
    shown, asked, self_served, clicks = (int(v or 0) for v in session.execute(select(
        _n(f.shown.is_(True)), _n(f.shown.is_(True) & f.asked.is_(True)),
        _n((f.clicks > 0) & f.asked.is_(False)), func.coalesce(func.sum(f.clicks), 0))
        .where(f.day >= start, f.day <= end)).one())
    return {"searches": int(counters.get("search", 0)),
            "searches_without_result": int(counters.get("search_miss", 0)),
            "similar_shown": shown, "similar_clicked": clicks,
            "asked_after_search": asked, "abandoned_after_click": self_served,
            "self_service_share": _share(self_served, shown)}


def participation(session: Session, p: Period) -> dict:
    heavy_at = current_app.config["ANALYTICS_HEAVY_CONTRIBUTIONS"]
    # An account with a row in the period read or wrote: its posts alone classify it
    # (and the user index answers without the table).
    per_user = (select(ActivityDay.user_id, func.sum(ActivityDay.posts).label("posts"))
                .where(ActivityDay.day >= p.start, ActivityDay.day <= p.end)
                .group_by(ActivityDay.user_id).subquery())
    readers, contributors, heavy = (int(v or 0) for v in session.execute(select(
        _n(per_user.c.posts == 0), _n((per_user.c.posts > 0) & (per_user.c.posts < heavy_at)),
        _n(per_user.c.posts >= heavy_at))).one())
    before = aliased(ActivityDay)
    earlier = (select(before.user_id).where(before.user_id == ActivityDay.user_id,
                                            before.day < p.start, before.posts > 0).exists())
    new = session.scalar(select(func.count(func.distinct(ActivityDay.user_id)))
                         .where(ActivityDay.day >= p.start, ActivityDay.day <= p.end,
                                ActivityDay.posts > 0, ~earlier))
    total = readers + contributors + heavy
    return {"readers": readers, "contributors": contributors, "heavy": heavy,
            "shares": {"readers": _share(readers, total), "contributors": _share(contributors, total),
                       "heavy": _share(heavy, total)},
            "new_contributors": int(new or 0)}


def _sla_groups(session: Session, p: Period) -> list[dict]:
    names = dict(session.execute(select(ExpertGroup.id, ExpertGroup.slug)).all())
    groups: dict = {}
    # Only the escalated questions, read from the index that covers these columns.
    for r in session.execute(select(QT.case_id, QT.case_group_id, QT.sla, QT.sla_warned,
                                    QT.case_response_business_seconds)
                             .where(*facts_where(p), QT.case_id.is_not(None))):
        gid = r.case_group_id
        g = groups.setdefault(gid, {"group": names.get(gid, "triage") if gid else "triage",
                                    "cases": 0, "met": 0, "warned": 0, "breached": 0, "_b": []})
        g["cases"] += 1
        g["met"] += r.sla == "met"
        g["breached"] += r.sla == "breached"
        g["warned"] += bool(r.sla_warned)
        if r.case_response_business_seconds is not None:
            g["_b"].append(r.case_response_business_seconds)
    out = []
    for g in sorted(groups.values(), key=lambda g: g["group"]):
        g["response_business_p50_minutes"] = percentile(g.pop("_b"), 0.5)
        out.append(g)
    return out


def unanswered(session: Session, p: Period, limit: int = LIST) -> tuple[int, list[dict]]:
    """Questions with no response and no resolution now (whatever the period), oldest first."""
    where = [QT.first_response_at.is_(None), QT.solved_at.is_(None)]
    if p.space is not None:
        where.append(QT.space_id == p.space.id)
    if p.tag is not None:
        where.append(_tagged(p.tag))
    total = session.scalar(select(func.count()).select_from(QT).where(*where))
    oldest = session.execute(select(QT.thread_id, Thread.title, QT.asked_at)
                             .join(Thread, Thread.id == QT.thread_id)
                             .where(*where).order_by(QT.asked_at, QT.thread_id).limit(limit)).all()
    return int(total or 0), [{"thread_id": t, "title": title, "asked_at": at.isoformat()}
                             for t, title, at in oldest]


def response_histogram(r: Rollups, p: Period, bounds) -> list[int]:
    """How many first responses fell in each bucket of minutes ([lo, hi), hi None for
    no end), counted on the period's sorted durations."""
    seconds = r.durations("first_response", p.start, p.end)
    # Whole minutes: ``s / 60 >= lo`` exactly when ``s >= 60 * lo``.
    return [(len(seconds) if hi is None else bisect_left(seconds, hi * 60))
            - bisect_left(seconds, lo * 60) for lo, hi in bounds]


def _moments(p: Period) -> tuple[datetime, datetime]:
    """The period as a half-open range of UTC moments."""
    return (datetime.combine(p.start, time(0), UTC),
            datetime.combine(p.end + timedelta(days=1), time(0), UTC))


def content_gaps(session: Session, p: Period, limit: int = LIST) -> list[dict]:
    lo, hi = _moments(p)
    where = [SearchMiss.created_at >= lo, SearchMiss.created_at < hi]
    if p.space is not None:
        where.append(SearchMiss.space_id == p.space.id)
    query = func.lower(SearchMiss.query)
    rows = session.execute(select(query, func.count()).where(*where).group_by(query)
                           .order_by(func.count().desc(), query).limit(limit)).all()
    return [{"query": q, "count": int(n)} for q, n in rows]


def gap_tags(session: Session, p: Period, limit: int = LIST) -> list[dict]:
    """Tags with the most questions still unanswered."""
    where = [QT.first_response_at.is_(None), QT.solved_at.is_(None)]
    if p.space is not None:
        where.append(QT.space_id == p.space.id)
    rows = session.execute(
        select(Tag.name, func.count()).join(thread_tag, thread_tag.c.tag_id == Tag.id)
        .join(QT, QT.thread_id == thread_tag.c.thread_id).where(*where)
        .group_by(Tag.name).order_by(func.count().desc(), Tag.name).limit(limit)).all()
    return [{"tag": name, "unanswered": int(n)} for name, n in rows]


def ambassador_pipeline(session: Session, c: dict) -> dict:
    from ..gamification.ambassadors import pipeline

    confirmed = session.scalar(select(func.count(User.id)).where(User.is_ambassador.is_(True)))
    # The same for every period and ranking a window of the ledger: shared by the
    # queries of the cache's lifetime.
    rule = cache.figures(("ambassador_pipeline",), lambda: pipeline(session, share=NEAR_RULE))
    return {"confirmed": int(confirmed or 0), **rule,
            "first_response_share": _share(c["first_by_ambassador"], c["answered"]),
            "solved_share": _share(c["by_ambassador"], c["solved"]),
            "answers": c["answers"], "ambassador_answers": c["ambassador_answers"],
            "answer_share": _share(c["ambassador_answers"], c["answers"])}


def ideas(session: Session, p: Period) -> dict:
    status = func.coalesce(Thread.idea_status, "new")
    # Ideas are few: the kind's partial index finds them without visiting questions.
    rows = session.execute(select(status, func.count(), func.coalesce(func.sum(Thread.score), 0))
                           .where(Thread.kind == "idea", Thread.deleted_at.is_(None))
                           .group_by(status)).all()
    by_status = {s: {"ideas": int(n), "votes": int(v)} for s, n, v in rows}
    lo, hi = _moments(p)
    seconds = list(session.scalars(
        select(IdeaDecision.seconds).join(Thread, Thread.id == IdeaDecision.thread_id)
        .where(IdeaDecision.decided_at >= lo, IdeaDecision.decided_at < hi,
               Thread.deleted_at.is_(None))))
    return {"by_status": by_status, "shipped": by_status.get("shipped", {}).get("ideas", 0),
            "decision": {"decided": len(seconds), "p50_minutes": percentile(seconds, 0.5),
                         "p90_minutes": percentile(seconds, 0.9)}}


def summary(session: Session, p: Period, r: Rollups | None = None) -> dict:
    r = r or load(session, p)
    c = r.count(p.start, p.end)
    first = ranked(r.durations("first_response", p.start, p.end))
    business = ranked(r.durations("first_response_business", p.start, p.end))
    resolved = ranked(r.durations("resolution", p.start, p.end))
    case_p50, = ranked(r.durations("case_response_business", p.start, p.end), (0.5,))
    total_unanswered, oldest = unanswered(session, p)
    return {
        "from": p.start.isoformat(), "to": p.end.isoformat(),
        "space": p.space.slug if p.space else None, "tag": p.tag.name if p.tag else None,
        "questions": c["questions"],
        "answered_share": _share(c["answered"], c["questions"]),
        "solved_share": _share(c["solved"], c["questions"]),
        "first_response": {"p50_minutes": first[0], "p90_minutes": first[1],
                           "business_p50_minutes": business[0],
                           "business_p90_minutes": business[1]},
        "resolution": {"p50_minutes": resolved[0], "p90_minutes": resolved[1]},
        "resolved_by": {"peer": c["by_peer"], "ambassador": c["by_ambassador"],
                        "staff": c["by_staff"], "case": c["by_case"]},
        "resolved_by_share": {k: _share(c[f"by_{k}"], c["solved"])
                              for k in ("peer", "ambassador", "staff", "case")},
        "sla": {"cases": c["cases"], "met": c["sla_met"], "breached": c["sla_breached"],
                "warned": c["sla_warned"], "response_business_p50_minutes": case_p50,
                "by_group": _sla_groups(session, p)},
        "deflection": deflection(session, p),
        "unanswered": total_unanswered,
        "unanswered_oldest": oldest,
        "content_gaps": content_gaps(session, p),
        "gap_tags": gap_tags(session, p),
        "participation": participation(session, p),
        "ambassadors": ambassador_pipeline(session, c),
        "ideas": ideas(session, p),
    }


METRICS = ("questions", "solved_share", "first_response_p50", "resolution_p50",
           "self_service_share", "sla_met_share")


def buckets(p: Period, interval: str) -> list[tuple[date, date]]:
    if interval == "day":
        return [(d, d) for d in p.days]
    first = p.start - timedelta(days=p.start.weekday())
    out = []
    while first <= p.end:
        out.append((max(first, p.start), min(first + timedelta(days=6), p.end)))
        first += timedelta(days=7)
    return out


def timeseries(session: Session, p: Period, metric: str, interval: str,
               r: Rollups | None = None) -> dict:
    if metric not in METRICS:
        raise BadRequest(_("Unknown metric."), {"metric": [_("Choose one of: %(names)s.",
                                                             names=", ".join(METRICS))]})
    if interval not in ("day", "week"):
        raise BadRequest(_("Unknown interval."), {"interval": [_("Choose day or week.")]})
    r = r or load(session, p)
    points = []
    for lo, hi in buckets(p, interval):
        if metric in ("first_response_p50", "resolution_p50"):
            name = "first_response" if metric == "first_response_p50" else "resolution"
            value, = ranked(r.durations(name, lo, hi), (0.5,))
        elif metric == "self_service_share":
            value = deflection(session, p, lo, hi)["self_service_share"]
        else:
            c = r.count(lo, hi)
            value = {"questions": c["questions"], "solved_share": _share(c["solved"], c["questions"]),
                     "sla_met_share": _share(c["sla_met"], c["cases"])}[metric]
        points.append({"t": lo.isoformat(), "value": value})
    return {"metric": metric, "interval": interval, "points": points}


EXPORT_HEADER = ["thread_id", "space", "tags", "asked_at", "first_response_at",
                 "first_response_by", "solved_at", "resolution", "case_id", "sla_met", "imported"]


def export_rows(session: Session, p: Period):
    """One row per question asked in the period, in chunks (never all in memory)."""
    yield EXPORT_HEADER
    slugs = dict(session.execute(select(Space.id, Space.slug)).all())
    last = 0
    while True:
        chunk = session.execute(select(QT).where(*facts_where(p), QT.thread_id > last)
                                .order_by(QT.thread_id).limit(1000)).scalars().all()
        if not chunk:
            return
        tags: dict[int, list[str]] = {}
        for tid, name in session.execute(
                select(thread_tag.c.thread_id, Tag.name).join(Tag, Tag.id == thread_tag.c.tag_id)
                .where(thread_tag.c.thread_id.in_([r.thread_id for r in chunk])).order_by(Tag.name)):
            tags.setdefault(tid, []).append(name)
        for r in chunk:
            yield [r.thread_id, slugs.get(r.space_id, ""), " ".join(tags.get(r.thread_id, [])),
                   _iso(r.asked_at), _iso(r.first_response_at), r.first_response_kind or "",
                   _iso(r.solved_at), r.resolution or "", r.case_id or "",
                   {"met": "yes", "breached": "no"}.get(r.sla or "", ""),
                   "yes" if r.imported else "no"]
        last = chunk[-1].thread_id


def _iso(moment) -> str:
    return moment.isoformat() if moment is not None else ""
