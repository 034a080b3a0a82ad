"""The account-email outbox: a send that fails stays queued and goes out later; a
sender that died mid-send gives its claim back."""

from __future__ import annotations

import socket
from datetime import timedelta

from mailtools import link
from sqlalchemy import select, update

from community.models import AccountEmail, EmailToken, utcnow


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_refused_send_stays_pending_and_goes_out_on_a_later_pass(
        app, db, make_user, deliver, mailbox, client):
    user = make_user()
    port = app.config["MAIL_SMTP_PORT"]
    app.config["MAIL_SMTP_PORT"] = _closed_port()
    assert client.post("/api/v1/auth/password-reset", json={"email": user.email}).status_code == 202
    deliver()
    row = db.session.scalar(select(AccountEmail))
    assert (row.state, row.attempts, row.claimed_at) == ("pending", 1, None)
    db.session.commit()
    app.config["MAIL_SMTP_PORT"] = port  # the server is back
    deliver()
    (msg,) = mailbox.to(user.email)
    raw = link(msg, "/reset-password/").rsplit("/", 1)[1]
    assert db.session.scalar(select(AccountEmail.state)) == "done"
    # The failed attempt's token was never sent; the one sent works.
    assert db.session.query(EmailToken).count() == 2
    db.session.commit()
    resp = client.post("/api/v1/auth/password-reset/confirm",
                       json={"token": raw, "password": "a-brand-new-passphrase"})
    assert resp.status_code == 200


def test_a_claim_left_by_a_dead_sender_returns_to_the_queue(
        app, db, make_user, deliver, mailbox, client):
    user = make_user()
    client.post("/api/v1/auth/password-reset", json={"email": user.email})
    db.session.execute(update(AccountEmail).values(
        state="sending", claimed_at=utcnow() - timedelta(seconds=app.config["EMAIL_CLAIM_TIMEOUT"] + 1)))
    db.session.commit()
    deliver()
    assert len(mailbox.to(user.email)) == 1
