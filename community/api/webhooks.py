"""Webhooks (admins): API.md "Integrations", extended in docs/API-EXTENSIONS.md."""

from __future__ import annotations

from sqlalchemy import func, select

from .. import permissions as perm
from ..extensions import db
from ..models import Webhook
from ..queries import Page
from ..webhooks import service
from ..webhooks.schemas import DeliveryOut, WebhookIn, WebhookOut, WebhookPatchIn
from . import bp, json_body, page_args, page_json, reply, signed_in_user
from .openapi import doc


def _hook(webhook_id: int) -> Webhook:
    return service.webhook_or_404(db.session, webhook_id)


@bp.get("/webhooks")
@doc("Webhook subscriptions (admins)", response=WebhookOut, paginated=True, auth=True)
@perm.requires(perm.require_admin)
def list_webhooks():
    page, per_page = page_args()
    total = db.session.scalar(select(func.count(Webhook.id))) or 0
    items = list(db.session.scalars(select(Webhook).order_by(Webhook.id)
                                    .limit(per_page).offset((page - 1) * per_page)))
    return reply(page_json(Page(items, page, per_page, total), WebhookOut()))


@bp.post("/webhooks")
@doc("Subscribe a URL to domain events; the answer alone shows the secret (admins)",
     body=WebhookIn, response=WebhookOut, status=201, auth=True)
@perm.requires(perm.require_admin)
def create_webhook():
    data = json_body(WebhookIn())
    hook = service.create(db.session, by=signed_in_user(), **data)
    db.session.commit()
    return reply({**WebhookOut().dump(hook), "secret": hook.secret}, 201)


@bp.get("/webhooks/<id:webhook_id>")
@doc("One webhook subscription (admins)", response=WebhookOut, auth=True)
@perm.requires(perm.require_admin)
def get_webhook(webhook_id: int):
    return reply(WebhookOut().dump(_hook(webhook_id)))


@bp.patch("/webhooks/<id:webhook_id>")
@doc("Change a webhook; active=true turns a disabled one back on (admins)",
     body=WebhookPatchIn, response=WebhookOut, auth=True)
@perm.requires(perm.require_admin)
def update_webhook(webhook_id: int):
    hook = _hook(webhook_id)
    service.update(db.session, hook, **json_body(WebhookPatchIn()))
    db.session.commit()
    return reply(WebhookOut().dump(hook))


@bp.delete("/webhooks/<id:webhook_id>")
@doc("Delete a webhook and its delivery log (admins)", status=204, auth=True)
@perm.requires(perm.require_admin)
def delete_webhook(webhook_id: int):
    service.delete(db.session, _hook(webhook_id))
    db.session.commit()
    return "", 204


@bp.get("/webhooks/<id:webhook_id>/deliveries")
@doc("A webhook's delivery log, newest first (admins)", response=DeliveryOut,
     paginated=True, auth=True)
@perm.requires(perm.require_admin)
def webhook_deliveries(webhook_id: int):
    page, per_page = page_args()
    found = service.deliveries_page(db.session, _hook(webhook_id), page=page, per_page=per_page)
    return reply(page_json(found, DeliveryOut()))


@bp.post("/webhooks/<id:webhook_id>/deliveries/<delivery>/redeliver")
@doc("Send a delivery again with the same id and body (admins)", response=DeliveryOut,
     status=202, auth=True)
@perm.requires(perm.require_admin)
def redeliver(webhook_id: int, delivery: str):
    hook = _hook(webhook_id)
    row = service.redeliver(db.session, service.delivery_or_404(db.session, hook, delivery))
    db.session.commit()
    return reply(DeliveryOut().dump(row), 202)
