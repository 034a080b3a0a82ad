"""A user's reputation history as a given viewer may see it."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .. import permissions as perm
from ..models import LedgerEntry, Post, Thread, User
from ..queries import Page


def reputation_history(session: Session, viewer, user: User, *, page: int = 1,
                       per_page: int = 20) -> Page:
    """Ledger rows, newest first, without the rows about threads the viewer cannot read
    (their time alone would say that something happened there); ``post`` is set only
    when the viewer may see it."""
    where = (LedgerEntry.user_id == user.id,
             or_(LedgerEntry.thread_id.is_(None),
                 LedgerEntry.thread_id.in_(select(Thread.id).where(perm.thread_filter(viewer)))))
    total = session.scalar(select(func.count(LedgerEntry.id)).where(*where))
    rows = list(session.scalars(
        select(LedgerEntry).where(*where)
        .order_by(LedgerEntry.created_at.desc(), LedgerEntry.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ))
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
    return Page(items=rows, page=page, per_page=per_page, total=total)
