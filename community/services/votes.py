"""Votes and accepted answers, atomic in the database.

Every change is a conditional statement whose row count says whether it happened,
so twenty identical concurrent votes give one vote and the score moves once.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .. import permissions as perm
from ..errors import ValidationFailed
from ..events import AnswerAccepted, AnswerUnaccepted, Voted, emit
from ..models import Post, Thread, User, Vote, utcnow


def _target(target: Thread | Post) -> tuple[str, type, Thread]:
    if isinstance(target, Thread):
        return "thread", Thread, target
    return "post", Post, target.thread


def _insert_vote(session: Session, **values) -> bool:
    """Whether the vote row was inserted (False: the user already had one)."""
    dialect = session.get_bind().dialect.name
    ins = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # RETURNING, not rowcount: an ORM-entity insert reports rowcount -1 on PostgreSQL.
    return session.execute(
        ins(Vote).values(**values).on_conflict_do_nothing(
            index_elements=["user_id", "target_type", "target_id"]
        ).returning(Vote.id)
    ).first() is not None


def cast_vote(session: Session, target: Thread | Post, *, by: User, value: int) -> int:
    """Set ``by``'s vote on ``target`` to ``value``; returns the new score."""
    if value not in (1, -1):
        raise ValidationFailed(_("A vote is 1 or -1."), {"value": [_("Use 1 or -1.")]})
    kind, model, thread = _target(target)
    if kind == "post":
        perm.require_post(by, target)
    perm.check_vote(by, owner_id=target.author_id, value=value, thread=thread)

    old = 0
    if _insert_vote(session, user_id=by.id, target_type=kind, target_id=target.id,
                    value=value, created_at=utcnow()):
        delta = value
    elif session.execute(
        update(Vote)
        .where(Vote.user_id == by.id, Vote.target_type == kind, Vote.target_id == target.id,
               Vote.value != value)
        .values(value=value, created_at=utcnow())
    ).rowcount:
        old, delta = -value, 2 * value
    else:
        return target.score
    session.execute(update(model).where(model.id == target.id).values(score=model.score + delta))
    session.refresh(target, ["score"])
    emit(session, Voted(target_type=kind, target_id=target.id, thread_id=thread.id,
                        voter_id=by.id, owner_id=target.author_id, old_value=old, new_value=value))
    return target.score


def remove_vote(session: Session, target: Thread | Post, *, by: User) -> int:
    kind, model, thread = _target(target)
    if kind == "post":
        perm.require_post(by, target)
    perm.require_thread(by, thread)
    old = session.execute(
        delete(Vote)
        .where(Vote.user_id == by.id, Vote.target_type == kind, Vote.target_id == target.id)
        .returning(Vote.value)
    ).scalar()
    if old is None:
        return target.score
    session.execute(update(model).where(model.id == target.id).values(score=model.score - old))
    session.refresh(target, ["score"])
    emit(session, Voted(target_type=kind, target_id=target.id, thread_id=thread.id,
                        voter_id=by.id, owner_id=target.author_id, old_value=old, new_value=0))
    return target.score


def accept_answer(session: Session, thread: Thread, post: Post, *, by: User) -> bool:
    perm.check_accept(by, thread)
    perm.require_post(by, post)
    if thread.kind != "question":
        raise ValidationFailed(_("Only questions have an accepted answer."),
                               {"post_id": [_("This thread is not a question.")]})
    if post.thread_id != thread.id or post.deleted_at is not None:
        raise ValidationFailed(_("This answer is not in this question."),
                               {"post_id": [_("Choose an answer of this question.")]})
    if post.merged_title is not None:
        raise ValidationFailed(_("A merged question is not an answer."),
                               {"post_id": [_("Choose an answer of this question.")]})
    previous = thread.accepted_post_id
    # Conditional update: of two concurrent accepts each sees the row as it is when
    # it takes the write lock, and there is only one column to hold the answer.
    changed = session.execute(
        update(Thread)
        .where(Thread.id == thread.id,
               (Thread.accepted_post_id.is_(None)) | (Thread.accepted_post_id != post.id))
        .values(accepted_post_id=post.id, last_activity_at=utcnow())
        .returning(Thread.id)
    ).first()
    session.refresh(thread, ["accepted_post_id", "last_activity_at"])
    if not changed:
        return False
    emit(session, AnswerAccepted(thread_id=thread.id, post_id=post.id, by_id=by.id,
                                 previous_post_id=previous))
    return True


def unaccept_answer(session: Session, thread: Thread, *, by: User) -> bool:
    perm.check_accept(by, thread)
    old = thread.accepted_post_id
    if old is None:
        return False
    changed = session.execute(
        update(Thread)
        .where(Thread.id == thread.id, Thread.accepted_post_id == old)
        .values(accepted_post_id=None)
    ).rowcount
    session.refresh(thread, ["accepted_post_id"])
    if changed:
        emit(session, AnswerUnaccepted(thread_id=thread.id, post_id=old, by_id=by.id))
    return bool(changed)
