"""Pages run a bounded number of SQL queries whatever the number of rows they show."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from community.extensions import db as _db
from community.models import User

_n = iter(range(1, 10_000))


def cheap_user(db) -> User:
    """A distinct author without the cost of hashing a password."""
    n = next(_n)
    user = User(username=f"author{n}", username_lower=f"author{n}",
                email=f"author{n}@example.test", display_name=f"Author {n}")
    db.session.add(user)
    db.session.flush()
    return user


@contextmanager
def counting(engine):
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _queries(client, url: str) -> int:
    client.get(url)  # warm caches (templates, the signed-in user's first load)
    with counting(_db.engine) as statements:
        resp = client.get(url)
    assert resp.status_code == 200
    return len(statements)


@pytest.mark.parametrize("cached", [True, False], ids=["cached", "rendered"])
def test_thread_page_queries_do_not_grow_with_answers(app, db, make_space, make_thread, make_user,
                                                      make_post, browser, cached):
    app.config["PAGE_CACHE_ENTRIES"] = 512 if cached else 0  # 0: every request renders
    space = make_space()
    thread = make_thread(space=space, tags=["alpha", "beta"])
    moderator = make_user(role="moderator")
    for _ in range(5):
        make_post(thread=thread, author=cheap_user(db))
    readers = {"guest": browser(), "moderator": browser(moderator), "member": browser(make_user())}
    small = {name: _queries(c, f"/threads/{thread.id}") for name, c in readers.items()}
    for _ in range(45):
        make_post(thread=thread, author=cheap_user(db))
    large = {name: _queries(c, f"/threads/{thread.id}") for name, c in readers.items()}
    assert small == large
    assert max(large.values()) <= (16 if cached else 36)  # PostgreSQL re-reads the key after a render


@pytest.mark.parametrize("cached", [True, False], ids=["cached", "rendered"])
def test_space_page_queries_do_not_grow_with_threads(app, db, make_space, make_thread,
                                                     make_user, browser, cached):
    app.config["PER_PAGE"] = 100  # show every thread on one page
    app.config["PAGE_CACHE_ENTRIES"] = 512 if cached else 0  # 0: every request renders
    space = make_space(slug="busy")
    for i in range(5):
        make_thread(space=space, author=cheap_user(db), tags=[f"tag{i}"])
    readers = {"guest": browser(), "member": browser(make_user())}
    small = {name: _queries(c, "/spaces/busy") for name, c in readers.items()}
    small_home = {name: _queries(c, "/") for name, c in readers.items()}
    for i in range(45):
        make_thread(space=space, author=cheap_user(db), tags=[f"tag{i}", "shared"])
    large = {name: _queries(c, "/spaces/busy") for name, c in readers.items()}
    large_home = {name: _queries(c, "/") for name, c in readers.items()}
    assert small == large
    assert small_home == large_home
    assert max(large.values()) <= 10
    assert max(large_home.values()) <= 12
