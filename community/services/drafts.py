"""Drafts: what a member is typing in the ask form or an answer box, saved while they
type and given back on any device, until they post it or discard it.

A draft is addressed by its key: "thread:<id>" (the answer box of a thread) or
"new:<space id>" (the ask form for a space). A key whose form the member may not read
(any more) is missing, like the form itself: the same 404 as a key never saved.
"""

from __future__ import annotations

import re
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .. import lengths as L
from .. import permissions as perm
from ..errors import NotFound, ValidationFailed
from ..key_reads import KeyRead
from ..models import Draft, Space, Thread, User, utcnow
from ..queries import Page

KEY_RE = re.compile(r"^(thread|new):([1-9][0-9]{0,17})$")


def thread_key(thread_id: int) -> str:
    return f"thread:{thread_id}"


def space_key(space_id: int) -> str:
    return f"new:{space_id}"


def _missing() -> NotFound:
    return NotFound(_("This draft does not exist."))


def resolve(session: Session, user: User, key: str) -> dict:
    """The form ``key`` names, checked: ``{"thread_id": …}`` or ``{"space_id": …}``.
    A malformed key, a missing form or one ``user`` may not read is a 404."""
    match = KEY_RE.match(key or "")
    if match is None:
        raise _missing()
    kind, target_id = match[1], int(match[2])
    if kind == "thread":
        thread = perm.require_thread_to_view(user, session.get(Thread, target_id))
        return {"thread_id": thread.id}
    space = perm.require_space(user, session.get(Space, target_id))
    return {"space_id": space.id}


def find(session: Session, user: User, key: str) -> Draft | None:
    """``user``'s draft for a form already resolved (no access check here)."""
    return session.scalar(select(Draft).where(Draft.user_id == user.id, Draft.key == key))


_BODY = KeyRead(select(Draft.body).where(Draft.user_id == bindparam("uid"),
                                         Draft.key == bindparam("key")))


def body(session: Session, user: User, key: str) -> str | None:
    """The text of ``user``'s draft for a form already resolved: what a page's form opens
    with, read on every view of it (a plain read, no object)."""
    return _BODY.scalar(session.connection(), uid=user.id, key=key)


def get(session: Session, user: User, key: str) -> Draft:
    resolve(session, user, key)
    draft = find(session, user, key)
    if draft is None:
        raise _missing()
    return draft


def _check(body: str, title: str | None) -> None:
    errors: dict[str, list[str]] = {}
    if len(body) > L.DRAFT_BODY_MAX:
        errors["body"] = [_("Write at most %(n)s characters.", n=L.DRAFT_BODY_MAX)]
    if title is not None and len(title) > L.TITLE_MAX:
        errors["title"] = [_("Write at most %(n)s characters.", n=L.TITLE_MAX)]
    if errors:
        raise ValidationFailed(_("The draft could not be saved."), errors)


def save(session: Session, user: User, key: str, *, body: str,
         title: str | None = None) -> Draft | None:
    """Keep what ``user`` typed in the form ``key``; an empty form keeps nothing (the
    draft, if any, is discarded and None returned). Only the ask form has a title."""
    target = resolve(session, user, key)
    if "thread_id" in target:
        title = None
    _check(body, title)
    if not body.strip() and not (title or "").strip():
        discard(session, user, key)
        return None
    now = utcnow()
    values = {"user_id": user.id, "key": key, "title": title, "body": body,
              "updated_at": now, **target}
    ins = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    # One statement: two tabs saving at once leave one row, the later text.
    stmt = ins(Draft).values(**values)
    session.execute(stmt.on_conflict_do_update(
        index_elements=["user_id", "key"],
        set_={"title": stmt.excluded.title, "body": stmt.excluded.body,
              "updated_at": stmt.excluded.updated_at}))
    draft = find(session, user, key)
    session.refresh(draft)
    return draft


def discard(session: Session, user: User, key: str) -> bool:
    """Whether there was a draft to discard."""
    return bool(session.execute(
        delete(Draft).where(Draft.user_id == user.id, Draft.key == key)).rowcount)


def list_for(session: Session, user: User, *, page: int, per_page: int):
    """A page of ``user``'s drafts on forms they may still read, the latest first."""
    where = perm.draft_filter(user)
    total = session.scalar(select(func.count()).select_from(Draft).where(where))
    items = list(session.scalars(select(Draft).where(where)
                                 .order_by(Draft.updated_at.desc(), Draft.id.desc())
                                 .limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, page=page, per_page=per_page, total=total)


def latest_new_thread_space(session: Session, user: User, space_ids: list[int]) -> int | None:
    """Among ``space_ids``, the space of ``user``'s latest ask-form draft (the ask page
    opens on it when no space is asked for)."""
    if not space_ids:
        return None
    return session.scalar(select(Draft.space_id).where(
        Draft.user_id == user.id, Draft.space_id.in_(space_ids))
        .order_by(Draft.updated_at.desc(), Draft.id.desc()).limit(1))


def purge(session: Session, *, before: datetime) -> int:
    """Delete drafts untouched since ``before`` (the retention purge); the caller commits."""
    return session.execute(delete(Draft).where(Draft.updated_at < before)).rowcount
