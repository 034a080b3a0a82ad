"""Notifications: the verb registry, fan-out, delivery, follows, watches, preferences.

``init_app`` wires it into an app; ``notify`` is what other features call:

    from community.notifications import notify
    notify(session, "case_assigned", recipients=[user_id], actor_id=by.id,
           thread=thread, data={"title": thread.title, "case_id": case.id})
"""

from __future__ import annotations

from . import registry
from .registry import register

DEFAULTS = {
    "NOTIFY_MAX_MENTIONS": 10,  # people notified per post; more @names are ignored
    "MAIL_SMTP_HOST": None,  # None: write .eml files to MAIL_OUTBOX_DIR (instance/outbox)
    "MAIL_SMTP_PORT": 25,
    "MAIL_SMTP_STARTTLS": False,
    "MAIL_SMTP_USER": None,
    "MAIL_SMTP_PASSWORD": None,
    "MAIL_FROM": "Continuum <noreply@localhost>",
    "MAIL_OUTBOX_DIR": None,
    "PUBLIC_URL": None,  # links in emails; http://127.0.0.1:5000 when unset
    "DIGEST_HOUR": 7,  # UTC hour from which the day's digest goes out
    "REALTIME_CREDENTIAL_CHECK_INTERVAL": 2.0,
    "REALTIME_MAX_WATCHED_THREADS": 50,
}


def notify(session, verb, **kwargs):
    from .fanout import notify as _notify

    return _notify(session, verb, **kwargs)


def unread_count(session, user) -> int:
    from .inbox import unread_count as _count

    return _count(session, user)


def init_app(app) -> None:
    from .. import realtime
    from ..extensions import db
    from . import fanout, views  # noqa: F401  (fanout subscribes to events)

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    realtime.init_app(app)
    app.register_blueprint(views.bp)

    @app.context_processor
    def _bell():
        from flask_login import current_user

        def unread_notifications() -> int:
            return unread_count(db.session, current_user)

        return {"unread_notifications": unread_notifications}


__all__ = ["init_app", "notify", "register", "registry", "unread_count"]
