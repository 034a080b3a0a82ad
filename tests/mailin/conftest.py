"""Replies by email, end to end: the app's mailer sends notification emails to a real SMTP
server on loopback (aiosmtpd), and replies go to the real mail-in listener (the handler
`community mail-in` runs) on another loopback port, through smtplib."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller

import community.realtime  # noqa: F401  (its socket handlers must exist before any app binds)
from community.extensions import db as _db
from community.mailin import smtp
from community.notifications import delivery
from tests.mailin import mailin_tools
from tests.smtp_capture import Mailbox, free_port

DOMAIN = "replies.example.test"


@pytest.fixture(autouse=True)
def _fresh_contexts(fresh_context_per_request):
    """Every request runs in its own app context, as in production."""


@pytest.fixture
def reply_domain(app):
    app.config.update(MAIL_REPLY_DOMAIN=DOMAIN, MAIL_IN_MAX_BYTES=64 * 1024)
    return DOMAIN


@pytest.fixture
def mailbox(app, reply_domain):
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=controller.port)
    yield box
    controller.stop()


@pytest.fixture
def listener(app, reply_domain):
    """The mail-in listener, built as `community mail-in` builds it; yields its port."""
    controller = smtp.controller(app, "127.0.0.1", free_port())
    controller.start()
    yield controller.port
    controller.stop()


@pytest.fixture
def send(db, listener):
    """Send a reply to the listener once the test's own transaction is over (outside a
    request, SQLite's write lock is taken at the first read)."""

    def run(msg, **kwargs) -> dict:
        _db.session.commit()
        return mailin_tools.send(listener, msg, **kwargs)

    return run


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
