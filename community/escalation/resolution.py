"""How a thread was resolved: by a peer, by an employee before any escalation, or
through a case; with the time to first response and to resolution."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..models import Post, Thread, User
from ..models.escalation import Case, ThreadResolution


def _first_response_at(session: Session, thread: Thread) -> datetime | None:
    return session.scalar(select(func.min(Post.created_at)).where(
        Post.thread_id == thread.id, Post.author_id != thread.author_id, Post.deleted_at.is_(None)))


def classify(session: Session, thread: Thread, *, case: Case | None, post: Post | None) -> str:
    if post is not None and not post.author.is_staff:
        return "peer"
    first_case = session.scalar(select(func.min(Case.opened_at)).where(Case.thread_id == thread.id))
    if case is None and (first_case is None or (post is not None and post.created_at < first_case)):
        return "employee"
    return "case"


def record_resolution(session: Session, thread: Thread, *, now: datetime, case: Case | None = None,
                      post: Post | None = None) -> ThreadResolution:
    if post is None and thread.accepted_post_id is not None:
        post = session.get(Post, thread.accepted_post_id)
    kind = classify(session, thread, case=case, post=post)
    first = _first_response_at(session, thread)
    if case is not None and case.first_response_at is not None:
        first = min(first, case.first_response_at) if first else case.first_response_at
    row = session.scalar(select(ThreadResolution).where(ThreadResolution.thread_id == thread.id))
    if row is None:
        row = ThreadResolution(thread_id=thread.id)
        session.add(row)
    row.resolved_by = kind
    row.case_id = case.id if case is not None else row.case_id
    row.post_id = post.id if post is not None else None
    row.resolved_at = now
    row.first_response_seconds = int((first - thread.created_at).total_seconds()) if first else None
    row.resolution_seconds = max(int((now - thread.created_at).total_seconds()), 0)
    session.flush()
    return row


def forget_resolution(session: Session, thread_id: int) -> None:
    session.execute(delete(ThreadResolution).where(ThreadResolution.thread_id == thread_id))


__all__ = ["User", "classify", "forget_resolution", "record_resolution"]
