"""Pages: /admin/webhooks (admins): subscriptions, their delivery logs, redelivery."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import permissions as perm
from ..errors import DomainError
from ..extensions import db
from ..models import Webhook
from ..schemas import load_form, page_number, submitted
from . import DELIVERY_ERRORS, DELIVERY_STATES, EVENTS, service
from .schemas import WebhookIn, WebhookKeptIn, WebhookPatchIn

bp = Blueprint("webhooks", __name__)


def _hook(webhook_id: int) -> Webhook:
    return service.webhook_or_404(db.session, webhook_id)


def _list_page(*, form=None, errors=None, message=None, created=None, status=200):
    hooks = list(db.session.scalars(select(Webhook).order_by(Webhook.id)))
    return render_template("webhooks/admin_webhooks.html", hooks=hooks, events=EVENTS,
                           form=form or {"url": "", "events": [], "include_internal": False},
                           errors=errors or {}, message=message, created=created), status


def _ticked() -> list[str]:
    try:
        return [e for e in load_form(WebhookKeptIn())["events"] if e in EVENTS]
    except DomainError:
        return []


@bp.get("/admin/webhooks")
@perm.requires(perm.require_admin)
def admin_webhooks():
    return _list_page()


@bp.post("/admin/webhooks")
@perm.requires(perm.require_admin)
def create_webhook():
    try:
        data = load_form(WebhookIn())
        hook = service.create(db.session, by=current_user, **data)
    except DomainError as exc:
        db.session.rollback()
        kept = {**submitted("url"), "events": _ticked(),
                "include_internal": submitted("include_internal")["include_internal"] == "on"}
        return _list_page(form=kept, errors=exc.fields or {"url": [exc.message]},
                          message=exc.message, status=exc.status)
    db.session.commit()
    # Shown on this answer only: never put in the session or a redirect.
    return _list_page(created=hook, status=201)


@bp.post("/admin/webhooks/<id:webhook_id>/active")
@perm.requires(perm.require_admin)
def toggle_webhook(webhook_id: int):
    hook = _hook(webhook_id)
    data = load_form(WebhookPatchIn())
    service.update(db.session, hook, active=data.get("active", not hook.active))
    db.session.commit()
    flash(_("The webhook is on.") if hook.active else _("The webhook is off."))
    return redirect(url_for("webhooks.admin_webhooks"), code=303)


@bp.post("/admin/webhooks/<id:webhook_id>/delete")
@perm.requires(perm.require_admin)
def delete_webhook(webhook_id: int):
    service.delete(db.session, _hook(webhook_id))
    db.session.commit()
    flash(_("The webhook was deleted."))
    return redirect(url_for("webhooks.admin_webhooks"), code=303)


@bp.get("/admin/webhooks/<id:webhook_id>")
@perm.requires(perm.require_admin)
def webhook_log(webhook_id: int):
    hook = _hook(webhook_id)
    found = service.deliveries_page(db.session, hook, page=page_number(), per_page=50)
    return render_template("webhooks/webhook_log.html", hook=hook, found=found, events=EVENTS,
                           delivery_states=DELIVERY_STATES, delivery_errors=DELIVERY_ERRORS)


@bp.post("/admin/webhooks/<id:webhook_id>/deliveries/<delivery>/redeliver")
@perm.requires(perm.require_admin)
def redeliver(webhook_id: int, delivery: str):
    hook = _hook(webhook_id)
    service.redeliver(db.session, service.delivery_or_404(db.session, hook, delivery))
    db.session.commit()
    flash(_("The delivery will be sent again."))
    return redirect(url_for("webhooks.webhook_log", webhook_id=hook.id), code=303)
