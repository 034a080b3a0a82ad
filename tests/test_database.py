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


def _sqlite_engine(path, busy_timeout: float):
    from sqlalchemy import create_engine

    from community.database import install_sqlite_hooks

    # As the app configures it (community/database.py): SQLAlchemy emits BEGIN.
    engine = create_engine(f"sqlite:///{path}", connect_args={
        "isolation_level": None, "timeout": busy_timeout, "check_same_thread": False})
    install_sqlite_hooks(engine, busy_timeout)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE written (n INTEGER)")
    return engine


def test_writers_get_sqlites_lock_in_the_order_they_asked(tmp_path):
    import threading
    import time

    engine = _sqlite_engine(tmp_path / "turns.db", busy_timeout=10)
    order: list[int] = []
    first = engine.connect()
    first.begin()  # holds the write lock while the others arrive, one by one
    first.exec_driver_sql("INSERT INTO written VALUES (0)")

    def write(n: int) -> None:
        with engine.begin() as conn:
            order.append(n)
            conn.exec_driver_sql("INSERT INTO written VALUES (?)", (n,))
            time.sleep(0.01)

    writers = []
    for n in range(1, 13):
        writers.append(threading.Thread(target=write, args=(n,)))
        writers[-1].start()
        time.sleep(0.03)  # arrivals in a known order, all while the lock is held
    time.sleep(0.4)  # long enough for SQLite's own handler to back off to 100 ms sleeps
    first.commit()
    first.close()
    for writer in writers:
        writer.join(15)
    assert order == list(range(1, 13)), "each writer in its turn, none starved"
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM written").scalar() == 13
    engine.dispose()


def test_a_writer_that_fails_or_gives_up_passes_the_turn_on(tmp_path):
    import time

    import pytest

    engine = _sqlite_engine(tmp_path / "turns.db", busy_timeout=3)
    with pytest.raises(RuntimeError):
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO written VALUES (1)")
            raise RuntimeError("the write fails half-way")
    conn = engine.connect()
    conn.begin()
    conn.close()  # back to the pool with its transaction open: rolled back there
    started = time.monotonic()
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO written VALUES (2)")
    assert time.monotonic() - started < 1, "nobody waited for a turn that had ended"
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT n FROM written").scalars().all() == [2]
    engine.dispose()


def test_a_writer_that_waited_out_the_timeout_does_not_hold_up_the_queue(tmp_path):
    import threading
    import time

    from sqlalchemy.exc import OperationalError

    engine = _sqlite_engine(tmp_path / "turns.db", busy_timeout=1)
    first = engine.connect()
    first.begin()  # holds the turn longer than anyone waits for it
    refused: list[Exception] = []

    def write() -> None:
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql("INSERT INTO written VALUES (1)")
        except OperationalError as exc:  # "database is locked": the request's 503
            refused.append(exc)

    late = threading.Thread(target=write)
    late.start()
    late.join(5)
    assert len(refused) == 1
    first.commit()
    first.close()
    started = time.monotonic()
    with engine.begin() as conn:  # the queue skips the ticket given up on
        conn.exec_driver_sql("INSERT INTO written VALUES (2)")
    assert time.monotonic() - started < 0.5, "nobody waited for the ticket given up on"
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT n FROM written").scalars().all() == [2]
    engine.dispose()
