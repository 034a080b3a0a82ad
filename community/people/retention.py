"""Retention: personal data kept no longer than the settings say, purged daily by the
worker, which also finishes erasures (their content removal)."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from ..extensions import db
from ..lifecycle import one_pass
from ..models import SearchMiss, UserSession, utcnow
from ..services import drafts
from . import erasure

log = logging.getLogger(__name__)


def purge(session: Session, *, now: datetime | None = None) -> dict[str, int]:
    """Blank old sessions' addresses, delete old search logs and forgotten drafts; the
    caller commits."""
    now = now or utcnow()
    cfg = current_app.config
    ips_before = now - timedelta(days=cfg["SESSION_IP_RETENTION_DAYS"])
    searches_before = now - timedelta(days=cfg["SEARCH_LOG_RETENTION_DAYS"])
    ips = session.execute(update(UserSession).where(
        UserSession.ip.is_not(None), UserSession.created_at < ips_before).values(ip=None))
    searches = session.execute(delete(SearchMiss).where(SearchMiss.created_at < searches_before))
    old_drafts = drafts.purge(session, before=now - timedelta(days=cfg["DRAFT_RETENTION_DAYS"]))
    return {"session_ips": ips.rowcount, "search_log": searches.rowcount, "drafts": old_drafts}


def run_housekeeping(app, *, rounds: int | None = None) -> None:
    """The background loop of `serve` and `worker`: pending erasures every
    ERASURE_JOB_INTERVAL, the retention purge every RETENTION_PURGE_INTERVAL."""
    from ..extensions import socketio

    last_purge = None
    done = 0
    while rounds is None or done < rounds:
        with one_pass(), app.app_context():
            cfg = app.config
            try:
                erasure.drain_jobs(db.session, max_attempts=cfg["ERASURE_JOB_MAX_ATTEMPTS"])
                if last_purge is None or time.monotonic() - last_purge >= cfg[
                        "RETENTION_PURGE_INTERVAL"]:
                    counts = purge(db.session)
                    db.session.commit()
                    last_purge = time.monotonic()
                    log.info("retention purge: %s", counts)
            except Exception:
                db.session.rollback()
                log.exception("housekeeping failed")
            finally:
                db.session.remove()
        done += 1
        if rounds is None or done < rounds:
            socketio.sleep(app.config["ERASURE_JOB_INTERVAL"])
