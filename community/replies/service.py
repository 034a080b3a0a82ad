"""Saved replies: who may use and manage which, writing them, and filling one in for a
thread. One verb per function, never a commit."""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .. import permissions as perm
from ..errors import NotFound, ValidationFailed
from ..lengths import SAVED_REPLY_BODY_MAX, SAVED_REPLY_TITLE_MAX
from ..models import ExpertGroup, GroupMember, SavedReply, Thread, User, utcnow
from . import placeholders


def my_group_ids(session: Session, user: User) -> set[int]:
    return set(session.scalars(select(GroupMember.group_id).where(GroupMember.user_id == user.id)))


def usable(session: Session, user: User) -> list[SavedReply]:
    """The replies this staff member may insert: everyone's and their groups' (all of
    them for moderators), by title."""
    query = select(SavedReply).order_by(SavedReply.title, SavedReply.id)
    if not user.is_moderator:
        query = query.where(or_(SavedReply.group_id.is_(None),
                                SavedReply.group_id.in_(my_group_ids(session, user))))
    return list(session.scalars(query))


def get_usable(session: Session, user: User, reply_id: int) -> SavedReply:
    reply = session.get(SavedReply, reply_id)
    if reply is None or not perm.can_use_saved_reply(user, reply.group_id,
                                                     my_group_ids(session, user)):
        raise NotFound(_("This saved reply does not exist."))
    return reply


def manageable_groups(session: Session, user: User) -> list[ExpertGroup]:
    query = select(ExpertGroup).order_by(ExpertGroup.name)
    if not user.is_moderator:
        query = query.where(ExpertGroup.id.in_(my_group_ids(session, user)))
    return list(session.scalars(query))


def can_manage(session: Session, user: User, reply: SavedReply | None = None,
               group_id: int | None = None) -> bool:
    return perm.can(perm.check_manage_saved_reply, user,
                    reply.group_id if reply is not None else group_id,
                    my_group_ids(session, user))


def _clean(session: Session, title: str, body_en: str, body_fr: str,
           group: str | None) -> tuple[str, str, str, int | None]:
    errors: dict[str, list[str]] = {}
    title, body_en, body_fr = title.strip(), body_en.strip(), body_fr.strip()
    if not title:
        errors["title"] = [_("Give the reply a title.")]
    elif len(title) > SAVED_REPLY_TITLE_MAX or any(ord(c) < 32 for c in title):
        errors["title"] = [_("Write at most %(n)s characters on one line.",
                             n=SAVED_REPLY_TITLE_MAX)]
    for name, body in (("body_en", body_en), ("body_fr", body_fr)):
        if not body:
            errors[name] = [_("Write the reply in this language too.")]
        elif len(body) > SAVED_REPLY_BODY_MAX:
            errors[name] = [_("Write at most %(n)s characters.", n=SAVED_REPLY_BODY_MAX)]
    group_id = None
    if group:
        found = session.scalar(select(ExpertGroup).where(ExpertGroup.slug == group))
        if found is None:
            errors["group"] = [_("Choose an expert group, or everyone.")]
        else:
            group_id = found.id
    if errors:
        raise ValidationFailed(_("The saved reply could not be saved."), errors)
    return title, body_en, body_fr, group_id


def create(session: Session, *, by: User, title: str, body_en: str, body_fr: str,
           group: str | None = None) -> SavedReply:
    title, body_en, body_fr, group_id = _clean(session, title, body_en, body_fr, group)
    perm.check_manage_saved_reply(by, group_id, my_group_ids(session, by))
    reply = SavedReply(title=title, body_en=body_en, body_fr=body_fr, group_id=group_id,
                       created_by_id=by.id, updated_at=utcnow())
    session.add(reply)
    session.flush()
    return reply


def update(session: Session, reply: SavedReply, *, by: User, title: str, body_en: str,
           body_fr: str, group: str | None = None) -> SavedReply:
    mine = my_group_ids(session, by)
    perm.check_manage_saved_reply(by, reply.group_id, mine)
    title, body_en, body_fr, group_id = _clean(session, title, body_en, body_fr, group)
    perm.check_manage_saved_reply(by, group_id, mine)  # nor move it out of one's groups
    reply.title, reply.body_en, reply.body_fr, reply.group_id = title, body_en, body_fr, group_id
    reply.updated_at = utcnow()
    session.flush()
    return reply


def delete(session: Session, reply: SavedReply, *, by: User) -> None:
    perm.check_manage_saved_reply(by, reply.group_id, my_group_ids(session, by))
    session.delete(reply)
    session.flush()


def reply_locale(thread: Thread) -> str:
    """The asker's language when their account has one, else the staff member's (the
    page's): the answer is written for the asker."""
    languages = current_app.config["LANGUAGES"]
    if thread.author.locale in languages:
        return thread.author.locale
    current = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    return current if current in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def render(reply: SavedReply, thread: Thread, *, by: User) -> dict:
    """The reply's Markdown for this thread, placeholders filled."""
    locale = reply_locale(thread)
    body = reply.body_fr if locale == "fr" else reply.body_en
    values = {"asker": thread.author.display_name, "my_name": by.display_name,
              "thread_title": thread.title, "space": thread.space.name}
    return {"id": reply.id, "title": reply.title, "locale": locale,
            "body": placeholders.fill(body, values)}
