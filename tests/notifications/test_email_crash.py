"""A mailer killed in the middle of a send loses no email: the row says 'sending' (never
'done' before the message left), and once the claim is stale the next pass sends it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import select

from community.models import Notification
from community.notifications import delivery, preferences

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).with_name("flask"))


def _silent_smtp_server():
    """Accepts connections and never says a word: the sender hangs in its greeting."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted = threading.Event()
    held = []

    def serve():
        try:
            conn, _addr = server.accept()
        except OSError:
            return
        held.append(conn)
        accepted.set()

    threading.Thread(target=serve, daemon=True).start()
    return server, accepted, held


def _state(db, user) -> str:
    db.session.expire_all()
    state = db.session.scalar(select(Notification.email_state).where(
        Notification.user_id == user.id, Notification.verb == "answer_posted"))
    db.session.commit()  # let go of SQLite's lock: the mailer process writes too
    return state


def test_a_mailer_killed_mid_send_leaves_the_email_to_send_again(
        app, db, make_user, make_thread, make_post):
    asker = make_user()
    preferences.update(db.session, by=asker,
                       changes=[{"verb": "answer_posted", "email": "immediately"}])
    db.session.commit()
    make_post(thread=make_thread(author=asker, title="Why does my grinder clump?"))
    assert _state(db, asker) == "pending"

    server, accepted, held = _silent_smtp_server()
    env = {**os.environ,
           "COMMUNITY_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
           "COMMUNITY_INSTANCE_PATH": app.instance_path,
           "COMMUNITY_SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"],
           "COMMUNITY_SECRET_KEY": "test-secret",
           "COMMUNITY_MAIL_SMTP_HOST": "127.0.0.1",
           "COMMUNITY_MAIL_SMTP_PORT": str(server.getsockname()[1])}
    env.pop("FLASK_RUN_FROM_CLI", None)
    mailer = subprocess.Popen([FLASK, "--app", "wsgi", "community", "digest"], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert accepted.wait(60), "the mailer never connected"
        # The mailer waits for the server's greeting holding no database lock: this read
        # answers at once (it used to wait out the whole SMTP timeout).
        started = time.monotonic()
        assert _state(db, asker) == "sending"
        assert time.monotonic() - started < 5
        assert mailer.poll() is None  # still waiting for the greeting
        mailer.send_signal(signal.SIGKILL)
        mailer.wait(10)
    finally:
        if mailer.poll() is None:
            mailer.kill()
        for conn in held:
            conn.close()
        server.close()

    assert _state(db, asker) == "sending"  # claimed, not sent, and not marked sent
    app.config["MAIL_SMTP_HOST"] = None  # the next pass writes to the outbox folder
    assert delivery.send_pending(db.session) == 0  # the claim is fresh: maybe still sending
    assert _state(db, asker) == "sending"
    app.config["EMAIL_CLAIM_TIMEOUT"] = 0  # as if ten minutes had passed
    assert delivery.send_pending(db.session) == 1
    assert _state(db, asker) == "done"
    assert len(list((Path(app.instance_path) / "outbox").glob("*.eml"))) == 1
