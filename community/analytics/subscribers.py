"""The domain events keep each question's timeline, its day's rollup and the authors'
contribution counts current, inside the transaction that changed the content."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..events import (
    AnswerAccepted,
    AnswerUnaccepted,
    CaseChanged,
    IdeaStatusChanged,
    PostCreated,
    PostDeleted,
    PostRestored,
    ThreadCreated,
    ThreadDeleted,
    ThreadEdited,
    ThreadMarkedDuplicate,
    ThreadRestored,
    on,
)
from ..models import Post, Thread, utcnow
from ..models.analytics import IdeaDecision, QuestionTimeline
from . import facts, rollups

UNDECIDED = ("new", "under_review")


def refresh_thread(session: Session, thread_id: int) -> None:
    facts.sync_daily(session, facts.sync_timelines(session, [thread_id]))


@on(ThreadCreated)
def thread_created(session: Session, ev: ThreadCreated) -> None:
    if ev.kind == "question":
        refresh_thread(session, ev.thread_id)
    thread = session.get(Thread, ev.thread_id)
    facts.sync_contributions(session, thread.author_id, thread.created_at.date())


@on(PostCreated)
@on(PostDeleted)
@on(PostRestored)
def post_changed(session: Session, ev) -> None:
    refresh_thread(session, ev.thread_id)
    post = session.get(Post, ev.post_id)
    facts.sync_contributions(session, post.author_id, post.created_at.date())


@on(AnswerAccepted)
@on(AnswerUnaccepted)
@on(CaseChanged)
@on(ThreadMarkedDuplicate)
def resolution_changed(session: Session, ev) -> None:
    refresh_thread(session, ev.thread_id)


@on(ThreadDeleted)
@on(ThreadRestored)
def thread_hidden_or_shown(session: Session, ev) -> None:
    refresh_thread(session, ev.thread_id)
    thread = session.get(Thread, ev.thread_id)
    facts.sync_contributions(session, thread.author_id, thread.created_at.date())
    if getattr(ev, "merged_into_id", None):  # its posts now answer the target
        refresh_thread(session, ev.merged_into_id)


@on(ThreadEdited)
def thread_edited(session: Session, ev: ThreadEdited) -> None:
    """Its tags may have changed: the per-tag rollups of its day (the timeline itself
    holds no tag)."""
    row = session.get(QuestionTimeline, ev.thread_id)
    if row is not None:
        rollups.sync(session, {(row.asked_day, row.space_id)})


@on(IdeaStatusChanged)
def idea_decided(session: Session, ev: IdeaStatusChanged) -> None:
    """Only the first decision counts: an idea planned, then declined, was decided once."""
    if ev.old_status not in UNDECIDED or ev.new_status in UNDECIDED:
        return
    if session.get(IdeaDecision, ev.thread_id) is not None:
        return
    thread, now = session.get(Thread, ev.thread_id), utcnow()
    session.add(IdeaDecision(thread_id=thread.id, status=ev.new_status, decided_at=now,
                             seconds=max(int((now - thread.created_at).total_seconds()), 0)))
    session.flush()
