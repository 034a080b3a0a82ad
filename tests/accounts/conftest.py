"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and the
mailer's pass that sends account emails to it."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller

import community.realtime  # noqa: F401  (its socket handlers must exist before any app binds)
from community.extensions import db as _db
from community.notifications import delivery
from tests.smtp_capture import Mailbox, free_port


@pytest.fixture
def mailbox(app):
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=controller.port)
    yield box
    controller.stop()


@pytest.fixture(autouse=True)
def _fresh_contexts(fresh_context_per_request):
    """Every request runs in its own app context, as in production."""


@pytest.fixture
def deliver(app, db):
    """One pass of the background mailer (what `serve` and `worker` run after a commit)."""

    def run() -> dict:
        _db.session.commit()
        with app.app_context():
            out = delivery.tick(_db.session)
            _db.session.remove()
        return out

    return run
