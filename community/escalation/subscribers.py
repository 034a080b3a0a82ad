"""What the rest of the community does to cases: a staff answer is the first
response, the asker's reply restarts a paused clock, an accepted answer resolves."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..events import AnswerAccepted, AnswerUnaccepted, PostCreated, on
from ..models import Post, Thread
from ..models.escalation import ThreadResolution
from . import cases
from .notify import notify_case
from .resolution import forget_resolution, record_resolution


@on(PostCreated)
def first_response(session: Session, ev: PostCreated) -> None:
    case = cases.open_case_of(session, ev.thread_id)
    if case is None:
        return
    post = session.get(Post, ev.post_id)
    if post is None:
        return
    if post.author.is_staff and post.author_id != case.thread.author_id:
        if case.first_response_at is None:
            case.first_response_at = post.created_at
            cases.record(session, case, "first_response", actor_id=post.author_id,
                         now=post.created_at, post_id=post.id)
            session.flush()
        # The same occasion as the fan-out's "answer_posted": the asker hears it once.
        notify_case(session, "case_answered", case, recipients=[case.thread.author_id],
                    actor_id=post.author_id, post=post, occasion=ev)
    elif post.author_id == case.thread.author_id and case.state == "waiting_customer":
        cases.transition(session, case, "start", by=None, actor_id=post.author_id,
                         now=post.created_at)


@on(AnswerAccepted)
def resolve_on_accept(session: Session, ev: AnswerAccepted) -> None:
    thread = session.get(Thread, ev.thread_id)
    post = session.get(Post, ev.post_id)
    if thread is None or post is None:
        return
    case = cases.open_case_of(session, thread.id)
    if case is not None:
        cases.transition(session, case, "resolve", by=None, actor_id=ev.by_id)
        # transition() recorded a "case" resolution; an accepted peer answer says more.
    record_resolution(session, thread, now=case.resolved_at if case else cases.utcnow(),
                      case=case, post=post)


@on(AnswerUnaccepted)
def unresolve_on_unaccept(session: Session, ev: AnswerUnaccepted) -> None:
    row = session.scalar(select(ThreadResolution).where(ThreadResolution.thread_id == ev.thread_id))
    if row is not None and row.post_id == ev.post_id and cases.open_case_of(session, ev.thread_id) is None:
        latest = cases.latest_case(session, ev.thread_id)
        if latest is None or latest.resolved_at is None or row.case_id != latest.id:
            forget_resolution(session, ev.thread_id)
