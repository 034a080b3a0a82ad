"""KeyRead runs a statement as plain SQL compiled once: the same rows as SQLAlchemy's
own execution (values as the driver gives them), for any list length, with the
statement's constants, a request's values and a date converted as the column's type
converts it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import bindparam, event, select

from community.key_reads import KeyRead
from community.models import Space, Thread, utcnow

_IDS = (select(Thread.id, Thread.title)
        .where(Thread.id.in_(bindparam("ids", expanding=True)),
               Thread.space_id.in_(select(Space.id).where(Space.visibility.in_(("public",
                                                                                  "members")))),
               Thread.created_at <= bindparam("now"))
        .order_by(Thread.id))


def test_the_same_rows_as_sqlalchemys_own_execution(db, make_space, make_thread, make_user):
    public, staff = make_space(), make_space(visibility="staff")
    threads = [make_thread(space=public) for _ in range(4)]
    threads.append(make_thread(space=staff, author=make_user(role="employee")))
    read = KeyRead(_IDS, expanding="ids")
    conn = db.session.connection()
    now = utcnow() + timedelta(minutes=1)
    for ids in ([t.id for t in threads], [threads[0].id], [threads[4].id], [999]):
        expected = [tuple(r) for r in conn.execute(_IDS, {"ids": ids, "now": now})]
        assert read.rows(conn, ids, now=now) == expected
    assert read.rows(conn, [], now=now) == []
    # The date is converted as the column's type does: a time before the threads finds none.
    assert read.rows(conn, [t.id for t in threads], now=now - timedelta(hours=1)) == []
    assert read.scalar(conn, [threads[1].id], now=now) == threads[1].id


def test_each_run_is_one_statement_the_engine_sees(db, make_thread):
    thread_id = make_thread().id
    read = KeyRead(_IDS, expanding="ids")
    db.session.connection()  # the transaction's BEGIN, before counting
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        for _ in range(3):
            assert read.scalars(db.session.connection(), [thread_id], now=utcnow()) == [thread_id]
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(seen) == 3 and len(set(seen)) == 1


def test_a_driver_error_is_sqlalchemys_and_the_session_goes_on(db):
    from sqlalchemy import column, table
    from sqlalchemy.exc import DBAPIError

    read = KeyRead(select(column("x")).select_from(table("no_such_table")))
    with pytest.raises(DBAPIError) as raised:
        read.rows(db.session.connection())
    assert "no_such_table" in str(raised.value)
    db.session.rollback()  # as a request's error handler does
    assert db.session.scalar(select(Space.id).limit(1)) is None


def test_a_typed_read_gives_sqlalchemys_own_rows(db, make_thread, make_post, make_space):
    from community.key_reads import TypedRead
    from community.web.list_cache import _SPACE
    from community.web.page_cache import THREAD_ROW

    thread = make_thread(tags=["alpha", "beta"])
    make_post(thread=thread)
    conn = db.session.connection()
    for statement, params in ((THREAD_ROW, {"tid": thread.id}),
                              (_SPACE, {"slug": thread.space.slug})):
        expected = conn.execute(statement, params).first()
        got = TypedRead(statement).first(conn, **params)
        assert got == tuple(expected) and got._fields == expected._fields
        assert got.created_at == expected.created_at and type(got.created_at) is type(
            expected.created_at)
    assert TypedRead(THREAD_ROW).first(conn, tid=999_999) is None
    assert isinstance(TypedRead(THREAD_ROW).first(conn, tid=thread.id).is_closed, bool)
