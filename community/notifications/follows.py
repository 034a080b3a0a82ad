"""Follow and unfollow a thread, a space or a tag."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import permissions as perm
from ..models import Follow, Space, Tag, Thread, User


def _row(session: Session, user_id: int, target_type: str, target_id: int) -> Follow | None:
    return session.scalar(select(Follow).where(
        Follow.user_id == user_id, Follow.target_type == target_type,
        Follow.target_id == target_id))


def _set(session: Session, user_id: int, target_type: str, target_id: int, active: bool,
         *, only_if_new: bool = False) -> bool:
    """Whether the follow is now active; concurrent calls end with one row."""
    row = _row(session, user_id, target_type, target_id)
    if row is None:
        try:
            with session.begin_nested():
                session.add(Follow(user_id=user_id, target_type=target_type,
                                   target_id=target_id, active=active))
        except IntegrityError:
            row = _row(session, user_id, target_type, target_id)
        else:
            return active
    if row is not None and not only_if_new and row.active != active:
        session.execute(update(Follow).where(Follow.id == row.id).values(active=active))
        session.expire(row)
        return active
    return bool(row.active) if row is not None else active


def auto_follow(session: Session, user_id: int, thread_id: int) -> None:
    """Asking or answering follows the thread, unless the user unfollowed it before."""
    _set(session, user_id, "thread", thread_id, True, only_if_new=True)


def follow_thread(session: Session, thread: Thread, *, by: User) -> bool:
    perm.require_thread(by, thread)
    return _set(session, by.id, "thread", thread.id, True)


def unfollow_thread(session: Session, thread: Thread, *, by: User) -> bool:
    perm.require_thread(by, thread)
    _set(session, by.id, "thread", thread.id, False)
    return False


def follow_space(session: Session, space: Space, *, by: User) -> bool:
    perm.require_space(by, space)
    return _set(session, by.id, "space", space.id, True)


def unfollow_space(session: Session, space: Space, *, by: User) -> bool:
    perm.require_space(by, space)
    _set(session, by.id, "space", space.id, False)
    return False


def follow_tag(session: Session, tag: Tag, *, by: User) -> bool:
    return _set(session, by.id, "tag", tag.id, True)


def unfollow_tag(session: Session, tag: Tag, *, by: User) -> bool:
    _set(session, by.id, "tag", tag.id, False)
    return False


def is_following(session: Session, user, target_type: str, target_id: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    row = _row(session, user.id, target_type, target_id)
    if row is None and target_type == "thread":
        thread = session.get(Thread, target_id)
        return thread is not None and thread.author_id == user.id
    return bool(row and row.active)


def thread_followers(session: Session, thread: Thread) -> set[int]:
    """The asker (unless they unfollowed) and everyone following the thread."""
    rows = session.execute(select(Follow.user_id, Follow.active).where(
        Follow.target_type == "thread", Follow.target_id == thread.id)).all()
    active = {uid for uid, on in rows if on}
    inactive = {uid for uid, on in rows if not on}
    if thread.author_id not in inactive:
        active.add(thread.author_id)
    return active


def space_and_tag_followers(session: Session, thread: Thread) -> set[int]:
    tag_ids = [t.id for t in thread.tags]
    clause = (Follow.target_type == "space") & (Follow.target_id == thread.space_id)
    if tag_ids:
        clause = clause | ((Follow.target_type == "tag") & Follow.target_id.in_(tag_ids))
    return set(session.scalars(select(Follow.user_id).where(clause, Follow.active.is_(True))))


def list_follows(session: Session, user: User) -> list[dict]:
    rows = session.scalars(select(Follow).where(Follow.user_id == user.id, Follow.active.is_(True))
                           .order_by(Follow.id)).all()
    out = []
    for row in rows:
        if row.target_type == "thread":
            thread = session.get(Thread, row.target_id)
            if thread is None or not perm.can_read_thread(user, thread):
                continue
            out.append({"id": row.id, "type": "thread", "thread_id": thread.id, "name": thread.title})
        elif row.target_type == "space":
            space = session.get(Space, row.target_id)
            if space is None or not perm.can_read_space(user, space):
                continue
            out.append({"id": row.id, "type": "space", "slug": space.slug, "name": space.name})
        else:
            tag = session.get(Tag, row.target_id)
            if tag is not None:
                out.append({"id": row.id, "type": "tag", "name": tag.name})
    return out
