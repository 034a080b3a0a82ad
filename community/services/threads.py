"""Threads and their posts: ask, answer, edit, delete, restore, idea status."""

from __future__ import annotations

import re

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import names
from .. import permissions as perm
from ..errors import ValidationFailed
from ..events import (
    IdeaStatusChanged,
    PostCreated,
    PostDeleted,
    PostEdited,
    PostRestored,
    ThreadCreated,
    ThreadEdited,
    emit,
)
from ..models import IDEA_STATUSES, KINDS, Post, Revision, Space, Tag, Thread, User, utcnow
from ..rendering import render_markdown
from . import drafts, screening

TAG_RE = re.compile(r"^[a-z0-9][a-z0-9+#.-]{0,34}$")


def normalise_tags(raw: list[str] | str | None) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = re.split(r"[,\s]+", raw)
    seen: list[str] = []
    for tag in raw:
        tag = tag.strip().lower()
        if tag and tag not in seen:
            seen.append(tag)
    return seen


def _check_text(errors: dict, field: str, value: str, bounds: tuple[int, int]) -> None:
    lo, hi = bounds
    length = len(value.strip())
    if length < lo:
        errors.setdefault(field, []).append(_("Write at least %(n)s characters.", n=lo))
    elif length > hi:
        errors.setdefault(field, []).append(_("Write at most %(n)s characters.", n=hi))


def _check_tags(errors: dict, tags: list[str]) -> None:
    bad = [t for t in tags if not TAG_RE.match(t)]
    if bad:
        errors["tags"] = [
            _("Tags use lowercase letters, digits and + # . - (at most 35): %(bad)s",
              bad=", ".join(bad))
        ]
    elif len(tags) > current_app.config["MAX_TAGS"]:
        errors["tags"] = [_("Use at most %(n)s tags.", n=current_app.config["MAX_TAGS"])]


def get_or_create_tags(session: Session, names: list[str]) -> list[Tag]:
    if not names:
        return []
    existing = {t.name: t for t in session.scalars(select(Tag).where(Tag.name.in_(names)))}
    tags: list[Tag] = []
    for name in names:
        tag = existing.get(name)
        if tag is None:
            tag = Tag(name=name)
            session.add(tag)
        elif tag.synonym_of_id is not None:
            # A merged tag's name tags with the tag it was merged into.
            tag = session.get(Tag, tag.synonym_of_id)
        if tag not in tags:
            tags.append(tag)
    return tags


def create_thread(
    session: Session,
    space: Space,
    *,
    by: User,
    kind: str,
    title: str,
    body: str,
    tags: list[str] | None = None,
    discard_draft: bool = True,
) -> Thread:
    perm.check_post_in_space(by, space)
    tags = normalise_tags(tags)
    errors: dict[str, list[str]] = {}
    if kind == "article":
        perm.check_write_article(by, space)  # made from a solved question, by staff only
    elif kind not in KINDS:
        errors["kind"] = [_("Choose question, idea or discussion.")]
    title = names.check_line(errors, "title", title)
    _check_text(errors, "title", title, current_app.config["TITLE_LENGTH"])
    _check_text(errors, "body", body, current_app.config["BODY_LENGTH"])
    _check_tags(errors, tags)
    if errors:
        raise ValidationFailed(_("The thread could not be posted."), errors)
    screened = screening.screen(session, by=by, title=title, body=body)
    thread = Thread(
        space=space,
        kind=kind,
        title=title.strip(),
        body=body,
        body_html=render_markdown(body),
        author=by,
        idea_status="new" if kind == "idea" else None,
        tags=get_or_create_tags(session, tags),
    )
    session.add(thread)
    session.flush()
    # Posted is no longer a draft: gone in this transaction, so never both or neither.
    # (Not for a thread made by a staff action, such as a promoted article: the staff
    # member's own question in progress in that space stays.)
    if discard_draft:
        drafts.discard(session, by, drafts.space_key(space.id))
    if screening.apply(session, thread, screened, by=by):
        return thread  # held for approval: published (and announced) once approved
    emit(session, ThreadCreated(thread_id=thread.id, author_id=by.id, kind=kind))
    return thread


def edit_thread(
    session: Session,
    thread: Thread,
    *,
    by: User,
    title: str | None = None,
    body: str | None = None,
    tags: list[str] | None = None,
) -> Thread:
    perm.check_edit_thread(by, thread)
    errors: dict[str, list[str]] = {}
    if title is not None:
        title = names.check_line(errors, "title", title)
        _check_text(errors, "title", title, current_app.config["TITLE_LENGTH"])
    if body is not None:
        _check_text(errors, "body", body, current_app.config["BODY_LENGTH"])
    if tags is not None:
        tags = normalise_tags(tags)
        _check_tags(errors, tags)
    if errors:
        raise ValidationFailed(_("The thread could not be saved."), errors)
    screened = screening.screen(session, by=by, editing=True,
                                  title=title if title is not None else thread.title,
                                  body=body if body is not None else thread.body)
    old_tags = [t.name for t in thread.tags]
    changed = (
        (title is not None and title.strip() != thread.title)
        or (body is not None and body != thread.body)
        or (tags is not None and tags != old_tags)
    )
    if not changed:
        return thread
    session.add(
        Revision(
            thread_id=thread.id,
            editor_id=by.id,
            title=thread.title,
            body=thread.body,
            tags=" ".join(old_tags),
        )
    )
    if title is not None:
        thread.title = title.strip()
    if body is not None:
        thread.body = body
        thread.body_html = render_markdown(body)
    if tags is not None:
        thread.tags = get_or_create_tags(session, tags)
    thread.edited_at = utcnow()
    session.flush()
    screening.apply(session, thread, screened, by=by)
    emit(session, ThreadEdited(thread_id=thread.id, editor_id=by.id))
    return thread


def create_post(session: Session, thread: Thread, *, by: User, body: str) -> Post:
    perm.check_reply(by, thread)
    errors: dict[str, list[str]] = {}
    _check_text(errors, "body", body, current_app.config["POST_LENGTH"])
    if errors:
        raise ValidationFailed(_("The answer could not be posted."), errors)
    screened = screening.screen(session, by=by, body=body)
    now = utcnow()
    post = Post(thread=thread, author=by, body=body, body_html=render_markdown(body), created_at=now)
    session.add(post)
    session.flush()
    drafts.discard(session, by, drafts.thread_key(thread.id))
    if screening.apply(session, post, screened, by=by):
        return post  # held for approval: counted and announced once approved
    # Counters move in SQL so concurrent answers never lose an increment.
    session.execute(
        update(Thread)
        .where(Thread.id == thread.id)
        .values(post_count=Thread.post_count + 1, last_activity_at=now)
    )
    session.refresh(thread, ["post_count", "last_activity_at"])
    emit(session, PostCreated(post_id=post.id, thread_id=thread.id, author_id=by.id))
    return post


def edit_post(session: Session, post: Post, *, by: User, body: str) -> Post:
    perm.check_edit_post(by, post)
    errors: dict[str, list[str]] = {}
    _check_text(errors, "body", body, current_app.config["POST_LENGTH"])
    if errors:
        raise ValidationFailed(_("The post could not be saved."), errors)
    if body == post.body:
        return post
    screened = screening.screen(session, by=by, body=body, editing=True)
    session.add(Revision(thread_id=post.thread_id, post_id=post.id, editor_id=by.id, body=post.body))
    post.body = body
    post.body_html = render_markdown(body)
    post.edited_at = utcnow()
    session.flush()
    screening.apply(session, post, screened, by=by)
    emit(session, PostEdited(post_id=post.id, thread_id=post.thread_id, editor_id=by.id))
    return post


def delete_post(session: Session, post: Post, *, by: User) -> bool:
    perm.check_delete_post(by, post)
    changed = session.execute(
        update(Post)
        .where(Post.id == post.id, Post.deleted_at.is_(None))
        .values(deleted_at=utcnow(), deleted_by_id=by.id)
    ).rowcount
    if not changed:
        return False
    values = {"post_count": Thread.post_count - 1}
    session.execute(update(Thread).where(Thread.id == post.thread_id).values(**values))
    # A deleted answer cannot stay the accepted one.
    session.execute(
        update(Thread)
        .where(Thread.id == post.thread_id, Thread.accepted_post_id == post.id)
        .values(accepted_post_id=None)
    )
    session.expire(post)
    session.expire(post.thread)
    emit(session, PostDeleted(post_id=post.id, thread_id=post.thread_id, by_id=by.id))
    return True


def restore_post(session: Session, post: Post, *, by: User) -> bool:
    perm.check_restore_post(by, post)
    changed = session.execute(
        update(Post).where(Post.id == post.id, Post.deleted_at.is_not(None))
        .values(deleted_at=None, deleted_by_id=None)
    ).rowcount
    if not changed:
        return False
    session.execute(
        update(Thread).where(Thread.id == post.thread_id)
        .values(post_count=Thread.post_count + 1)
    )
    session.expire(post)
    session.expire(post.thread)
    emit(session, PostRestored(post_id=post.id, thread_id=post.thread_id, by_id=by.id))
    return True


def set_idea_status(
    session: Session, thread: Thread, *, by: User, status: str, note: str | None = None
) -> Thread:
    perm.check_set_idea_status(by, thread)
    errors: dict[str, list[str]] = {}
    if thread.kind != "idea":
        errors["status"] = [_("Only ideas have a status set by staff.")]
    elif status not in IDEA_STATUSES:
        errors["status"] = [_("Unknown status.")]
    if note is not None and len(note) > 2000:
        errors["note"] = [_("Write at most %(n)s characters.", n=2000)]
    if errors:
        raise ValidationFailed(_("The status could not be changed."), errors)
    old = thread.status
    thread.idea_status = status
    thread.status_note = (note or "").strip() or None
    thread.last_activity_at = utcnow()
    session.flush()
    if old != status:
        emit(session, IdeaStatusChanged(thread_id=thread.id, by_id=by.id, old_status=old, new_status=status))
    return thread
