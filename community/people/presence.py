"""``user.last_seen_at``: written at most once per LAST_SEEN_INTERVAL_MINUTES per account,
after the response is built, through the request's own session. On SQLite it waits at
most LOCK_WAIT_MS for the write lock (a page read's deferred transaction may also find
its snapshot outdated): then "last seen" stays stale until a later request, and the
request itself never waits or fails for it. Nothing is expired by that commit, so
whoever shares the session (the CLI, a test driving the app) keeps what it loaded."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app, g
from sqlalchemy import or_, update
from sqlalchemy.exc import OperationalError

from ..extensions import db
from ..models import User, utcnow

log = logging.getLogger(__name__)
LOCK_WAIT_MS = 50


def _write(session, user_id: int, now, stale) -> None:
    update_seen = (update(User).where(
        User.id == user_id, or_(User.last_seen_at.is_(None), User.last_seen_at < stale))
        .values(last_seen_at=now))
    if session.get_bind().dialect.name == "sqlite":
        # The short wait is set and undone on this connection while the session holds it.
        raw = session.connection().connection.dbapi_connection
        raw.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")
        try:
            session.execute(update_seen, execution_options={"synchronize_session": False})
        finally:
            busy = int(current_app.config["DATABASE_BUSY_TIMEOUT"] * 1000)
            raw.execute(f"PRAGMA busy_timeout = {busy}")
    else:
        session.execute(update_seen, execution_options={"synchronize_session": False})
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


def touch(response):
    user = g.get("_login_user")  # only a caller this request already loaded
    if (user is None or not getattr(user, "is_authenticated", False)
            or response.status_code >= 500):
        return response
    now = utcnow()
    stale = now - timedelta(minutes=current_app.config["LAST_SEEN_INTERVAL_MINUTES"])
    if user.last_seen_at is not None and user.last_seen_at >= stale:
        return response
    session = db.session()
    try:
        _write(session, user.id, now, stale)
    except OperationalError:
        session.rollback()
        log.info("last seen of user %s not written (database busy)", user.id)
    return response
