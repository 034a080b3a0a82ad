"""Subscriptions and redelivery: one verb per function, never a commit."""

from __future__ import annotations

import secrets

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import NotFound, ValidationFailed
from ..events import defer
from ..models import User, Webhook, WebhookDelivery, utcnow
from ..queries import Page
from . import EVENTS, outbox, targets


def _check(url: str | None, events: list[str] | None) -> None:
    errors = {}
    if url is not None:
        try:
            targets.check_url(url, allowed_hosts=current_app.config["WEBHOOK_ALLOWED_HOSTS"],
                              allow_private=bool(current_app.config["WEBHOOK_ALLOW_PRIVATE"]))
        except targets.Refused as exc:
            errors["url"] = [str(exc)]
    if events is not None:
        unknown = sorted(set(events) - set(EVENTS))
        if unknown:
            errors["events"] = [_("Unknown events: %(names)s.", names=", ".join(unknown))]
        elif not events:
            errors["events"] = [_("Choose at least one event.")]
    if errors:
        raise ValidationFailed(_("The webhook could not be saved."), errors)


def create(session: Session, *, url: str, events: list[str], by: User,
           secret: str | None = None, include_internal: bool = False,
           active: bool = True) -> Webhook:
    """A new subscription; without a ``secret`` one is generated (shown once)."""
    _check(url, events)
    hook = Webhook(url=url, events=sorted(set(events)), secret=secret or secrets.token_hex(32),
                   include_internal=include_internal, active=active, created_by_id=by.id,
                   disabled_at=None if active else utcnow())
    session.add(hook)
    session.flush()
    return hook


def update(session: Session, hook: Webhook, *, url: str | None = None,
           events: list[str] | None = None, include_internal: bool | None = None,
           active: bool | None = None) -> Webhook:
    """Change a subscription; turning it back on clears its run of failures."""
    _check(url, events)
    if url is not None:
        hook.url = url
    if events is not None:
        hook.events = sorted(set(events))
    if include_internal is not None:
        hook.include_internal = include_internal
    if active is not None and active != hook.active:
        hook.active = active
        hook.disabled_at = None if active else utcnow()
        if active:
            hook.failures = 0
    session.flush()
    return hook


def delete(session: Session, hook: Webhook) -> None:
    """The subscription and its delivery log go; nothing more is sent to it."""
    session.delete(hook)
    session.flush()


def webhook_or_404(session: Session, webhook_id: int) -> Webhook:
    hook = session.get(Webhook, webhook_id)
    if hook is None:
        raise NotFound(_("This webhook does not exist."))
    return hook


def delivery_or_404(session: Session, hook: Webhook, uid: str) -> WebhookDelivery:
    row = session.scalar(select(WebhookDelivery).where(
        WebhookDelivery.webhook_id == hook.id, WebhookDelivery.uid == uid[:36]))
    if row is None:
        raise NotFound(_("This delivery does not exist."))
    return row


def redeliver(session: Session, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send again, now, with the same delivery id and body (receivers deduplicate).
    A redelivery past the retry window gets one attempt."""
    delivery.state, delivery.next_attempt_at, delivery.claimed_at = "pending", utcnow(), None
    session.flush()
    defer(session, outbox.wake_event.set, once=True)
    return delivery


def deliveries_page(session: Session, hook: Webhook, *, page: int, per_page: int):
    where = WebhookDelivery.webhook_id == hook.id
    total = session.scalar(select(func.count(WebhookDelivery.id)).where(where)) or 0
    items = list(session.scalars(select(WebhookDelivery).where(where)
                                 .order_by(WebhookDelivery.id.desc())
                                 .limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, page=page, per_page=per_page, total=total)
