"""Thread moderation: lock, pin, close, move, mark duplicate, merge."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from .. import permissions as perm
from ..errors import ValidationFailed
from ..events import ThreadDeleted, ThreadMarkedDuplicate, emit
from ..models import Follow, Post, Space, Thread, ThreadRedirect, User, Vote, utcnow
from . import audit

FLAGS = {"lock": ("is_locked", True), "unlock": ("is_locked", False),
         "pin": ("is_pinned", True), "unpin": ("is_pinned", False),
         "close": ("is_closed", True), "reopen": ("is_closed", False)}
ACTIONS = (*FLAGS, "move", "mark_duplicate", "merge")


def _target_thread(session: Session, by: User, target) -> Thread:
    try:
        ident = int(target)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Name the other thread."), {"target": [_("A thread id.")]}) from None
    thread = session.get(Thread, ident) if 0 < ident < 2**31 else None
    if thread is None or not perm.can_read_thread(by, thread) or thread.deleted_at is not None:
        raise ValidationFailed(_("Name the other thread."), {"target": [_("No such thread.")]})
    return thread


def moderate(session: Session, thread: Thread, *, by: User, action: str, target=None,
             reason: str | None = None) -> Thread:
    perm.check_moderate_thread(by, thread, action)
    if action not in ACTIONS:
        raise ValidationFailed(_("Unknown action."), {"action": [_("Unknown action.")]})
    data = {}
    if action in FLAGS:
        attr, value = FLAGS[action]
        setattr(thread, attr, value)
    elif action == "move":
        space = session.scalar(select(Space).where(Space.slug == str(target or "")))
        if space is None:
            raise ValidationFailed(_("Name the space."), {"target": [_("No such space.")]})
        data = {"from": thread.space.slug, "to": space.slug}
        thread.space_id = space.id
        thread.space = space
    elif action == "mark_duplicate":
        original = _target_thread(session, by, target)
        if original.id == thread.id:
            raise ValidationFailed(_("A thread cannot duplicate itself."), {"target": [_("Another thread.")]})
        thread.duplicate_of_id = original.id
        if thread.kind == "idea":
            thread.idea_status = "duplicate"
        else:
            thread.is_closed = True
        data = {"original": original.id}
        session.flush()
        emit(session, ThreadMarkedDuplicate(thread_id=thread.id, original_id=original.id,
                                            by_id=by.id))
    elif action == "merge":
        into = _target_thread(session, by, target)
        if into.id == thread.id:
            raise ValidationFailed(_("A thread cannot merge into itself."), {"target": [_("Another thread.")]})
        data = merge(session, thread, into, by=by)
    session.flush()
    audit.record(session, actor_id=by.id, action=f"thread_{action}", target_type="thread",
                 target_id=thread.id, reason=reason, **data)
    return thread


def merge(session: Session, source: Thread, into: Thread, *, by: User) -> dict:
    """Posts, votes and followers move; the source's address redirects to ``into``."""
    now = utcnow()
    # The opening post of the source becomes a post in the target, keeping its author.
    # It keeps the source's title: the page shows it as a merged question of the
    # target's history, never as an answer to accept.
    opening = Post(thread_id=into.id, author_id=source.author_id, body=source.body,
                   body_html=source.body_html, created_at=source.created_at,
                   edited_at=source.edited_at, merged_title=source.title)
    session.add(opening)
    moved_posts = session.execute(update(Post).where(Post.thread_id == source.id)
                                  .values(thread_id=into.id)).rowcount
    # Thread votes: one per voter on the target; nobody ends up voting on their own thread.
    already = set(session.scalars(select(Vote.user_id).where(
        Vote.target_type == "thread", Vote.target_id == into.id)))
    moved_votes = 0
    for vote in session.scalars(select(Vote).where(Vote.target_type == "thread",
                                                   Vote.target_id == source.id)).all():
        if vote.user_id in already or vote.user_id == into.author_id:
            session.delete(vote)
            continue
        vote.target_id = into.id
        moved_votes += 1
    session.flush()
    following = set(session.scalars(select(Follow.user_id).where(
        Follow.target_type == "thread", Follow.target_id == into.id)))
    followers = []
    for follow in session.scalars(select(Follow).where(Follow.target_type == "thread",
                                                       Follow.target_id == source.id)).all():
        if follow.active:
            followers.append(follow.user_id)
        if follow.user_id in following:
            session.delete(follow)
        else:
            follow.target_id = into.id
    session.flush()
    # Imported scores keep their offset (votes cast elsewhere): score = offset + votes here.
    into.score = (getattr(into, "score_offset", 0) or 0) + session.scalar(
        select(func.coalesce(func.sum(Vote.value), 0)).where(
            Vote.target_type == "thread", Vote.target_id == into.id))
    into.post_count = session.scalar(select(func.count(Post.id)).where(
        Post.thread_id == into.id, Post.deleted_at.is_(None)))
    into.last_activity_at = max(into.last_activity_at, source.last_activity_at)
    source.deleted_at = now
    source.post_count = 0
    source.score = 0
    source.accepted_post_id = None
    session.execute(delete(ThreadRedirect).where(ThreadRedirect.old_thread_id == source.id))
    session.add(ThreadRedirect(old_thread_id=source.id, new_thread_id=into.id, merged_by_id=by.id))
    # Older merges into the source follow it to the new target.
    session.execute(update(ThreadRedirect).where(ThreadRedirect.new_thread_id == source.id)
                    .values(new_thread_id=into.id))
    session.flush()
    emit(session, ThreadDeleted(thread_id=source.id, by_id=by.id, merged_into_id=into.id))
    from . import notify_users

    notify_users(session, "thread_merged", followers, thread=into, actor_id=by.id,
                 data={"title": into.title, "old_title": source.title})
    return {"into": into.id, "posts": moved_posts + 1, "votes": moved_votes}


def merge_preview(session: Session, source: Thread, into: Thread, *, by: User) -> dict:
    """What a merge of ``source`` into ``into`` would move, for the confirmation page;
    checked as the merge itself is, and nothing written."""
    perm.check_moderate_thread(by, source, "merge")
    if into.id == source.id:
        raise ValidationFailed(_("A thread cannot merge into itself."), {"target": [_("Another thread.")]})
    answers = session.scalar(select(func.count(Post.id)).where(
        Post.thread_id == source.id, Post.deleted_at.is_(None), Post.merged_title.is_(None)))
    votes = session.scalar(select(func.count(Vote.id)).where(
        Vote.target_type == "thread", Vote.target_id == source.id))
    followers = session.scalar(select(func.count(Follow.id)).where(
        Follow.target_type == "thread", Follow.target_id == source.id, Follow.active))
    return {"source": source, "into": into, "answers": answers, "votes": votes,
            "followers": followers}


def target_for_merge(session: Session, by: User, target) -> Thread:
    return _target_thread(session, by, target)


_REDIRECT = select(ThreadRedirect.new_thread_id).where(
    ThreadRedirect.old_thread_id == bindparam("tid"))


def redirect_target(session: Session, thread_id: int) -> int | None:
    return session.scalar(_REDIRECT, {"tid": thread_id})
