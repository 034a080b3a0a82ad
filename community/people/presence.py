"""``user.last_seen_at``: written at most once per LAST_SEEN_INTERVAL_MINUTES per account,
after the response is built. On a page read that write may meet SQLite's lock (a
deferred transaction cannot wait for it): then "last seen" stays stale until a later
request, and the request itself never fails for it."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app, g
from sqlalchemy import or_, update
from sqlalchemy.exc import OperationalError

from ..extensions import db
from ..models import User, utcnow

log = logging.getLogger(__name__)


def touch(response):
    user = g.get("_login_user")  # only a caller this request already loaded
    if (user is None or not getattr(user, "is_authenticated", False)
            or response.status_code >= 500):
        return response
    now = utcnow()
    stale = now - timedelta(minutes=current_app.config["LAST_SEEN_INTERVAL_MINUTES"])
    if user.last_seen_at is not None and user.last_seen_at >= stale:
        return response
    try:
        db.session.execute(update(User).where(
            User.id == user.id, or_(User.last_seen_at.is_(None), User.last_seen_at < stale))
            .values(last_seen_at=now), execution_options={"synchronize_session": False})
        db.session.commit()
    except OperationalError:
        db.session.rollback()
        log.warning("last seen of user %s not written (database busy)", user.id)
    return response
