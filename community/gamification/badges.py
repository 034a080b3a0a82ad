"""The badge table, as data, and the one function that awards from it.

A badge is (slug, name, tier, description, triggers, criterion, threshold,
repeatable). A criterion is a query returning ``(user_id, subject, thread_id,
post_id)`` for every user (or only ``users``) who meets it; events evaluate it for the
users they touch, ``recompute`` for everyone, so both agree. Thresholds can be
overridden with config ``BADGE_THRESHOLDS = {slug: n}``. Badges are never taken back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, exists, func, literal, null, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from ..events import BadgeAwarded, Event, emit
from ..models import BadgeAward, Post, Space, Thread, User, utcnow
from . import rules

TIERS = ("bronze", "silver", "gold")
Row = tuple[int, str, int | None, int | None]
Criterion = Callable[[Session, list[int] | None, int], Iterable[Row]]


@dataclass(frozen=True)
class Badge:
    slug: str
    name: object
    tier: str
    description: object  # may use %(n)s, the threshold
    triggers: tuple[str, ...]
    criterion: Criterion
    threshold: int = 1
    repeatable: bool = False

    @property
    def n(self) -> int:
        overrides = current_app.config["BADGE_THRESHOLDS"]
        return int(overrides.get(self.slug, self.threshold))

    def describe(self) -> str:
        return str(self.description) % {"n": self.n}


def _only(column, users):
    return column.in_(users) if users is not None else True


def _earning():
    """Content in staff spaces earns no badge, as it earns no points (rules.py)."""
    return Thread.space_id.in_(select(Space.id).where(
        Space.visibility.in_(rules.EARNING_VISIBILITIES)))


# ---- criteria ----

def threads_of_kind(kind: str) -> Criterion:
    def run(session, users, n):
        return session.execute(
            select(Thread.author_id, literal(""), func.min(Thread.id), null())
            .where(_earning(), Thread.kind == kind, Thread.deleted_at.is_(None), _only(Thread.author_id, users))
            .group_by(Thread.author_id).having(func.count(Thread.id) >= n)
        ).all()
    return run


def answers(session, users, n):
    return session.execute(
        select(Post.author_id, literal(""), null(), func.min(Post.id))
        .join(Thread, Thread.id == Post.thread_id)
        .where(_earning(), Thread.kind == "question", Post.deleted_at.is_(None), Thread.deleted_at.is_(None),
               _only(Post.author_id, users))
        .group_by(Post.author_id).having(func.count(Post.id) >= n)
    ).all()


def accepted_answers(session, users, n):
    return session.execute(
        select(Post.author_id, literal(""), null(), func.min(Post.id))
        .join(Thread, Thread.accepted_post_id == Post.id)
        .where(_earning(), Post.author_id != Thread.author_id, Post.deleted_at.is_(None),
               Thread.deleted_at.is_(None), _only(Post.author_id, users))
        .group_by(Post.author_id).having(func.count(Post.id) >= n)
    ).all()


def solved_questions(session, users, n):
    return session.execute(
        select(Thread.author_id, literal(""), func.min(Thread.id), null())
        .where(_earning(), Thread.kind == "question", Thread.accepted_post_id.is_not(None),
               Thread.deleted_at.is_(None), _only(Thread.author_id, users))
        .group_by(Thread.author_id).having(func.count(Thread.id) >= n)
    ).all()


def answer_score(session, users, n):
    return session.execute(
        select(Post.author_id, cast(Post.id, String), Post.thread_id, Post.id)
        .join(Thread, Thread.id == Post.thread_id)
        .where(_earning(), Thread.kind == "question", Post.score >= n, Post.deleted_at.is_(None),
               _only(Post.author_id, users))
    ).all()


def idea_score(session, users, n):
    return session.execute(
        select(Thread.author_id, cast(Thread.id, String), Thread.id, null())
        .where(_earning(), Thread.kind == "idea", Thread.score >= n, Thread.deleted_at.is_(None),
               _only(Thread.author_id, users))
    ).all()


def ideas_shipped(session, users, n):
    return session.execute(
        select(Thread.author_id, cast(Thread.id, String), Thread.id, null())
        .where(_earning(), Thread.kind == "idea", Thread.idea_status == "shipped",
               Thread.deleted_at.is_(None), _only(Thread.author_id, users))
    ).all()


def fast_responder(session, users, minutes):
    # Datetime arithmetic differs between SQLite and PostgreSQL: compare in Python,
    # over accepted answers only.
    rows = session.execute(
        select(Post.author_id, Post.id, Thread.id, Post.created_at, Thread.created_at)
        .join(Thread, Thread.accepted_post_id == Post.id)
        .where(_earning(), Post.author_id != Thread.author_id, Post.deleted_at.is_(None),
               _only(Post.author_id, users))
        .order_by(Post.id)
    ).all()
    seen: dict[int, Row] = {}
    for author, post_id, thread_id, answered, asked in rows:
        if answered - asked <= timedelta(minutes=minutes) and author not in seen:
            seen[author] = (author, "", thread_id, post_id)
    return list(seen.values())


def peer_helper(session, users, n):
    """Accepted answers by a member on another member's question, before any staff reply."""
    answerer, asker, staff, earlier = aliased(User), aliased(User), aliased(User), aliased(Post)
    staff_first = exists().where(
        earlier.thread_id == Thread.id, earlier.author_id == staff.id,
        staff.role != "member", earlier.created_at < Post.created_at,
    )
    return session.execute(
        select(Post.author_id, cast(Post.id, String), Thread.id, Post.id)
        .join(Thread, Thread.accepted_post_id == Post.id)
        .join(answerer, answerer.id == Post.author_id)
        .join(asker, asker.id == Thread.author_id)
        .where(_earning(), answerer.role == "member", asker.role == "member",
               Post.author_id != Thread.author_id, Post.deleted_at.is_(None),
               Thread.deleted_at.is_(None), ~staff_first, _only(Post.author_id, users))
    ).all()


# Moderation registers how agreed flags are counted ({user_id: count}) when it is
# installed (moderation.init_app); the curator badges read them.
FLAG_COUNTERS: list[Callable[[Session, list[int] | None], dict[int, int]]] = []


def agreed_flags(session, users, n):
    counts: dict[int, int] = {}
    for counter in FLAG_COUNTERS:
        for user_id, count in counter(session, users).items():
            counts[user_id] = counts.get(user_id, 0) + count
    return [(u, "", None, None) for u, c in counts.items() if c >= n]


def ambassadors(session, users, n):
    return session.execute(
        select(User.id, literal(""), null(), null())
        .where(User.is_ambassador.is_(True), _only(User.id, users))
    ).all()


B = Badge
BADGES: tuple[Badge, ...] = (
    B("first-question", _l("First question"), "bronze", _l("Asked a first question."),
      ("ThreadCreated",), threads_of_kind("question")),
    B("first-idea", _l("First idea"), "bronze", _l("Proposed a first idea."),
      ("ThreadCreated",), threads_of_kind("idea")),
    B("first-answer", _l("First answer"), "bronze", _l("Answered a first question."),
      ("PostCreated",), answers),
    B("solved", _l("Solved"), "bronze", _l("Asked a question that got an accepted answer."),
      ("AnswerAccepted",), solved_questions),
    B("nice-answer", _l("Nice answer"), "bronze", _l("An answer reached a score of %(n)s."),
      ("Voted",), answer_score, 5, True),
    B("good-answer", _l("Good answer"), "silver", _l("An answer reached a score of %(n)s."),
      ("Voted",), answer_score, 10, True),
    B("great-answer", _l("Great answer"), "gold", _l("An answer reached a score of %(n)s."),
      ("Voted",), answer_score, 25, True),
    B("helper", _l("Helper"), "bronze", _l("Posted %(n)s answers."), ("PostCreated",), answers, 10),
    B("dedicated-helper", _l("Dedicated helper"), "silver", _l("Posted %(n)s answers."),
      ("PostCreated",), answers, 50),
    B("tireless-helper", _l("Tireless helper"), "gold", _l("Posted %(n)s answers."),
      ("PostCreated",), answers, 200),
    B("problem-solver", _l("Problem solver"), "bronze",
      _l("%(n)s of your answers accepted on other people's questions."),
      ("AnswerAccepted",), accepted_answers, 1),
    B("troubleshooter", _l("Troubleshooter"), "silver",
      _l("%(n)s of your answers accepted on other people's questions."),
      ("AnswerAccepted",), accepted_answers, 10),
    B("guru", _l("Guru"), "gold", _l("%(n)s of your answers accepted on other people's questions."),
      ("AnswerAccepted",), accepted_answers, 50),
    B("popular-idea", _l("Popular idea"), "bronze", _l("An idea reached %(n)s votes."),
      ("Voted",), idea_score, 10, True),
    B("hot-idea", _l("Hot idea"), "silver", _l("An idea reached %(n)s votes."),
      ("Voted",), idea_score, 50, True),
    B("community-favourite", _l("Community favourite"), "gold", _l("An idea reached %(n)s votes."),
      ("Voted",), idea_score, 100, True),
    B("idea-shipped", _l("Idea shipped"), "silver", _l("An idea you proposed was shipped."),
      ("IdeaStatusChanged",), ideas_shipped, 1, True),
    B("fast-responder", _l("Fast responder"), "bronze",
      _l("Answered within %(n)s minutes of the question, and the answer was accepted."),
      ("AnswerAccepted",), fast_responder, 60),
    B("peer-helper", _l("Peer helper"), "silver",
      _l("Your answer was accepted on another member's question before any employee replied."),
      ("AnswerAccepted",), peer_helper, 1, True),
    B("curator", _l("Curator"), "bronze", _l("%(n)s of your flags were agreed by moderators."),
      ("FlagAgreed",), agreed_flags, 1),
    B("steward", _l("Steward"), "silver", _l("%(n)s of your flags were agreed by moderators."),
      ("FlagAgreed",), agreed_flags, 25),
    B("ambassador", _l("Ambassador"), "gold",
      _l("Confirmed by the community team as one of the members who help most."),
      ("AmbassadorConfirmed",), ambassadors),
)
BY_SLUG = {b.slug: b for b in BADGES}


def award_key(badge: Badge, user_id: int, subject: str) -> str:
    return f"{badge.slug}:{user_id}:{subject}" if badge.repeatable else f"{badge.slug}:{user_id}"


def award(session: Session, badge: Badge, user_id: int, subject: str = "",
          thread_id: int | None = None, post_id: int | None = None, *, at=None) -> bool:
    """Award once per key; True when this call awarded it."""
    ins = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    award_id = session.execute(
        ins(BadgeAward)
        .values(user_id=user_id, badge=badge.slug, key=award_key(badge, user_id, subject),
                thread_id=thread_id, post_id=post_id, awarded_at=at or utcnow())
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(BadgeAward.id)
    ).scalar()
    if award_id is None:
        return False
    emit(session, BadgeAwarded(user_id=user_id, badge=badge.slug, award_id=award_id,
                               thread_id=thread_id, post_id=post_id))
    return True


def evaluate(session: Session, event: Event | str, users: list[int]) -> int:
    """Award every badge triggered by ``event`` that ``users`` now meet."""
    name = event if isinstance(event, str) else type(event).__name__
    users = sorted({u for u in users if u is not None})
    if not users:
        return 0
    awarded = 0
    for badge in BADGES:
        if name in badge.triggers:
            for user_id, subject, thread_id, post_id in badge.criterion(session, users, badge.n):
                awarded += award(session, badge, user_id, str(subject or ""), thread_id, post_id)
    return awarded


def holders(session: Session) -> dict[str, int]:
    return dict(session.execute(
        select(BadgeAward.badge, func.count(func.distinct(BadgeAward.user_id)))
        .group_by(BadgeAward.badge)
    ).all())


def user_badges(session: Session, user_id: int) -> list[dict]:
    """A user's badges, newest first, a repeatable badge once with its count."""
    rows = session.execute(
        select(BadgeAward.badge, func.count(BadgeAward.id), func.min(BadgeAward.awarded_at))
        .where(BadgeAward.user_id == user_id)
        .group_by(BadgeAward.badge).order_by(func.min(BadgeAward.awarded_at).desc())
    ).all()
    out = []
    for slug, count, first in rows:
        badge = BY_SLUG.get(slug)
        if badge is None:
            continue
        out.append({"slug": slug, "name": str(badge.name), "tier": badge.tier,
                    "awarded_at": first, "count": count, "description": badge.describe()})
    return out


__all__ = ["BADGES", "BY_SLUG", "TIERS", "Badge", "award", "evaluate", "holders",
           "user_badges"]
