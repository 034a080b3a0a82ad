"""Find what a request names, as the caller may see it: a missing or unreadable
thread, post or space is the same 404 (permissions.require_*). Pages and API share these."""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import select

from . import permissions as perm
from .extensions import db
from .models import Post, Space, Thread


def thread_or_404(thread_id: int) -> Thread:
    return perm.require_thread(current_user, db.session.get(Thread, thread_id))


def thread_to_view_or_404(thread_id: int) -> Thread:
    """For reading only: the author also gets their own thread held for approval."""
    return perm.require_thread_to_view(current_user, db.session.get(Thread, thread_id))


def post_to_view_or_404(post_id: int) -> Post:
    """For reading only: the author also gets their own post held for approval."""
    return perm.require_post_to_view(current_user, db.session.get(Post, post_id))


def post_or_404(post_id: int) -> Post:
    return perm.require_post(current_user, db.session.get(Post, post_id))


def space_or_404(slug: str) -> Space:
    return perm.require_space(current_user, db.session.scalar(select(Space).where(Space.slug == slug)))
