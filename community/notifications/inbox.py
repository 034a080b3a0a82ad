"""Reading notifications: only what the owner may still see, counted and listed alike.

Permissions are checked again here (not only when the row was written), so a thread
moved to a staff space or a deleted post stops showing in lists, counts, pushes and
emails at once.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from sqlalchemy import ColumnElement, bindparam, exists, func, or_, select, update
from sqlalchemy.orm import Session

from .. import permissions as perm
from ..key_reads import KeyRead
from ..models import Notification, Post, Thread, User, utcnow
from . import registry


def _hidden_verbs(user: User) -> list[str]:
    return [v.name for v in registry.VERBS.values()
            if (v.audience == "staff" and not user.is_staff)
            or (v.audience == "moderators" and not user.is_moderator)]


def visible(user: User, *, in_app: bool = True) -> ColumnElement[bool]:
    """A WHERE clause on Notification: what ``user`` may see right now."""
    thread_ok = or_(
        Notification.thread_id.is_(None),
        exists().where(Thread.id == Notification.thread_id, perm.thread_filter(user)),
    )
    clause = thread_ok & Notification.in_app.is_(True) if in_app else thread_ok
    if not user.is_moderator:
        clause &= ~exists().where(Post.id == Notification.post_id, Post.deleted_at.is_not(None))
    for verb in _hidden_verbs(user):
        clause &= Notification.verb != verb  # plain binds: the statement stays cacheable
    return clause


def visible_for_email(user: User) -> ColumnElement[bool]:
    return visible(user, in_app=False)


@cache
def unread_statement(role: str):
    # What a reader may see depends on their role alone, so every page's bell
    # reuses one statement per role instead of building the clause again.
    return select(func.count(Notification.id)).where(
        Notification.user_id == bindparam("uid"), Notification.read_at.is_(None),
        visible(User(role=role)))


@cache
def _unread_read(role: str) -> KeyRead:
    return KeyRead(unread_statement(role))


def unread_count(session: Session, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    # On every signed-in page (the bell): plain SQL compiled once (community/key_reads.py).
    return _unread_read(user.role).scalar(session.connection(), uid=user.id) or 0


def unread_counts(session: Session, users: list[User]) -> dict[int, int]:
    """Unread counts for many users with one query per kind of reader."""
    groups: dict[tuple, list[User]] = defaultdict(list)
    for u in users:
        groups[(perm.readable_visibilities(u), u.is_moderator, u.is_staff)].append(u)
    counts = {u.id: 0 for u in users}
    for members in groups.values():
        sample = members[0]
        ids = [u.id for u in members]
        for i in range(0, len(ids), 500):
            rows = session.execute(
                select(Notification.user_id, func.count(Notification.id))
                .where(Notification.user_id.in_(ids[i:i + 500]), Notification.read_at.is_(None),
                       visible(sample))
                .group_by(Notification.user_id))
            counts.update(dict(rows.all()))
    return counts


def page(session: Session, user: User, *, unread_only: bool, page: int, per_page: int):
    query = select(Notification).where(Notification.user_id == user.id, visible(user))
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    items = session.scalars(query.order_by(Notification.id.desc())
                            .offset((page - 1) * per_page).limit(per_page)).all()
    return items, total


def mark_read(session: Session, user: User, *, ids: list[int] | None = None,
              all_: bool = False) -> int:
    query = update(Notification).where(Notification.user_id == user.id,
                                       Notification.read_at.is_(None))
    if not all_:
        query = query.where(Notification.id.in_(ids or []))
    session.execute(query.values(read_at=utcnow()))
    return unread_count(session, user)


def ref(note: Notification) -> dict:
    return {"thread_id": note.thread_id, "post_id": note.post_id, "data": note.data or {}}


def text(note: Notification) -> str:
    return registry.render_text(note.verb, actor=note.actor.display_name if note.actor else None,
                                data=note.data)


def url(note: Notification) -> str:
    verb = registry.get(note.verb)
    return verb.link(ref(note)) if verb else registry.thread_link(ref(note))


def as_json(note: Notification) -> dict:
    actor = note.actor
    return {
        "id": note.id, "verb": note.verb, "text": text(note), "url": url(note),
        "thread_id": note.thread_id, "post_id": note.post_id,
        "actor": actor,  # dumped by NotificationOut
        "snippet": (note.data or {}).get("snippet"),
        "created_at": note.created_at.isoformat(), "read": note.read_at is not None,
    }
