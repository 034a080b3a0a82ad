"""Ambassadors: proposed by the rule, confirmed by a moderator, reviewed every period.

The rule (config): a member in the top ``AMBASSADOR_TOP_SHARE`` of members by
reputation earned over the last ``AMBASSADOR_WINDOW_DAYS`` days, with at least
``AMBASSADOR_MIN_POINTS`` of it. A confirmed status is due for review after the
same window; ``review`` renews it while the rule holds, and lapses it otherwise
unless a moderator renewed it first.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from .. import permissions as perm
from ..errors import ValidationFailed
from ..extensions import db
from ..lifecycle import one_pass
from ..models import AmbassadorDecision, LedgerEntry, Post, Thread, User, utcnow
from . import badges

log = logging.getLogger(__name__)

ACTIVE = ("confirmed", "renewed")


def window() -> timedelta:
    return timedelta(days=int(current_app.config["AMBASSADOR_WINDOW_DAYS"]))


@dataclass
class Candidate:
    user: User
    points: int
    rank: int


def _ranked(session: Session, now: datetime, size: int) -> list[tuple[int, int]]:
    """(member, points earned in the window), best first, the first ``size`` of them."""
    earned = func.sum(LedgerEntry.points)
    return [(uid, int(pts)) for uid, pts in session.execute(
        select(LedgerEntry.user_id, earned)
        .join(User, User.id == LedgerEntry.user_id)
        .where(User.role == "member", LedgerEntry.created_at >= now - window(),
               LedgerEntry.created_at <= now)
        .group_by(LedgerEntry.user_id)
        .order_by(earned.desc(), LedgerEntry.user_id).limit(size)
    )]


def _top_size(session: Session) -> int:
    members = session.scalar(select(func.count(User.id)).where(User.role == "member")) or 0
    return max(1, math.ceil(members * float(current_app.config["AMBASSADOR_TOP_SHARE"])))


def top_members(session: Session, *, now: datetime | None = None,
                ranked: list[tuple[int, int]] | None = None) -> list[Candidate]:
    """Members who meet the rule now, best first (ambassadors included); ``ranked``, a
    longer ranking already read, saves reading it again."""
    now = now or utcnow()
    minimum = int(current_app.config["AMBASSADOR_MIN_POINTS"])
    size = _top_size(session)
    ranked = _ranked(session, now, size) if ranked is None else ranked[:size]
    rows = [(uid, pts) for uid, pts in ranked if pts >= minimum]
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_([r[0] for r in rows])))}
    return [Candidate(users[uid], int(pts), i + 1) for i, (uid, pts) in enumerate(rows)]


def pipeline(session: Session, *, share: float = 0.75, now: datetime | None = None) -> dict:
    """``candidates``: how many members the rule proposes (``proposals``); ``near_rule``:
    members, not ambassadors, who meet at least ``share`` of each criterion of the rule
    (a rank within the top size divided by ``share``, ``share`` of the minimum points)
    but not the whole rule — the ambassadors to come. One ranking serves both."""
    now = now or utcnow()
    size = _top_size(session)
    minimum = int(current_app.config["AMBASSADOR_MIN_POINTS"])
    ranked = _ranked(session, now, math.floor(size / share))
    close = [uid for rank, (uid, pts) in enumerate(ranked, start=1)
             if pts >= share * minimum and not (rank <= size and pts >= minimum)]
    ambassadors_now = set(session.scalars(select(User.id).where(
        User.id.in_(close), User.is_ambassador.is_(True)))) if close else set()
    return {"candidates": len(proposals(session, now=now, ranked=ranked)),
            "near_rule": sum(1 for uid in close if uid not in ambassadors_now)}


def latest(session: Session, user_ids: list[int]) -> dict[int, AmbassadorDecision]:
    if not user_ids:
        return {}
    newest = (
        select(func.max(AmbassadorDecision.id))
        .where(AmbassadorDecision.user_id.in_(user_ids))
        .group_by(AmbassadorDecision.user_id)
    )
    return {d.user_id: d for d in session.scalars(
        select(AmbassadorDecision).where(AmbassadorDecision.id.in_(newest)))}


def proposals(session: Session, *, now: datetime | None = None,
              ranked: list[tuple[int, int]] | None = None) -> list[Candidate]:
    """Members the rule picks who are not ambassadors and were not declined this window."""
    now = now or utcnow()
    candidates = [c for c in top_members(session, now=now, ranked=ranked)
                  if not c.user.is_ambassador]
    decisions = latest(session, [c.user.id for c in candidates])
    out = []
    for c in candidates:
        d = decisions.get(c.user.id)
        if d is not None and d.decision == "declined" and d.created_at > now - window():
            continue
        out.append(c)
    return out


def ambassadors(session: Session) -> list[tuple[User, AmbassadorDecision | None]]:
    users = list(session.scalars(select(User).where(User.is_ambassador.is_(True)).order_by(User.username)))
    decisions = latest(session, [u.id for u in users])
    return [(u, decisions.get(u.id)) for u in users]


def _decide(session: Session, user: User, decision: str, *, by: User | None, now: datetime,
            note: str | None = None) -> AmbassadorDecision:
    row = AmbassadorDecision(
        user_id=user.id, decision=decision, by_id=by.id if by else None, created_at=now,
        note=(note or "").strip()[:500] or None,
        review_due_at=now + window() if decision in ACTIVE else None,
    )
    session.add(row)
    user.is_ambassador = decision in ACTIVE
    session.flush()
    return row


def confirm(session: Session, user: User, *, by: User, now: datetime | None = None,
            note: str | None = None) -> AmbassadorDecision:
    perm.check_manage_ambassadors(by)
    if user.role != "member":
        raise ValidationFailed(_("Only members can be ambassadors."),
                               {"user": [_("Staff are not ambassadors.")]})
    row = _decide(session, user, "renewed" if user.is_ambassador else "confirmed", by=by,
                  now=now or utcnow(), note=note)
    badges.evaluate(session, "AmbassadorConfirmed", [user.id])
    return row


def renew(session: Session, user: User, *, by: User, now: datetime | None = None) -> AmbassadorDecision:
    return confirm(session, user, by=by, now=now)


def decline(session: Session, user: User, *, by: User, now: datetime | None = None,
            note: str | None = None) -> AmbassadorDecision:
    """Not now: the member is not proposed again during this window. Declining an
    ambassador ends the status."""
    perm.check_manage_ambassadors(by)
    return _decide(session, user, "declined", by=by, now=now or utcnow(), note=note)


def due_for_review(session: Session, *, now: datetime | None = None):
    now = now or utcnow()
    return [(u, d) for u, d in ambassadors(session) if d is None or d.review_due_at is None
            or d.review_due_at <= now]


def review(session: Session, *, now: datetime | None = None) -> dict[str, list[str]]:
    """Renew the ambassadors whose review is due and who still meet the rule; lapse the rest."""
    now = now or utcnow()
    due = due_for_review(session, now=now)
    if not due:
        return {"renewed": [], "lapsed": []}
    still = {c.user.id for c in top_members(session, now=now)}
    out: dict[str, list[str]] = {"renewed": [], "lapsed": []}
    for user, _decision in due:
        if user.id in still:
            _decide(session, user, "renewed", by=None, now=now, note="rule still holds")
            out["renewed"].append(user.username)
        else:
            _decide(session, user, "lapsed", by=None, now=now)
            out["lapsed"].append(user.username)
    return out


def participation(session: Session, *, now: datetime | None = None) -> dict:
    """The 90-9-1 shape: members who only read, contributed 1–9 times, 10+ times."""
    now = now or utcnow()
    since = now - window()
    contributions = union_all(
        select(Thread.author_id.label("uid")).where(Thread.created_at >= since, Thread.created_at <= now),
        select(Post.author_id.label("uid")).where(Post.created_at >= since, Post.created_at <= now),
    ).subquery()
    per_user = session.execute(
        select(contributions.c.uid, func.count())
        .join(User, User.id == contributions.c.uid)
        .where(User.role == "member").group_by(contributions.c.uid)
    ).all()
    members = session.scalar(
        select(func.count(User.id)).where(User.role == "member", User.created_at <= now)) or 0
    some = sum(1 for _uid, n in per_user if n < 10)
    many = sum(1 for _uid, n in per_user if n >= 10)
    readers = max(0, members - some - many)

    def share(n: int) -> float:
        return round(100.0 * n / members, 1) if members else 0.0

    return {"members": members, "readers": readers, "contributors": some, "heavy": many,
            "readers_pct": share(readers), "contributors_pct": share(some),
            "heavy_pct": share(many), "since": since}


def run_reviewer(app, *, interval: float | None = None, rounds: int | None = None) -> None:
    """The background loop of `serve` and `worker`: the 90-day reviews, once a day.

    A review only touches decisions that are due, so running it often is harmless."""
    from ..extensions import socketio

    interval = interval or app.config["AMBASSADOR_REVIEW_INTERVAL"]
    done = 0
    while rounds is None or done < rounds:
        with one_pass(), app.app_context():
            try:
                out = review(db.session)
                db.session.commit()
                if out["renewed"] or out["lapsed"]:
                    log.info("ambassador review: %s", out)
            except Exception:
                db.session.rollback()
                log.exception("ambassador review failed")
            finally:
                db.session.remove()
        done += 1
        if rounds is None or done < rounds:
            socketio.sleep(interval)
