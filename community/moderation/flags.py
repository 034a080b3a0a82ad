"""Flags: a reason and an optional note, one per user per item, weighed by who casts them."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import permissions as perm
from ..errors import Conflict, ValidationFailed
from ..events import FlagRaised, emit
from ..models import Flag, Post, Thread, User
from ..models.moderation import FLAG_REASONS
from . import queue

REASON_WORDS = {
    "spam": "spam",
    "offensive": "offensive",
    "off_topic": "off topic",
    "duplicate": "a duplicate",
    "other": "a problem",
}


def threshold() -> float:
    return float(current_app.config["MODERATION_FLAG_THRESHOLD"])


def credibility(session: Session, user_id: int) -> float:
    """Upheld flags keep a flagger's full weight; rejected ones wear it down (to a floor)."""
    rows = dict(session.execute(select(Flag.state, func.count(Flag.id)).where(
        Flag.user_id == user_id, Flag.state.in_(("upheld", "rejected"))).group_by(Flag.state)).all())
    upheld, rejected = rows.get("upheld", 0), rows.get("rejected", 0)
    floor = float(current_app.config["MODERATION_MIN_FLAG_WEIGHT"])
    return max(floor, min(1.0, (upheld + 1) / (upheld + rejected + 1)))


def weight_of(session: Session, user: User) -> float:
    if user.is_moderator or user.reputation >= current_app.config["MODERATION_TRUSTED_REPUTATION"]:
        return threshold()  # a moderator or a Champion weighs the threshold alone
    return credibility(session, user.id)


def flag(session: Session, obj: Thread | Post, *, by: User, reason: str,
         note: str | None = None) -> Flag:
    perm.check_flag(by, obj)
    errors = {}
    if reason not in FLAG_REASONS:
        errors["reason"] = [_("Choose spam, offensive, off_topic, duplicate or other.")]
    if note is not None and len(note) > 1000:
        errors["note"] = [_("Write at most %(n)s characters.", n=1000)]
    if errors:
        raise ValidationFailed(_("The flag could not be recorded."), errors)
    target_type = "post" if isinstance(obj, Post) else "thread"
    row = Flag(user_id=by.id, target_type=target_type, target_id=obj.id, reason=reason,
               note=(note or "").strip() or None, weight=weight_of(session, by))
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise Conflict(_("You already flagged this.")) from None
    already_open = queue.is_open(session, obj)
    item = queue.open_item(session, obj, kind="flags")
    item.flag_weight = session.scalar(select(func.coalesce(func.sum(Flag.weight), 0)).where(
        Flag.target_type == target_type, Flag.target_id == obj.id, Flag.state == "pending")) or 0
    thread = obj.thread if isinstance(obj, Post) else obj
    from . import notify_moderators

    if item.flag_weight + 1e-9 >= threshold() and not item.hidden:
        reasons = _top_reason(session, target_type, obj.id)
        why = _("members flagged it as %(reason)s", reason=REASON_WORDS.get(reasons, reasons))
        item.reason = why
        queue.hide_with_notice(session, item, obj, by_id=by.id, why=why)
        from . import audit

        audit.record(session, actor_id=by.id if by.is_moderator else None, action="auto_hide", target_type=target_type,
                     target_id=obj.id, reason=why, item_id=item.id, weight=item.flag_weight)
    if not already_open:
        # Moderators hear of an item once, until it is handled; later flags add weight.
        notify_moderators(session, "post_flagged", thread=thread, actor_id=by.id,
                          data={"title": thread.title, "reason": reason})
    session.flush()
    emit(session, FlagRaised(flag_id=row.id, target_type=target_type, target_id=obj.id,
                             thread_id=thread.id))
    return row


def _top_reason(session: Session, target_type: str, target_id: int) -> str:
    return session.scalar(select(Flag.reason).where(
        Flag.target_type == target_type, Flag.target_id == target_id)
        .group_by(Flag.reason).order_by(func.sum(Flag.weight).desc()).limit(1)) or "other"


def upheld_counts(session: Session, users: list[int] | None) -> dict[int, int]:
    """Agreed flags per flagger (all flaggers when ``users`` is None): what the curator
    and steward badges count, from the flags themselves so ``recompute`` agrees."""
    query = select(Flag.user_id, func.count(Flag.id)).where(Flag.state == "upheld")
    if users is not None:
        query = query.where(Flag.user_id.in_(users))
    return dict(session.execute(query.group_by(Flag.user_id)).all())
