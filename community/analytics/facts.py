"""Build question timelines and daily rollups from the content tables.

One function computes the rows of a set of questions with a fixed number of queries;
the event subscribers call it for one thread and `recompute` for every thread in
chunks, so the two can never disagree about what a row should say.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..escalation.calendar import BusinessCalendar, current_calendar
from ..models import AmbassadorDecision, Post, Thread, User
from ..models.analytics import ActivityDay, QuestionTimeline
from ..models.escalation import Case, ThreadResolution
from ..models.user import STAFF_ROLES
from . import rollups

CHUNK = 500
ACTIVE_DECISIONS = ("confirmed", "renewed")
TIMELINE_COLUMNS = [c.key for c in QuestionTimeline.__table__.columns]


def _ambassador_spans(session: Session, user_ids: set[int]) -> dict[int, list]:
    spans: dict[int, list] = defaultdict(list)
    if user_ids:
        for uid, decision, at in session.execute(
                select(AmbassadorDecision.user_id, AmbassadorDecision.decision,
                       AmbassadorDecision.created_at)
                .where(AmbassadorDecision.user_id.in_(user_ids))
                .order_by(AmbassadorDecision.created_at, AmbassadorDecision.id)):
            spans[uid].append((at, decision in ACTIVE_DECISIONS))
    return spans


def _was_ambassador(spans: dict[int, list], user_id: int, at: datetime) -> bool:
    """From the decisions' history, so a member confirmed later does not rewrite who
    answered last month (and recompute agrees with what the events recorded)."""
    state = False
    for when, active in spans.get(user_id, ()):
        if when > at:
            break
        state = active
    return state


def _kind(role: str, spans, user_id: int, at: datetime) -> str:
    if role in STAFF_ROLES:
        return "staff"
    return "ambassador" if _was_ambassador(spans, user_id, at) else "peer"


def _seconds(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return max(int((end - start).total_seconds()), 0)


def _sla(c: Case) -> str:
    # A staff response, or a resolution without one, stops the clock.
    moment = c.first_response_at or c.resolved_at
    if moment is not None:
        due = c.first_response_due_at
        return "met" if due is None or moment <= due else "breached"
    return "breached" if c.breached_at is not None else "pending"


def build_rows(session: Session, thread_ids: list[int],
               calendar: BusinessCalendar | None = None) -> dict[int, dict]:
    """The timeline rows the given questions should have (threads that are not visible
    questions get none, nor do questions closed as duplicates: like a merged question,
    their demand is counted on the original)."""
    cal = calendar or current_calendar()
    threads = session.execute(
        select(Thread.id, Thread.space_id, Thread.created_at, Thread.author_id,
               Thread.external_id, Thread.accepted_post_id)
        .where(Thread.id.in_(thread_ids), Thread.kind == "question",
               Thread.deleted_at.is_(None), Thread.duplicate_of_id.is_(None))).all()
    if not threads:
        return {}
    ids = [t.id for t in threads]
    first: dict[int, tuple] = {}
    answers: dict[int, list[tuple]] = defaultdict(list)
    for tid, pid, author, at in session.execute(
            select(Post.thread_id, Post.id, Post.author_id, Post.created_at)
            .join(Thread, Thread.id == Post.thread_id)
            .where(Post.thread_id.in_(ids), Post.deleted_at.is_(None),
                   Post.author_id != Thread.author_id)
            .order_by(Post.thread_id, Post.created_at, Post.id)):
        first.setdefault(tid, (pid, author, at))
        answers[tid].append((author, at))
    resolutions = {r.thread_id: r for r in session.scalars(
        select(ThreadResolution).where(ThreadResolution.thread_id.in_(ids)))}
    wanted_posts = {t.accepted_post_id for t in threads if t.accepted_post_id}
    wanted_posts |= {r.post_id for r in resolutions.values() if r.post_id}
    posts = {p.id: p for p in session.execute(
        select(Post.id, Post.author_id, Post.created_at).where(Post.id.in_(wanted_posts)))}
    cases: dict[int, Case] = {}
    for c in session.scalars(select(Case).where(Case.thread_id.in_(ids)).order_by(Case.id)):
        cases.setdefault(c.thread_id, c)
    users = {a for rows in answers.values() for a, _t in rows} | {p.author_id for p in posts.values()}
    roles = dict(session.execute(select(User.id, User.role).where(User.id.in_(users))).all())
    spans = _ambassador_spans(session, users)

    rows = {}
    for t in threads:
        row = {k: None for k in TIMELINE_COLUMNS}
        row.update(thread_id=t.id, space_id=t.space_id, asked_at=t.created_at,
                   asked_day=t.created_at.date(), imported=t.external_id is not None,
                   sla_warned=False, answers=len(answers[t.id]),
                   ambassador_answers=sum(
                       1 for a, at in answers[t.id]
                       if _kind(roles.get(a, "member"), spans, a, at) == "ambassador"))
        if t.id in first:
            _pid, author, at = first[t.id]
            row.update(first_response_at=at, first_response_by_id=author,
                       first_response_kind=_kind(roles.get(author, "member"), spans, author, at),
                       first_response_seconds=_seconds(t.created_at, at),
                       first_response_business_seconds=int(cal.seconds_between(t.created_at, at)))
        res = resolutions.get(t.id)
        if res is not None:
            path = {"case": "case", "employee": "staff"}.get(res.resolved_by)
            if path is None:  # a peer's accepted answer: was that peer an ambassador then?
                post = posts.get(res.post_id)
                path = ("ambassador" if post and _was_ambassador(spans, post.author_id,
                                                                 res.resolved_at) else "peer")
            row.update(solved_at=res.resolved_at, resolution=path)
        elif row["imported"] and t.accepted_post_id in posts:
            # Imported history has no resolution record: the accepted answer is the
            # resolution, classified by who wrote it, dated when it was written.
            post = posts[t.accepted_post_id]
            row.update(solved_at=post.created_at,
                       resolution=_kind(roles.get(post.author_id, "member"), spans,
                                        post.author_id, post.created_at))
        row["resolution_seconds"] = _seconds(t.created_at, row["solved_at"])
        c = cases.get(t.id)
        if c is not None:
            row.update(case_id=c.id, case_group_id=c.group_id, case_opened_at=c.opened_at,
                       case_first_response_at=c.first_response_at,
                       case_resolved_at=c.resolved_at, sla=_sla(c),
                       sla_warned=c.warned_at is not None)
            if c.first_response_at is not None:
                row["case_response_business_seconds"] = int(
                    cal.seconds_between(c.opened_at, c.first_response_at))
        rows[t.id] = row
    return rows


def _same(stored: QuestionTimeline, row: dict) -> bool:
    return all(getattr(stored, k) == row[k] for k in TIMELINE_COLUMNS)


def sync_timelines(session: Session, thread_ids: list[int], *, check: bool = False,
                   report=None, calendar=None) -> set[tuple[date, int]]:
    """Bring the timelines of ``thread_ids`` up to date (or only report, with ``check``);
    returns the (day, space) rollup keys whose questions changed."""
    touched: set[tuple[date, int]] = set()
    for i in range(0, len(thread_ids), CHUNK):
        chunk = thread_ids[i:i + CHUNK]
        want = build_rows(session, chunk, calendar)
        stored = {r.thread_id: r for r in session.scalars(
            select(QuestionTimeline).where(QuestionTimeline.thread_id.in_(chunk)))}
        for tid in chunk:
            have, row = stored.get(tid), want.get(tid)
            if have is None and row is None:
                continue
            if have is not None and row is not None and _same(have, row):
                continue
            if report is not None:
                report.add("question_timeline", f"thread {tid} "
                           + ("missing" if have is None else "extra" if row is None else "differs"))
            if have is not None:
                touched.add((have.asked_day, have.space_id))
            if row is not None:
                touched.add((row["asked_day"], row["space_id"]))
            if check:
                continue
            if row is None:
                session.delete(have)
            elif have is None:
                session.add(QuestionTimeline(**row))
            else:
                for k, v in row.items():
                    setattr(have, k, v)
    session.flush()
    return touched


def sync_daily(session: Session, keys: set[tuple[date, int]] | None, *, check: bool = False,
               report=None) -> None:
    """Rollup rows of ``keys`` (every key when None) recounted from the timelines: the
    day's counts, those per tag and the durations (rollups.py)."""
    rollups.sync(session, keys, check=check, report=report)


def _day_bounds(day: date):
    from datetime import UTC, time, timedelta

    start = datetime.combine(day, time(0), UTC)
    return start, start + timedelta(days=1)


def contributions(session: Session, where_threads=(), where_posts=()) -> dict[tuple[date, int], int]:
    """Visible questions, ideas, discussions and replies written, per (day, account)."""
    counts: dict[tuple[date, int], int] = defaultdict(int)
    for model, where in ((Thread, where_threads), (Post, where_posts)):
        for author, at in session.execute(
                select(model.author_id, model.created_at)
                .where(model.deleted_at.is_(None), *where)):
            counts[(at.date(), author)] += 1
    return counts


def sync_contributions(session: Session, user_id: int, day: date) -> None:
    """One account's contribution count for one day (the subscribers' path)."""
    start, end = _day_bounds(day)
    n = contributions(
        session,
        (Thread.author_id == user_id, Thread.created_at >= start, Thread.created_at < end),
        (Post.author_id == user_id, Post.created_at >= start, Post.created_at < end),
    ).get((day, user_id), 0)
    row = session.get(ActivityDay, (day, user_id))
    if row is None:
        if n:
            session.add(ActivityDay(day=day, user_id=user_id, views=0, posts=n))
    else:
        row.posts = n
    session.flush()


def sync_all_contributions(session: Session, *, check: bool, report) -> None:
    want = contributions(session)
    have = {(r.day, r.user_id): r for r in session.scalars(select(ActivityDay))}
    for key in sorted(set(want) | set(have)):
        stored, n = have.get(key), want.get(key, 0)
        if (stored.posts if stored is not None else 0) == n:
            continue
        report.add("analytics_activity", f"{key[0]} user {key[1]} posts")
        if check:
            continue
        if stored is None:
            session.add(ActivityDay(day=key[0], user_id=key[1], views=0, posts=n))
        else:
            stored.posts = n
    session.flush()


def question_ids(session: Session) -> list[int]:
    ids = set(session.scalars(select(Thread.id).where(Thread.kind == "question")))
    ids |= set(session.scalars(select(QuestionTimeline.thread_id)))
    return sorted(ids)

