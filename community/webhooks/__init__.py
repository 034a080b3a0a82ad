"""Webhooks: admins subscribe a URL to domain events; each event becomes a signed
delivery in an outbox written in the change's transaction (``outbox``), which the
background worker sends after the commit with retries (``sender``).

Targets are checked against SSRF rules in ``targets``; pages are in ``views``, the
API in ``community/api/webhooks.py``.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The events a webhook may subscribe to (API.md "Integrations"), with their labels.
EVENTS = {
    "thread.created": _l("A thread is created"),
    "thread.deleted": _l("A thread is deleted or merged"),
    "thread.duplicate": _l("A thread is closed as a duplicate"),
    "post.created": _l("A reply is posted"),
    "answer.accepted": _l("An answer is accepted"),
    "case.opened": _l("A case is opened"),
    "case.updated": _l("A case is updated"),
    "case.resolved": _l("A case is resolved"),
    "case.sla_warning": _l("A case nears its first-response target"),
    "case.sla_breached": _l("A case misses its first-response target"),
    "idea.status_changed": _l("An idea changes status"),
    "user.created": _l("An account is created"),
    "flag.raised": _l("A post is flagged"),
}

# The delivery log's words for a delivery's state and its last failure.
DELIVERY_STATES = {"pending": _l("waiting to be sent"), "sending": _l("being sent"),
                   "delivered": _l("delivered"), "failed": _l("given up")}
DELIVERY_ERRORS = {"refused": _l("address refused"), "timeout": _l("timed out"),
                   "connection": _l("could not connect"), "http": _l("error answer")}


def _admin_link(ref: dict) -> str:
    return "/admin/webhooks"


def init_app(app) -> None:
    from ..notifications import registry
    from . import outbox, views  # noqa: F401  (outbox subscribes to the domain events)

    registry.register(
        "webhook_disabled", label=_l("A webhook is disabled after repeated failures"),
        text=_l("The webhook to %(host)s was disabled after %(n)s failed attempts in a row"),
        link=_admin_link, email="immediately", audience="moderators")
    app.register_blueprint(views.bp)
