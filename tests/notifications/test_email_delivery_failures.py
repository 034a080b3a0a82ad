"""An email is marked sent only once it is: a refused SMTP server or a name that cannot go
into a header never leaves a notification marked done and unsent."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from pathlib import Path

from sqlalchemy import select

from community.models import Notification
from community.notifications import delivery, preferences


def _outbox(app) -> list:
    folder = Path(app.instance_path) / "outbox"
    return [message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted(folder.glob("*.eml"))]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answered(db, make_user, make_thread, make_post, *, answerer_name=None):
    asker = make_user()
    preferences.update(db.session, by=asker,
                       changes=[{"verb": "answer_posted", "email": "immediately"}])
    db.session.commit()
    thread = make_thread(author=asker, title="Why is my crema so thin?")
    answerer = make_user()
    if answerer_name is not None:
        answerer.display_name = answerer_name  # as stored before names were checked
        db.session.commit()
    make_post(thread=thread, author=answerer)
    return asker


def _states(db, user) -> list[str]:
    db.session.expire_all()
    return db.session.scalars(select(Notification.email_state).where(
        Notification.user_id == user.id, Notification.verb == "answer_posted")).all()


def test_an_email_the_smtp_server_refuses_stays_pending_and_goes_out_later(
        app, db, make_user, make_thread, make_post):
    asker = _answered(db, make_user, make_thread, make_post)
    app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=_closed_port())
    with app.test_request_context():
        assert delivery.send_pending(db.session) == 0
    assert _states(db, asker) == ["pending"]
    app.config["MAIL_SMTP_HOST"] = None  # the server is back (here: the outbox folder)
    with app.test_request_context():
        assert delivery.send_pending(db.session) == 1
    assert _states(db, asker) == ["done"]
    assert len(_outbox(app)) == 1


def test_a_name_with_a_line_break_neither_injects_a_header_nor_loses_the_email(
        app, db, make_user, make_thread, make_post):
    asker = _answered(db, make_user, make_thread, make_post,
                      answerer_name="Evil\u202etxt.exe\r\nX-Injected: 1")
    delivery.send_pending(db.session)  # a worker: no request, the site's language
    assert _states(db, asker) == ["done"]
    [msg] = _outbox(app)
    assert msg["X-Injected"] is None
    assert "\n" not in msg["Subject"] and "\r" not in msg["Subject"]
    assert "\u202e" not in msg["Subject"]
    assert "Evil txt.exe X-Injected: 1" in msg["Subject"]
    assert msg["To"] == asker.email
