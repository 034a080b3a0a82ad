"""A user's reputation history as a given viewer may see it."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .. import permissions as perm
from ..models import LedgerEntry, Post, Thread, User
from ..queries import Page

NEWEST_FIRST = (LedgerEntry.created_at.desc(), LedgerEntry.id.desc())
PROFILE_LINES = 20  # the profile's panel (web/profile_page.py keys the same lines)


def _visible(statement, viewer, user: User):
    """Ledger rows of ``user`` without the rows about threads the viewer cannot read
    (their time alone would say that something happened there). The filter is on the
    joined thread: an IN over every thread the viewer may read would list them all."""
    return (statement.outerjoin(Thread, Thread.id == LedgerEntry.thread_id)
            .where(LedgerEntry.user_id == user.id,
                   or_(LedgerEntry.thread_id.is_(None), perm.thread_filter(viewer))))


def reputation_history(session: Session, viewer, user: User, *, page: int = 1,
                       per_page: int = 20) -> Page:
    """Ledger rows, newest first, that the viewer may see; ``post`` is set only when the
    viewer may see it."""
    total = session.scalar(_visible(select(func.count(LedgerEntry.id)), viewer, user))
    rows = list(session.scalars(
        _visible(select(LedgerEntry), viewer, user).order_by(*NEWEST_FIRST)
        .limit(per_page).offset((page - 1) * per_page)))
    return Page(items=_lines(session, viewer, rows), page=page, per_page=per_page,
                total=total)


def recent_history(session: Session, viewer, user: User, *, limit: int) -> tuple[list, bool]:
    """The newest ``limit`` lines and whether there are more: the profile's panel, which
    links to the rest without counting them (a count reads every line, on every view)."""
    rows = list(session.scalars(
        _visible(select(LedgerEntry), viewer, user).order_by(*NEWEST_FIRST).limit(limit + 1)))
    return _lines(session, viewer, rows[:limit]), len(rows) > limit


def _lines(session: Session, viewer, rows: list) -> list:
    thread_ids = {r.thread_id for r in rows if r.thread_id}
    post_ids = {r.post_id for r in rows if r.post_id}
    threads = {t.id: t for t in session.scalars(select(Thread).where(Thread.id.in_(thread_ids)))} \
        if thread_ids else {}
    posts = {p.id: p for p in session.scalars(select(Post).where(Post.id.in_(post_ids)))} \
        if post_ids else {}
    for row in rows:
        thread = threads.get(row.thread_id)
        readable = thread is not None and perm.can_read_thread(viewer, thread)
        row.visible_thread = thread if readable else None
        post = posts.get(row.post_id)
        row.visible_post = post if readable and post is not None and perm.can_see_post(viewer, post) else None
        row.visible_thread_id = thread.id if readable else None
        row.visible_post_id = row.visible_post.id if row.visible_post is not None else None
        row.cause_kind = (row.cause or row.key).split(":", 1)[0]
    return rows
