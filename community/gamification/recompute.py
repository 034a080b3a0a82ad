"""`flask community recompute`: rebuild every cache from the ledger and the content.

Reputation from the ledger, leaderboard tallies from the ledger, thread and post
scores from the votes, answer counts from the posts, badges from their criteria,
the ambassador mark from the decisions. Each difference is reported (what, for
whom, stored → expected) and, unless ``check``, repaired in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import (
    AmbassadorDecision,
    BadgeAward,
    Post,
    Space,
    Thread,
    User,
    Vote,
    tag_count,
    thread_tag,
    utcnow,
)
from ..models.ledger import LedgerEntry
from . import badges as badge_table
from .ambassadors import ACTIVE, latest
from .rules import REPUTATION_FLOOR

SAMPLE = 20  # drift lines listed per kind; the count is always complete


@dataclass
class Report:
    drift: dict[str, int] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    def add(self, kind: str, line: str) -> None:
        self.drift[kind] = self.drift.get(kind, 0) + 1
        if self.drift[kind] <= SAMPLE:
            self.lines.append(f"{kind}: {line}")

    @property
    def total(self) -> int:
        return sum(self.drift.values())


def _greatest(session: Session, *args):
    return func.max(*args) if session.get_bind().dialect.name == "sqlite" else func.greatest(*args)


def _reputation(session: Session, report: Report, check: bool) -> None:
    sums = (
        select(LedgerEntry.user_id, func.sum(LedgerEntry.points).label("total"))
        .group_by(LedgerEntry.user_id).subquery()
    )
    expected = _greatest(session, REPUTATION_FLOOR, 1 + func.coalesce(sums.c.total, 0))
    rows = session.execute(
        select(User.id, User.username, User.reputation, expected)
        .outerjoin(sums, sums.c.user_id == User.id)
        .where(User.reputation != expected)
        .order_by(User.id)
    ).all()
    for _id, username, stored, want in rows:
        report.add("reputation", f"{username} {stored} -> {want}")
    if rows and not check:
        session.execute(update(User), [{"id": r[0], "reputation": r[3]} for r in rows])


def _counters(session: Session, report: Report, check: bool) -> None:
    visible_posts = (
        select(func.count(Post.id))
        .where(Post.thread_id == Thread.id, Post.deleted_at.is_(None))
        .correlate(Thread).scalar_subquery()
    )
    thread_votes = (
        select(func.coalesce(func.sum(Vote.value), 0))
        .where(Vote.target_type == "thread", Vote.target_id == Thread.id)
        .correlate(Thread).scalar_subquery()
    )
    post_votes = (
        select(func.coalesce(func.sum(Vote.value), 0))
        .where(Vote.target_type == "post", Vote.target_id == Post.id)
        .correlate(Post).scalar_subquery()
    )
    space_threads = (
        select(func.count(Thread.id))
        .where(Thread.space_id == Space.id, Thread.deleted_at.is_(None))
        .correlate(Space).scalar_subquery()
    )
    space_deleted = (
        select(func.count(Thread.id))
        .where(Thread.space_id == Space.id, Thread.deleted_at.is_not(None))
        .correlate(Space).scalar_subquery()
    )
    checks = (
        # Kept by triggers (community/models/thread_counts.py): drift here means a
        # trigger went missing, e.g. with a table rebuilt by hand.
        ("space thread_count", Space, Space.thread_count, space_threads),
        ("space deleted_thread_count", Space, Space.deleted_thread_count, space_deleted),
        ("post_count", Thread, Thread.post_count, visible_posts),
        ("thread score", Thread, Thread.score, Thread.score_offset + thread_votes),
        ("post score", Post, Post.score, Post.score_offset + post_votes),
    )
    for kind, model, column, want in checks:
        rows = session.execute(
            select(model.id, column, want).where(column != want).order_by(model.id)
        ).all()
        for ident, stored, expected in rows:
            report.add(kind, f"{model.__name__.lower()} {ident} {stored} -> {expected}")
        if rows and not check:
            session.execute(update(model), [{"id": r[0], column.key: r[2]} for r in rows])


_TALLY_SQL = {
    "sqlite": {
        "week": "date(e.created_at, 'weekday 0', '-6 days')",
        "month": "date(e.created_at, 'start of month')",
        "all": "'1970-01-01'",
    },
    "postgresql": {
        "week": "CAST(date_trunc('week', e.created_at) AS DATE)",
        "month": "CAST(date_trunc('month', e.created_at) AS DATE)",
        "all": "DATE '1970-01-01'",
    },
}
_COLS = "period, start, space_id, user_id, track, points"


def _tallies(session: Session, report: Report, check: bool) -> None:
    dialect = session.get_bind().dialect.name
    starts = _TALLY_SQL["postgresql" if dialect == "postgresql" else "sqlite"]
    session.execute(text("DROP TABLE IF EXISTS tally_expected"))
    # Aggregate by day first: the three periods then roll up far fewer rows.
    day = "CAST(e.created_at AS DATE)" if dialect == "postgresql" else "date(e.created_at)"
    parts = []
    for period, start in starts.items():
        start = start.replace("e.created_at", "d.day")
        parts.append(f"SELECT '{period}' AS period, {start} AS start, d.space_id, d.user_id, "
                     f"d.track, d.points FROM daily d")
    expected = f"""
        CREATE TEMPORARY TABLE tally_expected AS
        WITH daily AS (
            SELECT {day} AS day, t.space_id AS space_id, e.user_id AS user_id,
                   CASE WHEN u.role = 'member' THEN 'members' ELSE 'staff' END AS track,
                   SUM(e.points) AS points
            FROM ledger_entry e JOIN "user" u ON u.id = e.user_id AND u.erased_at IS NULL
            LEFT JOIN thread t ON t.id = e.thread_id
            GROUP BY {day}, t.space_id, e.user_id, u.role
        ), p AS ({' UNION ALL '.join(parts)})
        SELECT period, start, 0 AS space_id, user_id, track, SUM(points) AS points
        FROM p GROUP BY period, start, user_id, track HAVING SUM(points) <> 0
        UNION ALL
        SELECT period, start, space_id, user_id, track, SUM(points) AS points
        FROM p WHERE space_id IS NOT NULL
        GROUP BY period, start, space_id, user_id, track HAVING SUM(points) <> 0
    """
    session.execute(text(expected))
    stored = f"SELECT {_COLS} FROM reputation_tally WHERE points <> 0"
    wanted = f"SELECT {_COLS} FROM tally_expected"
    differing = session.execute(text(
        f"SELECT DISTINCT user_id FROM (SELECT * FROM ({wanted} EXCEPT {stored}) a "
        f"UNION ALL SELECT * FROM ({stored} EXCEPT {wanted}) b) d ORDER BY user_id"
    )).scalars().all()
    if differing:
        names = dict(session.execute(
            select(User.id, User.username).where(User.id.in_(differing[:SAMPLE]))).all())
        for user_id in differing:
            report.add("leaderboard tally", f"{names.get(user_id, user_id)}")
        if not check:
            session.execute(text("DELETE FROM reputation_tally"))
            session.execute(text(f"INSERT INTO reputation_tally ({_COLS}) {wanted}"))
    session.execute(text("DROP TABLE IF EXISTS tally_expected"))


def _badges(session: Session, report: Report, check: bool) -> None:
    have = set(session.scalars(select(BadgeAward.key)))
    missing = []
    for badge in badge_table.BADGES:
        for user_id, subject, thread_id, post_id in badge.criterion(session, None, badge.n):
            subject = str(subject or "")
            if badge_table.award_key(badge, user_id, subject) not in have:
                missing.append((badge, user_id, subject, thread_id, post_id))
    if not missing:
        return
    names = dict(session.execute(
        select(User.id, User.username).where(User.id.in_({m[1] for m in missing[:500]}))).all())
    for badge, user_id, subject, _t, _p in missing:
        report.add("badge", f"{names.get(user_id, user_id)} lacks {badge.slug}"
                   + (f" ({subject})" if subject else ""))
    if not check:
        # A repair, not an achievement: one bulk insert, no BadgeAwarded events (a
        # rebuild would otherwise notify thousands of people of old badges at once).
        ins = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        now = utcnow()
        rows = [{"user_id": user_id, "badge": badge.slug,
                 "key": badge_table.award_key(badge, user_id, subject), "thread_id": thread_id,
                 "post_id": post_id, "awarded_at": now}
                for badge, user_id, subject, thread_id, post_id in missing]
        for i in range(0, len(rows), 5000):
            session.execute(ins(BadgeAward).on_conflict_do_nothing(index_elements=["key"]),
                            rows[i:i + 5000])


def _ambassadors(session: Session, report: Report, check: bool) -> None:
    decided = session.scalars(select(AmbassadorDecision.user_id).distinct()).all()
    decisions = latest(session, list(decided))
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(decided)))} \
        if decided else {}
    for user_id, decision in decisions.items():
        user = users[user_id]
        want = decision.decision in ACTIVE
        if user.is_ambassador != want:
            report.add("ambassador", f"{user.username} {user.is_ambassador} -> {want}")
            if not check:
                user.is_ambassador = want


def _tag_counts(session: Session, report: Report, check: bool) -> None:
    """``tag_count`` (kept by triggers: community/models/tag_counts.py) against the rows."""
    live = func.sum(case((Thread.deleted_at.is_(None), 1), else_=0))
    expected = {(tag, space): (n, total - n) for tag, space, n, total in session.execute(
        select(thread_tag.c.tag_id, Thread.space_id, live, func.count())
        .join(Thread, Thread.id == thread_tag.c.thread_id)
        .group_by(thread_tag.c.tag_id, Thread.space_id))}
    stored = {(tag, space): (n, deleted) for tag, space, n, deleted in session.execute(
        select(tag_count.c.tag_id, tag_count.c.space_id, tag_count.c.thread_count,
               tag_count.c.deleted_thread_count))}
    for key in sorted(set(expected) | set(stored)):
        want, have = expected.get(key, (0, 0)), stored.get(key, (0, 0))
        if want == have:
            continue
        report.add("tag_count", f"tag {key[0]} space {key[1]} {have} -> {want}")
        if check:
            continue
        values = {"thread_count": want[0], "deleted_thread_count": want[1]}
        if key in stored:
            session.execute(update(tag_count).where(tag_count.c.tag_id == key[0],
                                                    tag_count.c.space_id == key[1])
                            .values(**values))
        else:
            session.execute(tag_count.insert().values(tag_id=key[0], space_id=key[1], **values))


def recompute(session: Session, *, check: bool = False) -> Report:
    report = Report()
    # Counters first: badges read scores and answer counts.
    _counters(session, report, check)
    _tag_counts(session, report, check)
    _ambassadors(session, report, check)
    _badges(session, report, check)
    _reputation(session, report, check)
    _tallies(session, report, check)
    session.flush()
    return report


__all__ = ["Report", "recompute"]
