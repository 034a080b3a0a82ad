"""Event subscribers that turn domain events into ledger rows, level-ups and badges.

Every rule writes through ``settle``: a *cause* (one vote of one voter on one post,
one accepted answer, one shipped idea) has a target amount given the content as it
is now, and ``settle`` appends the rows that move the cause's net sum to it. Keys
are ``<cause>#<n>`` where n counts the cause's rows, so the same event applied twice
is a no-op, undoing writes a reversing row, and vote–unvote–vote nets one vote.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..events import (
    AnswerAccepted,
    AnswerUnaccepted,
    FlagAgreed,
    IdeaStatusChanged,
    LevelUp,
    PostCreated,
    PostDeleted,
    PostRestored,
    ThreadCreated,
    Voted,
    emit,
    on,
)
from ..models import Post, Space, Thread, User, Vote, utcnow
from ..models.ledger import LedgerEntry
from . import badges, rules
from .ledger import add_entry, cause_state
from .levels import level_number


def _vote_points_today(session: Session, user_id: int, now: datetime) -> int:
    midnight = datetime.combine(now.date(), time.min, tzinfo=now.tzinfo)
    return session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.points), 0)).where(
            LedgerEntry.user_id == user_id, LedgerEntry.created_at >= midnight,
            LedgerEntry.reason.in_(rules.CAPPED_REASONS), LedgerEntry.points > 0,
        )
    )


def _earns(session: Session, thread_id: int) -> bool:
    visibility = session.scalar(select(Space.visibility).join(Thread, Thread.space_id == Space.id)
                                .where(Thread.id == thread_id))
    return visibility is None or visibility in rules.EARNING_VISIBILITIES


def settle(
    session: Session,
    *,
    user_id: int,
    cause: str,
    target: int,
    reason: str,
    thread_id: int | None = None,
    post_id: int | None = None,
    actor_id: int | None = None,
    capped: bool = False,
    now: datetime | None = None,
) -> int:
    """Bring ``cause``'s net points for ``user_id`` to ``target``; returns the rows written.

    A cause in a thread outside the earning spaces (rules.EARNING_VISIBILITIES) has a
    target of 0: staff-only activity never shows in public reputation or its history.
    """
    now = now or utcnow()
    if thread_id is not None and not _earns(session, thread_id):
        target = 0
    net, count = cause_state(session, cause)
    if net == target or (capped and 0 < net <= target):
        return 0
    before = session.scalar(select(User.reputation).where(User.id == user_id))
    written = 0

    def write(points: int, why: str) -> None:
        nonlocal count, written
        if add_entry(session, user_id=user_id, points=points, reason=why, key=f"{cause}#{count}",
                     thread_id=thread_id, post_id=post_id, actor_id=actor_id, created_at=now):
            written += 1
        count += 1

    if net != 0:
        write(-net, "reversal")
    if target != 0:
        amount = target
        cap = rules.daily_vote_cap() if capped and target > 0 else None
        if cap is not None:
            # Votes on two of someone's posts at once must not both fit under the cap:
            # lock the earner (PostgreSQL; SQLite already serialises writers).
            session.execute(select(User.id).where(User.id == user_id).with_for_update())
            amount = max(0, min(target, cap - _vote_points_today(session, user_id, now)))
        if amount:
            write(amount, reason)
    if written:
        after = session.scalar(select(User.reputation).where(User.id == user_id))
        old_level, new_level = level_number(before or 1), level_number(after or 1)
        if new_level > old_level:
            emit(session, LevelUp(user_id=user_id, old_level=old_level, new_level=new_level,
                                  reputation=after))
    return written


# ---- votes ----

def settle_vote(session: Session, *, target_type: str, target_id: int, voter_id: int,
                value: int, capped: bool = True) -> None:
    if target_type == "post":
        post = session.get(Post, target_id)
        if post is None:
            return
        thread, owner_id, gone = post.thread, post.author_id, post.deleted_at is not None
        post_id = post.id
    else:
        thread = session.get(Thread, target_id)
        if thread is None:
            return
        owner_id, gone, post_id = thread.author_id, False, None
    gone = gone or thread.deleted_at is not None
    if owner_id == voter_id or gone:
        value = 0  # no points for your own content, none for deleted content
    if value == 1:
        received, reason = rules.points(rules.upvote_rule(target_type, thread.kind)), "upvote_received"
    elif value == -1:
        received, reason = rules.points("downvote_received"), "downvote_received"
    else:
        received, reason = 0, "reversal"
    where = f"{target_type}:{target_id}:{voter_id}"
    settle(session, user_id=owner_id, cause=f"vote:{where}", target=received, reason=reason,
           thread_id=thread.id, post_id=post_id, actor_id=voter_id,
           capped=capped and value == 1)
    settle(session, user_id=voter_id, cause=f"downvote:{where}",
           target=rules.points("downvote_cast") if value == -1 else 0, reason="downvote_cast",
           thread_id=thread.id, post_id=post_id, actor_id=voter_id)


@on(Voted)
def _on_voted(session: Session, ev: Voted) -> None:
    settle_vote(session, target_type=ev.target_type, target_id=ev.target_id,
                voter_id=ev.voter_id, value=ev.new_value)
    badges.evaluate(session, ev, [ev.owner_id])


# ---- accepted answers ----

def settle_accept(session: Session, thread: Thread, post: Post, *, accepted: bool,
                  by_id: int | None) -> None:
    own = post.author_id == thread.author_id
    live = accepted and post.deleted_at is None and thread.deleted_at is None and not own
    settle(session, user_id=post.author_id, cause=f"accepted:{post.id}",
           target=rules.points("answer_accepted") if live else 0, reason="accepted",
           thread_id=thread.id, post_id=post.id, actor_id=by_id)
    # The asker earns for accepting only when the asker did it.
    net, _count = cause_state(session, f"accepting:{post.id}")
    asker_accepts = live and (by_id == thread.author_id or net > 0)
    settle(session, user_id=thread.author_id, cause=f"accepting:{post.id}",
           target=rules.points("accepting") if asker_accepts else 0, reason="accepting",
           thread_id=thread.id, post_id=post.id, actor_id=by_id)


@on(AnswerAccepted)
def _on_accepted(session: Session, ev: AnswerAccepted) -> None:
    thread = session.get(Thread, ev.thread_id)
    if ev.previous_post_id is not None:
        previous = session.get(Post, ev.previous_post_id)
        if previous is not None:
            settle_accept(session, thread, previous, accepted=False, by_id=ev.by_id)
    post = session.get(Post, ev.post_id)
    settle_accept(session, thread, post, accepted=True, by_id=ev.by_id)
    badges.evaluate(session, ev, [post.author_id, thread.author_id])


@on(AnswerUnaccepted)
def _on_unaccepted(session: Session, ev: AnswerUnaccepted) -> None:
    post = session.get(Post, ev.post_id)
    if post is not None:
        settle_accept(session, post.thread, post, accepted=False, by_id=ev.by_id)


# ---- deleted and restored posts ----

@on(PostDeleted)
def _on_post_deleted(session: Session, ev: PostDeleted) -> None:
    """Every cause tied to the post goes back to zero: votes received, the downvote
    cost its voters paid, the accepted answer and the asker's accepting points."""
    cause = func.coalesce(LedgerEntry.cause, LedgerEntry.key)
    rows = session.execute(
        select(cause, LedgerEntry.user_id, func.sum(LedgerEntry.points))
        .where(LedgerEntry.post_id == ev.post_id)
        .group_by(cause, LedgerEntry.user_id)
    ).all()
    for name, user_id, net in rows:
        if net:
            settle(session, user_id=user_id, cause=name, target=0, reason="reversal",
                   thread_id=ev.thread_id, post_id=ev.post_id,
                   # 0: hidden by the system (flags, an erasure), which is no account.
                   actor_id=ev.by_id or None)


@on(PostRestored)
def _on_post_restored(session: Session, ev: PostRestored) -> None:
    # Points the post's standing votes had earned come back, outside the daily cap:
    # they were earned on the days the votes were cast.
    votes = session.execute(
        select(Vote.user_id, Vote.value).where(Vote.target_type == "post",
                                                Vote.target_id == ev.post_id)
    ).all()
    for voter_id, value in votes:
        settle_vote(session, target_type="post", target_id=ev.post_id, voter_id=voter_id,
                    value=value, capped=False)
    # Imported history (points the post earned elsewhere) comes back as it was.
    imported = session.execute(
        select(LedgerEntry.key, LedgerEntry.user_id, LedgerEntry.points)
        .where(LedgerEntry.post_id == ev.post_id, LedgerEntry.reason == "imported")
    ).all()
    for key, user_id, points in imported:
        settle(session, user_id=user_id, cause=key.rsplit("#", 1)[0] if "#" in key else key,
               target=points, reason="imported", thread_id=ev.thread_id, post_id=ev.post_id,
               actor_id=ev.by_id)


# ---- ideas, new content ----

@on(IdeaStatusChanged)
def _on_idea_status(session: Session, ev: IdeaStatusChanged) -> None:
    thread = session.get(Thread, ev.thread_id)
    shipped = ev.new_status == "shipped" and thread.deleted_at is None
    settle(session, user_id=thread.author_id, cause=f"idea_shipped:{thread.id}",
           target=rules.points("idea_shipped") if shipped else 0, reason="idea_shipped",
           thread_id=thread.id, actor_id=ev.by_id)
    badges.evaluate(session, ev, [thread.author_id])


@on(ThreadCreated)
def _on_thread_created(session: Session, ev: ThreadCreated) -> None:
    badges.evaluate(session, ev, [ev.author_id])


@on(PostCreated)
def _on_post_created(session: Session, ev: PostCreated) -> None:
    badges.evaluate(session, ev, [ev.author_id])


@on(FlagAgreed)
def _on_flag_agreed(session: Session, ev: FlagAgreed) -> None:
    badges.evaluate(session, ev, [ev.flagger_id])
