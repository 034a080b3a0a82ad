"""Which thread bodies and replies show which uploads, kept in step with the Markdown.

Mapper events on Thread and Post, so every way a body is written (the ask and answer
forms, the API, edits, a moderator's approval of held content, imports through the ORM)
links what it shows, in the same flush. A body's links are rewritten whenever the body
changes; an upload is linked by its address, whoever uploaded it (its id is random: only
someone who could read it can have copied it, and its space still bounds who reads it).
"""

from __future__ import annotations

import re

from sqlalchemy import Integer, cast, delete, event, insert, inspect, literal, select

from ..models import Post, Thread, Upload, UploadLink

ADDRESS = re.compile(r"/uploads/([0-9a-f]{32})/")


def referenced(markdown: str | None) -> set[str]:
    return set(ADDRESS.findall(markdown or ""))


def _relink(connection, thread_id: int, post_id: int | None, body: str | None) -> None:
    source = (UploadLink.thread_id == thread_id) & (
        UploadLink.post_id.is_(None) if post_id is None else UploadLink.post_id == post_id)
    connection.execute(delete(UploadLink).where(source))
    ids = referenced(body)
    if ids:
        connection.execute(insert(UploadLink).from_select(
            ["upload_id", "thread_id", "post_id"],
            # Typed: PostgreSQL cannot guess the type of a bare parameter (NULL) here.
            select(Upload.id, cast(literal(thread_id), Integer), cast(literal(post_id), Integer)).where(Upload.id.in_(ids))))


def _body_changed(target) -> bool:
    return inspect(target).attrs.body.history.has_changes()


@event.listens_for(Thread, "after_insert")
def _thread_written(mapper, connection, target: Thread) -> None:
    if referenced(target.body):
        _relink(connection, target.id, None, target.body)


@event.listens_for(Thread, "after_update")
def _thread_edited(mapper, connection, target: Thread) -> None:
    if _body_changed(target):
        _relink(connection, target.id, None, target.body)


@event.listens_for(Post, "after_insert")
def _post_written(mapper, connection, target: Post) -> None:
    if referenced(target.body):
        _relink(connection, target.thread_id, target.id, target.body)


@event.listens_for(Post, "after_update")
def _post_edited(mapper, connection, target: Post) -> None:
    history = inspect(target).attrs.thread_id.history
    if _body_changed(target) or history.has_changes():
        # A reply moved to another thread (a merge) takes its links along.
        connection.execute(delete(UploadLink).where(UploadLink.post_id == target.id))
        _relink(connection, target.thread_id, target.id, target.body)
