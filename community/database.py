"""Engine set-up: SQLite tuned for a web server, PostgreSQL as it comes."""

from __future__ import annotations

import logging

from flask import g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

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


def install_sqlite_hooks(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

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
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


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
