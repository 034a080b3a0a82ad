"""Engine set-up: SQLite tuned for a web server, PostgreSQL as it comes."""

from __future__ import annotations

import logging
import threading

from flask import g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .key_reads import run_driver_sql
from .lifecycle import one_pass

log = logging.getLogger(__name__)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def configure_engine(app) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        # Copies: the defaults' dict is shared by every app created in this process.
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        connect_args = dict(options.get("connect_args") or {})
        # The driver's timeout is SQLite's busy timeout: how long a write waits for the
        # lock before the request gives up with a 503 (community/errors.py).
        connect_args.setdefault("timeout", app.config["DATABASE_BUSY_TIMEOUT"])
        # Let SQLAlchemy, not the driver, emit BEGIN (see _begin below).
        connect_args["isolation_level"] = None
        connect_args.setdefault("check_same_thread", False)
        options["connect_args"] = connect_args
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


class WriteTurns:
    """SQLite's write lock, taken in turn by this process's writers.

    SQLite's busy handler polls, sleeping up to 100 ms between tries, so a writer that
    arrives as the lock frees takes it before those who have waited for seconds. Under
    load some writers waited out the whole busy timeout and got a 503 (the embedded load
    run: 15 writes in 10 minutes). Here writers queue in arrival order and only the head
    of the queue asks SQLite. Another process (a command) still meets SQLite's handler."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self._cond = threading.Condition()
        self._next = self._serving = 0
        self._gave_up: set[int] = set()
        self._owner: int | None = None

    def take(self) -> bool:
        """Wait for this thread's turn: True once it has it. False if it waited the
        timeout, or already holds the turn (a second connection): SQLite decides then."""
        me = threading.get_ident()
        with self._cond:
            if self._owner == me:
                return False
            ticket = self._next
            self._next += 1
            if not self._cond.wait_for(lambda: self._serving == ticket, self.timeout):
                self._gave_up.add(ticket)  # skipped when the queue reaches it
                return False
            self._owner = me
            return True

    def give_back(self) -> None:
        with self._cond:
            self._owner = None
            self._serving += 1
            while self._serving in self._gave_up:
                self._gave_up.discard(self._serving)
                self._serving += 1
            self._cond.notify_all()


def install_sqlite_hooks(engine: Engine, busy_timeout: float) -> None:
    if engine.dialect.name != "sqlite":
        return
    turns = WriteTurns(busy_timeout)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # A deferred transaction that reads then writes fails at once with
        # "database is locked" (busy_timeout does not apply to the upgrade), so
        # anything that may write takes the write lock up front. Page reads stay
        # deferred so they never queue behind writers (WAL).
        if (has_request_context() and request.method in SAFE_METHODS
                and not g.get("writes_on_get")):
            # On the driver's cursor: every page starts here (13 µs less than through
            # SQLAlchemy's statement path); a deferred BEGIN waits for no lock.
            run_driver_sql(conn, "BEGIN", ())
            return
        held = turns.take()
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            if held:
                turns.give_back()
            raise
        if held:
            conn.info["write_turn"] = True

    def _ended(conn):
        if conn.info.pop("write_turn", False):
            turns.give_back()

    event.listen(engine, "commit", _ended)
    event.listen(engine, "rollback", _ended)

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection, record):
        # A connection back in the pool (closed, invalidated) holds no transaction.
        if record.info.pop("write_turn", False):
            turns.give_back()


def writes_on_get() -> None:
    """This GET request writes (a provider's redirect back after signing in): its next
    transaction takes the write lock up front, as a POST's does."""
    g.writes_on_get = True


def refresh_statistics(engine) -> None:
    """Give SQLite's query planner table statistics (PostgreSQL's autovacuum keeps its own).

    Without them it reads the home page's recent threads through the per-space index and
    sorts them all (3.8 ms at 10,000 threads) instead of walking the activity index in
    order (0.03 ms). ``analysis_limit`` keeps the run short on a large database."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA analysis_limit=1000")
        conn.exec_driver_sql("ANALYZE")
        conn.commit()


def run_statistics(app, *, interval: float | None = None, rounds: int | None = None) -> None:
    """The background loop of `serve` and `worker`: fresh planner statistics, daily."""
    from .extensions import db, socketio

    interval = interval or app.config["DATABASE_STATISTICS_INTERVAL"]
    done = 0
    while rounds is None or done < rounds:
        with one_pass(), app.app_context():
            try:
                refresh_statistics(db.engine)
            except Exception:
                log.exception("refreshing database statistics failed")
        done += 1
        if rounds is None or done < rounds:
            socketio.sleep(interval)
