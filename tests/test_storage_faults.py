"""A write that cannot get SQLite's lock in time, or finds the disk full, answers 503
with Retry-After in the error envelope (JSON under /api/, a page elsewhere): reads keep
working, nothing is half written, and the same write succeeds once the fault is gone.

The lock is held by a real second process (BEGIN IMMEDIATE); the full disk is SQLite's
own SQLITE_FULL, reached through ``PRAGMA max_page_count`` on the app's connections."""

from __future__ import annotations

import errno
import re
import sqlite3
import subprocess
import sys
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from community import create_app
from community.errors import storage_unavailable
from community.extensions import db as _db
from community.models import Post
from community.services import accounts, spaces, threads

PASSWORD = "correct-horse-battery"
BUSY_TIMEOUT = 0.3
HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()  # until the test closes our stdin
conn.execute("ROLLBACK")
"""


@pytest.fixture
def site(tmp_path):
    """A SQLite file (these faults are SQLite's) with a short busy timeout, a thread, and
    its member signed in both ways: a bearer token and a browser session."""
    path = tmp_path / "community.db"
    app = create_app({
        "TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "test",
        "RATELIMIT_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "DATABASE_BUSY_TIMEOUT": BUSY_TIMEOUT,
        "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
    })
    with app.app_context():
        _db.create_all()
        member = accounts.register_user(_db.session, username="writer", password=PASSWORD,
                                        email="writer@example.test")
        space = spaces.create_space(_db.session, slug="general", name="General")
        thread = threads.create_thread(_db.session, space, by=member, kind="question",
                                       title="How do I survive a full disk?",
                                       body="A body long enough to be a real question.")
        token = accounts.issue_token(_db.session, member)
        _db.session.commit()
        app.thread_id, app.token, app.db_path = thread.id, token, str(path)
    browser = app.test_client()
    page = browser.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert browser.post("/login", data={"login": "writer", "password": PASSWORD,
                                        "csrf_token": csrf}).status_code == 303
    app.browser, app.csrf = browser, browser.get("/csrf-token").get_json()["csrf_token"]
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def posts(app) -> list[str]:
    with app.app_context():
        bodies = list(_db.session.scalars(select(Post.body).order_by(Post.id)))
        _db.session.commit()
        return bodies


def api_answer(app, body: str):
    return app.test_client().post(f"/api/v1/threads/{app.thread_id}/posts", json={"body": body},
                                  headers={"Authorization": f"Bearer {app.token}"})


def form_answer(app, body: str):
    return app.browser.post(f"/threads/{app.thread_id}/answer",
                            data={"body": body, "csrf_token": app.csrf})


def reads_work(app) -> None:
    assert app.test_client().get(f"/api/v1/threads/{app.thread_id}").status_code == 200
    assert app.browser.get(f"/threads/{app.thread_id}").status_code == 200


def assert_unavailable(resp, *, html: bool, retry_after: str) -> None:
    assert resp.status_code == 503, resp.get_data(as_text=True)[:500]
    assert resp.headers["Retry-After"] == retry_after
    text = resp.get_data(as_text=True)
    assert "Traceback" not in text and "nothing was saved" in text
    if html:
        assert resp.mimetype == "text/html" and "Try again in a moment" in text
    else:
        assert resp.get_json()["error"]["code"] == "unavailable"


@contextmanager
def write_lock_held_by_another_process(path: str):
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, path], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.stdin.close()
        holder.wait(10)
        holder.stdout.close()


def test_a_write_that_waits_past_the_busy_timeout_is_a_503_then_succeeds(site):
    before = posts(site)
    with write_lock_held_by_another_process(site.db_path):
        assert_unavailable(api_answer(site, "Written while another process writes."),
                           html=False, retry_after="5")
        assert_unavailable(form_answer(site, "Posted from the page while locked."),
                           html=True, retry_after="5")
        reads_work(site)
    assert posts(site) == before
    assert api_answer(site, "Written while another process writes.").status_code == 201
    assert form_answer(site, "Posted from the page while locked.").status_code == 303
    assert posts(site) == [*before, "Written while another process writes.",
                           "Posted from the page while locked."]


@contextmanager
def disk_full(app):
    """Every connection the app checks out may not grow the file by a single page."""
    with app.app_context():
        engine = _db.engine

    def no_room(dbapi_connection, _record, _proxy):
        cur = dbapi_connection.cursor()
        pages = cur.execute("PRAGMA page_count").fetchone()[0]
        cur.execute(f"PRAGMA max_page_count = {pages}")
        cur.close()

    def room_again(dbapi_connection, _record, _proxy):
        dbapi_connection.execute("PRAGMA max_page_count = 1073741823")

    event.listen(engine, "checkout", no_room)
    try:
        yield
    finally:
        event.remove(engine, "checkout", no_room)
        event.listen(engine, "checkout", room_again)


def test_a_full_disk_is_a_503_reads_work_nothing_is_half_written_and_writes_resume(site):
    before = posts(site)
    long_answer = "A long answer that needs new pages in the file. " * 600
    with disk_full(site):
        assert_unavailable(api_answer(site, long_answer), html=False, retry_after="60")
        assert_unavailable(form_answer(site, long_answer), html=True, retry_after="60")
        reads_work(site)
    assert posts(site) == before
    assert api_answer(site, long_answer).status_code == 201
    assert form_answer(site, long_answer + "From the page.").status_code == 303
    assert posts(site) == [*before, long_answer, long_answer + "From the page."]


@pytest.mark.parametrize(("error", "kind"), [
    (OSError(errno.ENOSPC, "No space left on device"), "full"),
    (OSError(errno.EFBIG, "File too large"), "full"),
    (OSError(errno.EACCES, "Permission denied"), None),
    (FileNotFoundError(errno.ENOENT, "gone"), None),
])
def test_a_full_disk_seen_by_the_os_is_storage_full(error, kind):
    assert storage_unavailable(error) == kind


class _PgError(Exception):
    def __init__(self, sqlstate: str):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(("error", "kind"), [
    (OperationalError("SELECT", {}, _PgError("57014")), "busy"),  # statement_timeout
    (OperationalError("SELECT", {}, _PgError("55P03")), "busy"),  # lock_not_available
    (OperationalError("SELECT", {}, _PgError("53100")), "full"),  # disk_full
    (OperationalError("SELECT", {}, _PgError("42P01")), None),  # undefined_table
    (PoolTimeout("QueuePool limit reached"), "busy"),
])
def test_postgresql_and_pool_errors_that_pass_by_themselves(error, kind):
    assert storage_unavailable(error) == kind


def test_other_database_errors_stay_errors(tmp_path):
    conn = sqlite3.connect(tmp_path / "x.db")
    with pytest.raises(sqlite3.OperationalError) as missing:
        conn.execute("SELECT * FROM no_such_table")
    conn.close()
    assert storage_unavailable(OperationalError("SELECT", {}, missing.value)) is None


def test_a_request_that_waits_past_the_pool_timeout_is_a_503_then_succeeds(tmp_path):
    """Every connection of the process in use for longer than pool_timeout (a burst of
    slow queries): a 503 the client retries, never a crash."""
    app = create_app({
        "TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "test",
        "RATELIMIT_ENABLED": False, "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'community.db'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "max_overflow": 0, "pool_timeout": 0.2},
    })
    with app.app_context():
        _db.create_all()
        spaces.create_space(_db.session, slug="general", name="General")
        _db.session.commit()
        _db.session.remove()
        held = _db.engine.connect()  # the pool's only connection
        try:
            client = app.test_client()
            assert_unavailable(client.get("/api/v1/spaces"), html=False, retry_after="5")
            assert_unavailable(client.get("/spaces/general"), html=True, retry_after="5")
        finally:
            held.close()
        assert client.get("/api/v1/spaces").status_code == 200
        assert client.get("/spaces/general").status_code == 200
        _db.engine.dispose()
