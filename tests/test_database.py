"""The database as a web server needs it: planner statistics kept fresh in the background."""

from __future__ import annotations

from sqlalchemy import text

from community.database import run_statistics


def test_the_background_loop_gives_sqlite_planner_statistics(app, db, make_thread):
    for _ in range(3):
        make_thread()
    run_statistics(app, rounds=1)
    if db.engine.dialect.name != "sqlite":
        return  # PostgreSQL's autovacuum analyses; the loop leaves it alone without failing
    tables = {row[0] for row in db.session.execute(text("SELECT tbl FROM sqlite_stat1"))}
    assert {"thread", "user"} <= tables  # the tables that have rows
