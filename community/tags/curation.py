"""Moderators' changes to tags: a description, a merge into another tag. Never commit."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from ..errors import ValidationFailed
from ..events import ThreadEdited, emit
from ..models import Follow, Tag, User, thread_tag
from ..moderation import audit
from . import catalogue


def describe(session: Session, tag: Tag, description: str, *, by: User) -> Tag:
    description = (description or "").strip()
    before = tag.description or ""
    tag.description = description
    audit.record(session, actor_id=by.id, action="tag_describe", target_type="tag",
                 target_id=tag.id, name=tag.name, before=before, after=description)
    return tag


def target_for(session: Session, source: Tag, into: str) -> Tag:
    """The tag ``source`` may be merged into, or a validation error naming ``into``."""
    def refuse(message: str):
        return ValidationFailed(message, {"into": [message]})

    found = catalogue.find(session, into or "")
    if found is None:
        raise refuse(_("There is no tag of this name."))
    target = catalogue.canonical(session, found)
    if source.synonym_of_id is not None:
        raise refuse(_("This tag is already merged into another one."))
    if target.id == source.id:
        raise refuse(_("A tag cannot be merged into itself."))
    return target


def merge(session: Session, source: Tag, target: Tag, *, by: User) -> int:
    """Re-tag every thread of ``source`` with ``target``, move its followers, and make it a
    synonym (typing it tags with ``target``). Answers how many threads were re-tagged."""
    thread_ids = list(session.scalars(select(thread_tag.c.thread_id).where(
        thread_tag.c.tag_id == source.id)))
    already = set(session.scalars(select(thread_tag.c.thread_id).where(
        thread_tag.c.tag_id == target.id, thread_tag.c.thread_id.in_(thread_ids))))
    missing = [t for t in thread_ids if t not in already]
    if missing:
        session.execute(insert(thread_tag), [{"thread_id": t, "tag_id": target.id}
                                             for t in missing])
    session.execute(delete(thread_tag).where(thread_tag.c.tag_id == source.id))
    _move_follows(session, source, target)
    session.execute(update(Tag).where(Tag.synonym_of_id == source.id)
                    .values(synonym_of_id=target.id))
    source.synonym_of_id = target.id
    if not target.description and source.description:
        target.description = source.description
    audit.record(session, actor_id=by.id, action="tag_merge", target_type="tag",
                 target_id=source.id, name=source.name, into=target.name,
                 threads=len(thread_ids))
    # The bulk statements bypassed the identity map: threads loaded earlier must show
    # their new tags to the subscribers and the page that follows.
    session.flush()
    session.expire_all()
    for thread_id in thread_ids:
        emit(session, ThreadEdited(thread_id=thread_id, editor_id=by.id))
    return len(thread_ids)


def _move_follows(session: Session, source: Tag, target: Tag) -> None:
    """A follower of either tag follows the merged one; an unfollow of the target stays
    only for someone who did not follow the source."""
    rows = session.execute(select(Follow.user_id, Follow.active).where(
        Follow.target_type == "tag", Follow.target_id == source.id)).all()
    active = [uid for uid, on in rows if on]
    on_target = set(session.scalars(select(Follow.user_id).where(
        Follow.target_type == "tag", Follow.target_id == target.id)))
    if active:
        session.execute(update(Follow).where(
            Follow.target_type == "tag", Follow.target_id == target.id,
            Follow.user_id.in_(active)).values(active=True))
    session.execute(update(Follow).where(
        Follow.target_type == "tag", Follow.target_id == source.id,
        Follow.user_id.not_in(on_target)).values(target_id=target.id))
    session.execute(delete(Follow).where(
        Follow.target_type == "tag", Follow.target_id == source.id))
