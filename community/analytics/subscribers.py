"""The domain events keep each question's timeline, its day's rollup and the authors'
contribution counts current, inside the transaction that changed the content."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..events import (
    AnswerAccepted,
    AnswerUnaccepted,
    CaseChanged,
    PostCreated,
    PostDeleted,
    PostRestored,
    ThreadCreated,
    on,
)
from ..models import Post, Thread
from . import facts


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
def resolution_changed(session: Session, ev) -> None:
    refresh_thread(session, ev.thread_id)
