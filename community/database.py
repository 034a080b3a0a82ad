"""Engine set-up: SQLite tuned for a web server, PostgreSQL as it comes."""

from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def configure_engine(app) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        # Copies: the defaults' dict is shared by every app created in this process.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("timeout", 15)
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
        cur.execute("PRAGMA busy_timeout=15000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # A deferred transaction that reads then writes fails at once with
        # "database is locked" (busy_timeout does not apply to the upgrade), so
        # anything that may write takes the write lock up front. Page reads stay
        # deferred so they never queue behind writers (WAL).
        if has_request_context() and request.method in SAFE_METHODS:
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
