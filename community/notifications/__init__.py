"""Notifications: the verb registry, fan-out, delivery, follows, watches, preferences.

``init_app`` wires it into an app; ``notify`` is what other features call:

    from community.notifications import notify
    notify(session, "case_assigned", recipients=[user_id], actor_id=by.id,
           thread=thread, data={"title": thread.title, "case_id": case.id})
"""

from __future__ import annotations

from . import registry
from .registry import register


def notify(session, verb, **kwargs):
    from .fanout import notify as _notify

    return _notify(session, verb, **kwargs)


def unread_count(session, user) -> int:
    from .inbox import unread_count as _count

    return _count(session, user)


def init_app(app) -> None:
    from .. import realtime
    from ..extensions import db
    from . import account_mail, fanout, views  # noqa: F401  (they subscribe to events)

    realtime.init_app(app)
    app.register_blueprint(views.bp)

    @app.context_processor
    def _bell():
        from flask_login import current_user

        def unread_notifications() -> int:
            return unread_count(db.session, current_user)

        return {"unread_notifications": unread_notifications}


__all__ = ["init_app", "notify", "register", "registry", "unread_count"]
