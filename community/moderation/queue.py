"""The review queue: items with their flags and their author's history; the actions
dismiss, hide, delete and restore. Hiding reuses the soft delete every surface already
honours (lists, pages, API, search, notifications, sockets), so a hidden item vanishes
everywhere for non-moderators and comes back on restore."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import permissions as perm
from ..errors import NotFound, ValidationFailed
from ..events import (
    FlagAgreed,
    PostCreated,
    PostDeleted,
    PostRestored,
    ThreadCreated,
    ThreadDeleted,
    ThreadRestored,
    emit,
)
from ..models import Flag, ModerationItem, Post, Thread, User, utcnow
from . import audit

ACTIONS = ("dismiss", "hide", "delete", "restore")


def target_of(session: Session, item: ModerationItem):
    model = Post if item.target_type == "post" else Thread
    return session.get(model, item.target_id)


def applicable(item: ModerationItem, obj) -> tuple[str, ...]:
    """The actions that change something for the item as it is now: the queue page
    offers only these (no "restore" on what is visible, no "hide" on what is hidden)."""
    if obj is None:
        return ()
    hidden = item.hidden or obj.deleted_at is not None
    if item.state == "open":
        return ("restore", "delete") if hidden else ("dismiss", "hide", "delete")
    # A settled item can still be undone one way or the other.
    return ("restore",) if hidden else ("hide",)


def is_open(session: Session, obj) -> bool:
    """An item about ``obj`` waits in the queue (its moderators have been told)."""
    target_type = "post" if isinstance(obj, Post) else "thread"
    return session.scalar(select(ModerationItem.state).where(
        ModerationItem.target_type == target_type, ModerationItem.target_id == obj.id)) == "open"


def open_item(session: Session, obj, *, kind: str, reason: str | None = None) -> ModerationItem:
    target_type = "post" if isinstance(obj, Post) else "thread"
    item = session.scalar(select(ModerationItem).where(
        ModerationItem.target_type == target_type, ModerationItem.target_id == obj.id))
    now = utcnow()
    if item is None:
        item = ModerationItem(target_type=target_type, target_id=obj.id,
                              thread_id=obj.thread_id if target_type == "post" else obj.id,
                              author_id=obj.author_id, kind=kind, state="open", reason=reason,
                              created_at=now, updated_at=now)
        session.add(item)
    else:
        if item.state != "open":
            item.kind, item.resolution, item.resolved_at, item.resolved_by_id = kind, None, None, None
        item.state = "open"
        item.updated_at = now
        if reason:
            item.reason = reason
    session.flush()
    return item


# ---- hiding and showing, shared by flags, approval and moderator actions ----

def hide(session: Session, obj, *, by_id: int | None) -> bool:
    now = utcnow()
    if isinstance(obj, Post):
        changed = session.execute(update(Post).where(Post.id == obj.id, Post.deleted_at.is_(None))
                                  .values(deleted_at=now, deleted_by_id=by_id)).rowcount
        if not changed:
            return False
        session.execute(update(Thread).where(Thread.id == obj.thread_id)
                        .values(post_count=Thread.post_count - 1))
        session.execute(update(Thread).where(Thread.id == obj.thread_id,
                                             Thread.accepted_post_id == obj.id)
                        .values(accepted_post_id=None))
        session.expire(obj)
        session.expire(obj.thread)
        emit(session, PostDeleted(post_id=obj.id, thread_id=obj.thread_id, by_id=by_id or 0))
        return True
    if obj.deleted_at is not None:
        return False
    obj.deleted_at = now
    session.flush()
    emit(session, ThreadDeleted(thread_id=obj.id, by_id=by_id or 0))
    return True


def show(session: Session, obj, *, by_id: int, approval: bool = False) -> bool:
    if isinstance(obj, Post):
        changed = session.execute(update(Post).where(Post.id == obj.id, Post.deleted_at.is_not(None))
                                  .values(deleted_at=None, deleted_by_id=None)).rowcount
        if not changed:
            return False
        values = {"post_count": Thread.post_count + 1}
        if approval:
            values["last_activity_at"] = utcnow()
        session.execute(update(Thread).where(Thread.id == obj.thread_id).values(**values))
        session.expire(obj)
        session.expire(obj.thread)
        if approval:  # held since it was written: this is when it is published
            emit(session, PostCreated(post_id=obj.id, thread_id=obj.thread_id,
                                      author_id=obj.author_id))
        else:
            emit(session, PostRestored(post_id=obj.id, thread_id=obj.thread_id, by_id=by_id))
        return True
    if obj.deleted_at is None:
        return False
    obj.deleted_at = None
    session.flush()
    if approval:
        emit(session, ThreadCreated(thread_id=obj.id, author_id=obj.author_id, kind=obj.kind))
    else:
        emit(session, ThreadRestored(thread_id=obj.id, by_id=by_id))
    return True


def hide_with_notice(session: Session, item: ModerationItem, obj, *, by_id: int | None,
                     why: str) -> None:
    from . import notify_user

    if hide(session, obj, by_id=by_id):
        item.hidden = True
        thread = obj.thread if isinstance(obj, Post) else obj
        notify_user(session, "content_hidden", obj.author_id,
                    thread=None if isinstance(obj, Thread) else thread,
                    data={"title": thread.title, "reason": why})


# ---- moderator actions ----

def act(session: Session, item: ModerationItem, *, by: User, action: str,
        reason: str | None = None) -> ModerationItem:
    perm.check_moderate(by)
    if action not in ACTIONS:
        raise ValidationFailed(_("Unknown action."),
                               {"action": [_("Choose dismiss, hide, delete or restore.")]})
    obj = target_of(session, item)
    if obj is None:
        raise NotFound(_("This item no longer exists."))
    from . import notify_user

    thread = obj.thread if isinstance(obj, Post) else obj
    was_held = item.kind == "approval" and item.hidden
    if action in ("dismiss", "restore"):
        if item.hidden or obj.deleted_at is not None:
            show(session, obj, by_id=by.id, approval=was_held)
            notify_user(session, "content_restored", obj.author_id,
                        thread=thread, data={"title": thread.title})
        item.hidden = False
        _settle_flags(session, item, "rejected", by=by)
    elif action == "hide":
        if not item.hidden:
            hide_with_notice(session, item, obj, by_id=by.id,
                             why=reason or _("a moderator hid it"))
        item.hidden = True
        _settle_flags(session, item, "upheld", by=by)
    elif action == "delete":
        hide(session, obj, by_id=by.id)
        item.hidden = True
        _settle_flags(session, item, "upheld", by=by)
    item.state = "resolved"
    item.resolution = action
    item.resolved_by_id = by.id
    item.resolved_at = item.updated_at = utcnow()
    audit.record(session, actor_id=by.id, action=f"item_{action}", target_type=item.target_type,
                 target_id=item.target_id, reason=reason, item_id=item.id,
                 thread_id=item.thread_id)
    session.flush()
    return item


def _settle_flags(session: Session, item: ModerationItem, state: str, *, by: User) -> None:
    settled = session.execute(
        update(Flag).where(Flag.target_type == item.target_type, Flag.target_id == item.target_id,
                           Flag.state == "pending").values(state=state)
        .returning(Flag.id, Flag.user_id).execution_options(synchronize_session=False)).all()
    if state == "upheld":
        for flag_id, flagger_id in settled:
            emit(session, FlagAgreed(flag_id=flag_id, flagger_id=flagger_id,
                                     target_type=item.target_type, target_id=item.target_id,
                                     by_id=by.id))


def list_items(session: Session, *, state: str = "open", page: int = 1, per_page: int = 20):
    where = [ModerationItem.state == state] if state in ("open", "resolved") else []
    total = session.scalar(select(func.count(ModerationItem.id)).where(*where)) or 0
    items = list(session.scalars(select(ModerationItem).where(*where)
                                 .order_by(ModerationItem.hidden.desc(),
                                           ModerationItem.flag_weight.desc(),
                                           ModerationItem.updated_at.desc(), ModerationItem.id)
                                 .limit(per_page).offset((page - 1) * per_page)))
    return items, total


def flags_for(session: Session, items: list[ModerationItem]) -> dict[int, list[Flag]]:
    out: dict[int, list[Flag]] = {i.id: [] for i in items}
    for item in items:
        out[item.id] = list(session.scalars(select(Flag).where(
            Flag.target_type == item.target_type, Flag.target_id == item.target_id)
            .order_by(Flag.id)))
    return out


def author_history(session: Session, user_id: int) -> dict:
    threads = session.scalar(select(func.count(Thread.id)).where(Thread.author_id == user_id)) or 0
    posts = session.scalar(select(func.count(Post.id)).where(Post.author_id == user_id)) or 0
    hidden = session.scalar(select(func.count(ModerationItem.id)).where(
        ModerationItem.author_id == user_id, ModerationItem.resolution.in_(("hide", "delete")))) or 0
    flagged = session.scalar(select(func.count(ModerationItem.id)).where(
        ModerationItem.author_id == user_id)) or 0
    return {"threads": threads, "posts": posts, "times_flagged": flagged, "times_hidden": hidden}
