"""Counted in memory, written in batches: searches, similar-question lists shown and
opened from the ask form, and thread pages read per account and day.

Recording is a dictionary update under a lock (microseconds, no query): a page view
never waits on the database. ``flush`` writes everything counted with one
``INSERT … ON CONFLICT DO UPDATE`` per table; the background worker calls it every
``ANALYTICS_FLUSH_INTERVAL`` seconds and so does each web process, in a thread, after a
request once that interval has passed. A crash loses at most that interval's counts, never content.

What is kept (docs/API-EXTENSIONS.md): counters per day, space and kind; per ask-form
opening a random token made for that page with the day, whether suggestions were shown,
how many were opened and whether a question was posted; per account and day the number
of thread pages read. No query text (the zero-result log is search_miss), no thread
read, no address, no agent, no time finer than the day.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
import time
from collections import defaultdict
from datetime import date

from flask import current_app
from sqlalchemy import or_
from sqlalchemy.orm import Session

from ..lifecycle import one_pass
from ..models import utcnow
from ..models.analytics import ActivityDay, AnalyticsCounter, AskForm

log = logging.getLogger(__name__)
TOKEN = re.compile(r"[0-9a-f]{32}")
KINDS = ("search", "search_miss", "similar_shown", "similar_click")


class Buffer:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counters: dict[tuple[date, int, str], int] = defaultdict(int)
        self.views: dict[tuple[date, int], int] = defaultdict(int)
        self.forms: dict[str, dict] = {}
        self.flushed_at = time.monotonic()
        self.flushing = threading.Lock()  # one background write at a time

    def take(self):
        with self.lock:
            taken = (self.counters, self.views, self.forms)
            self.counters, self.views, self.forms = defaultdict(int), defaultdict(int), {}
            self.flushed_at = time.monotonic()
        return taken


def _buffer() -> Buffer:
    return current_app.extensions.setdefault("analytics_buffer", Buffer())


def new_form_token() -> str:
    return secrets.token_hex(16)


def valid_token(raw) -> str | None:
    return raw if isinstance(raw, str) and TOKEN.fullmatch(raw) else None


def count(kind: str, space_id: int | None = None) -> None:
    buf = _buffer()
    with buf.lock:
        buf.counters[(utcnow().date(), space_id or 0, kind)] += 1


def view(user_id: int) -> None:
    buf = _buffer()
    with buf.lock:
        buf.views[(utcnow().date(), user_id)] += 1


def ask_form(token: str | None, *, shown: bool = False, clicked: bool = False,
             asked: bool = False) -> None:
    """What happened on one opening of the ask form (an invalid token is ignored)."""
    token = valid_token(token)
    if token is None:
        return
    if shown:
        count("similar_shown")
    if clicked:
        count("similar_click")
    buf = _buffer()
    with buf.lock:
        row = buf.forms.setdefault(token, {"token": token, "day": utcnow().date(),
                                           "shown": False, "clicks": 0, "asked": False})
        row["shown"] = row["shown"] or shown
        row["clicks"] += int(clicked)
        row["asked"] = row["asked"] or asked


def _insert(session: Session, model):
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def flush(session: Session) -> int:
    """Write what was counted (the caller commits); returns the rows upserted."""
    counters, views, forms = _buffer().take()
    written = 0
    if counters:
        stmt = _insert(session, AnalyticsCounter)
        session.execute(stmt.on_conflict_do_update(
            index_elements=["day", "space_id", "kind"],
            set_={"n": AnalyticsCounter.n + stmt.excluded.n}),
            [{"day": d, "space_id": s, "kind": k, "n": n} for (d, s, k), n in counters.items()])
        written += len(counters)
    if views:
        stmt = _insert(session, ActivityDay)
        session.execute(stmt.on_conflict_do_update(
            index_elements=["day", "user_id"],
            set_={"views": ActivityDay.views + stmt.excluded.views}),
            [{"day": d, "user_id": u, "views": n, "posts": 0} for (d, u), n in views.items()])
        written += len(views)
    if forms:
        stmt = _insert(session, AskForm)
        session.execute(stmt.on_conflict_do_update(
            index_elements=["token"],
            set_={"shown": or_(AskForm.shown, stmt.excluded.shown),
                  "clicks": AskForm.clicks + stmt.excluded.clicks,
                  "asked": or_(AskForm.asked, stmt.excluded.asked)}),
            list(forms.values()))
        written += len(forms)
    return written


def flush_now(app) -> None:
    """One batch in its own transaction; a failure is logged and the batch dropped."""
    from ..extensions import db

    with app.app_context():
        try:
            if flush(db.session):
                db.session.commit()
        except Exception:
            db.session.rollback()
            log.warning("could not write the analytics counts", exc_info=True)
        finally:
            db.session.remove()


def flush_in_background(app) -> None:
    """``flush_now`` in a thread of its own, unless one is already writing."""
    buf = app.extensions.get("analytics_buffer")
    if buf is None or not buf.flushing.acquire(blocking=False):
        return

    def write() -> None:
        try:
            flush_now(app)
        finally:
            buf.flushing.release()

    threading.Thread(target=write, name="analytics-flush", daemon=True).start()


def due(app) -> bool:
    buf = app.extensions.get("analytics_buffer")
    return bool(buf and (buf.counters or buf.views or buf.forms) and
                time.monotonic() - buf.flushed_at >= app.config["ANALYTICS_FLUSH_INTERVAL"])


def run_flusher(app) -> None:
    """The background loop of `community serve` and `community worker`."""
    from ..extensions import socketio

    while True:
        socketio.sleep(app.config["ANALYTICS_FLUSH_INTERVAL"])
        with one_pass():
            flush_now(app)
