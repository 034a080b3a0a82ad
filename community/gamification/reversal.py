"""Reversing every vote of a user (serial voting, a suspended account) in one action."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from .. import permissions as perm
from ..events import Voted, emit
from ..models import Post, Thread, User, Vote


def reverse_votes(session: Session, user: User, *, by: User) -> int:
    """Remove all of ``user``'s votes; scores move back and the ledger gets reversal
    rows (points their votes gave, and the downvote cost they paid). Returns the count."""
    perm.check_reverse_votes(by, user)
    removed = session.execute(
        delete(Vote).where(Vote.user_id == user.id)
        .returning(Vote.target_type, Vote.target_id, Vote.value)
    ).all()
    for kind, target_id, value in sorted(removed):
        model = Thread if kind == "thread" else Post
        session.execute(update(model).where(model.id == target_id).values(score=model.score - value))
        target = session.get(model, target_id)
        if target is None:
            continue
        session.refresh(target, ["score"])
        thread_id = target.id if kind == "thread" else target.thread_id
        emit(session, Voted(target_type=kind, target_id=target_id, thread_id=thread_id,
                            voter_id=user.id, owner_id=target.author_id, old_value=value,
                            new_value=0))
    return len(removed)
