"""Sending the outbox after the commit: claim, send outside any transaction, settle.

A pass claims due deliveries ('sending', with the time), commits, then POSTs each
signed body; results are written in one short transaction at the end. A claim older
than WEBHOOK_CLAIM_TIMEOUT is a worker that died: the delivery goes back to the queue
(sent twice at worst, never lost; receivers deduplicate on the delivery id). A
non-2xx answer, a 3xx included (redirects are never followed), a timeout or a refused
target is a failed attempt: retried with exponential backoff and jitter until
WEBHOOK_RETRY_HOURS after the event, then 'failed'. WEBHOOK_DISABLE_AFTER failed
attempts in a row disable the webhook and notify every admin.

Within a pass a webhook's deliveries go in the order they were written; a delivery
waiting for its retry does not hold back later ones (receivers order by
``created_at``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests
from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..lifecycle import one_pass
from ..models import User, Webhook, WebhookDelivery, utcnow
from . import outbox, targets

log = logging.getLogger(__name__)
BATCH = 200
EXCERPT = 500
_sessions: dict[bool, requests.Session] = {}


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class Outcome:
    status_code: int | None
    excerpt: str | None
    error: str | None  # None: delivered; else refused, timeout, connection or http

    @property
    def ok(self) -> bool:
        return self.error is None


def _http(allow_private: bool) -> requests.Session:
    # One per process and policy: connections stay alive between deliveries.
    if allow_private not in _sessions:
        _sessions[allow_private] = targets.http_session(allow_private)
    return _sessions[allow_private]


def _read_excerpt(resp: requests.Response) -> str:
    data = resp.raw.read(EXCERPT * 4, decode_content=True) or b""
    if resp.raw.read(1):
        resp.close()  # a long answer: drop the connection rather than read it all
    else:
        resp.raw.release_conn()
    return data.decode("utf-8", "replace")[:EXCERPT]


@dataclass(frozen=True)
class Job:
    """What one attempt needs, read before the transaction ends (no lazy loads later)."""
    id: int
    webhook_id: int
    url: str
    secret: str
    uid: str
    event: str
    body: bytes


def post(job: Job) -> Outcome:
    """One attempt; never raises."""
    cfg = current_app.config
    allow_private = bool(cfg["WEBHOOK_ALLOW_PRIVATE"])
    try:
        targets.check_url(job.url, allowed_hosts=cfg["WEBHOOK_ALLOWED_HOSTS"],
                          allow_private=allow_private)
        timeout = float(cfg["WEBHOOK_TIMEOUT"])
        resp = _http(allow_private).post(
            job.url, data=job.body, timeout=(timeout, timeout), allow_redirects=False,
            stream=True, headers={
                "Content-Type": "application/json", "User-Agent": "Continuum-Webhooks/1",
                "X-Continuum-Event": job.event, "X-Continuum-Delivery": job.uid,
                "X-Continuum-Signature": signature(job.secret, job.body)})
        excerpt = _read_excerpt(resp)
    except targets.Refused as exc:
        log.warning("webhook %s delivery %s refused: %s", job.webhook_id, job.uid, exc)
        return Outcome(None, None, "refused")
    except requests.Timeout:
        return Outcome(None, None, "timeout")
    except Exception as exc:  # anything else the network or the target does
        log.warning("webhook %s delivery %s failed: %s", job.webhook_id, job.uid, exc)
        return Outcome(None, None, "connection")
    if 200 <= resp.status_code < 300:
        return Outcome(resp.status_code, excerpt, None)
    return Outcome(resp.status_code, excerpt, "http")


def release_stale_claims(session: Session, now: datetime) -> int:
    limit = now - timedelta(seconds=float(current_app.config["WEBHOOK_CLAIM_TIMEOUT"]))
    released = session.execute(update(WebhookDelivery).where(
        WebhookDelivery.state == "sending", WebhookDelivery.claimed_at < limit)
        .values(state="pending", claimed_at=None)).rowcount
    session.commit()
    return released


def _claim(session: Session, now: datetime, limit: int) -> list[int]:
    ids = list(session.scalars(
        select(WebhookDelivery.id).join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .where(WebhookDelivery.state == "pending", WebhookDelivery.next_attempt_at <= now,
               Webhook.active.is_(True))
        .order_by(WebhookDelivery.id).limit(limit)))
    if not ids:
        session.commit()
        return []
    claimed = session.scalars(
        update(WebhookDelivery).where(WebhookDelivery.id.in_(ids),
                                      WebhookDelivery.state == "pending")
        .values(state="sending", claimed_at=now).returning(WebhookDelivery.id)
        .execution_options(synchronize_session=False)).all()
    session.commit()
    return sorted(claimed)


def retry_delay(attempts: int) -> float:
    """Seconds before the next attempt after ``attempts`` failed ones: doubling from
    WEBHOOK_RETRY_BASE, capped at 6 hours, with ±20 % jitter so a recovering
    receiver is not hit by every retry at once."""
    base = float(current_app.config["WEBHOOK_RETRY_BASE"])
    return min(base * 2 ** max(attempts - 1, 0), 6 * 3600.0) * random.uniform(0.8, 1.2)


def _settle(hook: Webhook, delivery: WebhookDelivery, outcome: Outcome, now: datetime) -> bool:
    """Record one attempt; True when it disabled the webhook."""
    delivery.attempts += 1
    delivery.claimed_at = None
    delivery.status_code = outcome.status_code
    delivery.response_excerpt = outcome.excerpt
    delivery.error = outcome.error
    if outcome.ok:
        delivery.state, delivery.delivered_at, delivery.next_attempt_at = "delivered", now, None
        hook.failures = 0
        return False
    hook.failures += 1
    due = now + timedelta(seconds=retry_delay(delivery.attempts))
    window = delivery.created_at + timedelta(hours=float(current_app.config["WEBHOOK_RETRY_HOURS"]))
    if due > window:
        delivery.state, delivery.next_attempt_at = "failed", None
    else:
        delivery.state, delivery.next_attempt_at = "pending", due
    if hook.active and hook.failures >= int(current_app.config["WEBHOOK_DISABLE_AFTER"]):
        hook.active, hook.disabled_at = False, now
        return True
    return False


def _tell_admins(session: Session, hook: Webhook) -> None:
    from ..notifications import notify

    admins = session.scalars(select(User.id).where(User.role == "admin",
                                                   User.erased_at.is_(None))).all()
    notify(session, "webhook_disabled", recipients=admins,
           data={"host": urlsplit(hook.url).hostname or hook.url, "n": hook.failures,
                 "webhook_id": hook.id})


def send_due(session: Session, *, now: datetime | None = None, limit: int = BATCH) -> int:
    """One pass: send what is due at ``now``; returns how many attempts were made."""
    now = now or utcnow()
    release_stale_claims(session, now)
    ids = _claim(session, now, limit)
    if not ids:
        return 0
    jobs = [Job(d.id, d.webhook_id, h.url, h.secret, d.uid, d.event, d.body.encode())
            for d, h in session.execute(
                select(WebhookDelivery, Webhook).join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
                .where(WebhookDelivery.id.in_(ids)).order_by(WebhookDelivery.id))]
    disable_after = int(current_app.config["WEBHOOK_DISABLE_AFTER"])
    failures = dict(session.execute(select(Webhook.id, Webhook.failures).where(
        Webhook.id.in_({j.webhook_id for j in jobs}))).all())
    session.commit()  # no transaction (and no SQLite lock) across the network
    outcomes: dict[int, Outcome] = {}
    for job in jobs:
        if failures[job.webhook_id] >= disable_after:
            continue  # it is being disabled in this pass: the rest of its deliveries wait
        outcome = outcomes[job.id] = post(job)
        failures[job.webhook_id] = 0 if outcome.ok else failures[job.webhook_id] + 1
    # The results in one short transaction.
    hooks = {h.id: h for h in session.scalars(select(Webhook).where(Webhook.id.in_(failures)))}
    for delivery in session.scalars(select(WebhookDelivery).where(WebhookDelivery.id.in_(ids))
                                    .order_by(WebhookDelivery.id)):
        hook = hooks.get(delivery.webhook_id)
        outcome = outcomes.get(delivery.id)
        if outcome is None or hook is None:
            delivery.state, delivery.claimed_at = "pending", None
        elif _settle(hook, delivery, outcome, now):
            _tell_admins(session, hook)
    session.commit()
    return len(outcomes)


def run_webhooks(app, *, interval: float | None = None, once: bool = False) -> None:
    """The background loop: woken after a commit that wrote deliveries, else every
    SERVE_BACKGROUND_INTERVAL seconds for retries that came due."""
    interval = interval or float(app.config["SERVE_BACKGROUND_INTERVAL"])
    while True:
        busy = False
        try:
            with one_pass(), app.app_context():
                from ..extensions import db

                busy = send_due(db.session) >= BATCH
                db.session.remove()
        except Exception:
            log.exception("webhook pass failed")
        if once:
            return
        if not busy:
            outbox.wake_event.wait(interval)
            outbox.wake_event.clear()
