"""Uploads that no thread or reply shows, UPLOAD_ORPHAN_HOURS after they were made, are
deleted by the background loop of `serve` and `worker` (a form abandoned after its
picture was attached, a picture removed by an edit)."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Upload, UploadLink, utcnow
from . import service

log = logging.getLogger(__name__)
BATCH = 500


def purge_orphans(session: Session, *, now: datetime | None = None) -> int:
    """Delete (in the caller's transaction) up to BATCH orphaned uploads; their files go
    after the commit. Answers how many."""
    before = (now or utcnow()) - timedelta(hours=current_app.config["UPLOAD_ORPHAN_HOURS"])
    orphans = list(session.scalars(
        select(Upload).where(Upload.created_at < before,
                             ~exists().where(UploadLink.upload_id == Upload.id))
        .order_by(Upload.created_at).limit(BATCH)))
    return service.delete_uploads(session, orphans)


def run_purger(app, *, rounds: int | None = None) -> None:
    """The background loop: a purge every UPLOAD_PURGE_INTERVAL seconds."""
    from ..extensions import socketio

    done = 0
    while rounds is None or done < rounds:
        started = time.monotonic()
        with app.app_context():
            try:
                while purge_orphans(db.session) == BATCH:
                    db.session.commit()
                db.session.commit()
            except Exception:
                db.session.rollback()
                log.exception("upload purge failed")
            finally:
                db.session.remove()
        done += 1
        if rounds is None or done < rounds:
            socketio.sleep(max(1.0, app.config["UPLOAD_PURGE_INTERVAL"]
                               - (time.monotonic() - started)))
