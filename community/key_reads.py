"""Reads made on every request for a cache key, compiled once and run as plain SQL.

A cached page still reads, every time, the rows its key is made of (list_cache.py,
page_cache.py). On those small statements SQLAlchemy's per-execution work (the
compiled-cache lookup, expanding ``IN`` lists, typing each value of each row) costs
several times what the database does. A ``KeyRead`` is compiled once per dialect and
per length of its list parameter, with the statement's own constants in place; a
request passes only its values (ids, a user id) and the SQL runs on the driver's own
cursor (``exec_driver_sql`` still cost several times a small query: a result object,
its metadata, a Row per row). The engine's cursor events still see each statement
(query counts), and a driver error is raised as SQLAlchemy's, as any other query's.

Values come back as the driver gives them (SQLite dates as text, booleans as 0/1):
right for comparing keys, not for showing or for deciding anything. A ``TypedRead``
gives rows as SQLAlchemy's own would be (each value converted by its column's type,
named as ``row.title``), for the one row a page both decides on and shows (the thread,
the space, the tag) without SQLAlchemy's per-execution work.
"""

from __future__ import annotations

import threading
from collections import namedtuple

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable


class KeyRead:
    def __init__(self, statement: Executable, *, expanding: str | None = None):
        """``expanding`` names the statement's one list parameter (``bindparam(name,
        expanding=True)``), if it has one."""
        self.statement = statement
        self.expanding = expanding
        self._prepared: dict = {}
        self._lock = threading.Lock()

    def _prepare(self, dialect, length: int):
        key = (dialect.name, dialect.paramstyle, length)
        found = self._prepared.get(key)
        if found is not None:
            return found
        compiled = self.statement.compile(dialect=dialect)
        values = dict(compiled.params)
        if self.expanding:
            values[self.expanding] = [0] * length
        state = compiled.construct_expanded_state(values)
        # Each driver parameter is either a constant of the statement or, by name, a
        # value the request gives (the list's items by position), with the type's own
        # conversion for the driver (a date, for one), if any.
        prefix = f"{self.expanding}_" if self.expanding else None
        slots = []
        for name, constant in state.parameters.items():
            process = state.processors.get(name)
            bind = compiled.binds.get(name)
            if bind is not None and bind.required:  # a bindparam with no value of its own
                slots.append((name, "given", (name, process)))
            elif prefix and name.startswith(prefix) and name[len(prefix):].isdigit():
                slots.append((name, "item", (int(name[len(prefix):]) - 1, process)))
            else:  # the statement's own (an expanded constant list among them)
                slots.append((name, "constant", process(constant) if process else constant))
        order = state.positiontup
        found = (state.statement, slots, order)
        with self._lock:
            self._prepared[key] = found
        return found

    def rows(self, conn: Connection, items=None, **given) -> list[tuple]:
        """The rows for these parameters (``items``: the list parameter's values)."""
        length = len(items) if self.expanding else 0
        if self.expanding and not length:
            return []
        sql, slots, order = self._prepare(conn.dialect, length)
        values = {}
        for name, kind, what in slots:
            if kind == "constant":
                values[name] = what
                continue
            where, process = what
            value = items[where] if kind == "item" else given[where]
            values[name] = process(value) if process else value
        params = tuple(values[name] for name in order) if order is not None else values
        rows, description = run_driver_sql(conn, sql, params)
        return self._finish(conn.dialect, description, rows)

    def _finish(self, dialect, description, rows: list[tuple]) -> list[tuple]:
        return rows

    def scalars(self, conn: Connection, items=None, **given) -> list:
        return [row[0] for row in self.rows(conn, items, **given)]

    def scalar(self, conn: Connection, items=None, **given):
        rows = self.rows(conn, items, **given)
        return rows[0][0] if rows else None


class TypedRead(KeyRead):
    def __init__(self, statement: Executable, *, expanding: str | None = None):
        super().__init__(statement, expanding=expanding)
        columns = statement.selected_columns
        # A name given twice fails here, at import, rather than on a page.
        self._row = namedtuple("Row", columns.keys())
        self._types = [column.type for column in columns]
        self._processors: dict = {}

    def _finish(self, dialect, description, rows: list[tuple]) -> list[tuple]:
        # Per dialect and the driver's column types (PostgreSQL's numeric processor asks).
        key = (dialect.name, tuple(d[1] for d in description))
        processors = self._processors.get(key)
        if processors is None:
            processors = self._processors[key] = [
                (i, process) for i, type_ in enumerate(self._types)
                if (process := type_.dialect_impl(dialect).result_processor(
                    dialect, description[i][1])) is not None]
        make = self._row._make
        out = []
        for row in rows:
            if processors:
                row = list(row)
                for i, process in processors:
                    row[i] = process(row[i])
            out.append(make(row))
        return out

    def first(self, conn: Connection, items=None, **given):
        rows = self.rows(conn, items, **given)
        return rows[0] if rows else None


def run_driver_sql(conn: Connection, sql: str, params) -> tuple[list[tuple], tuple]:
    """``sql`` on the driver's cursor: (its rows, the cursor's description). The engine's
    cursor events see it and a driver error is SQLAlchemy's, as with exec_driver_sql."""
    dispatch = conn.dispatch
    dbapi_conn = conn.connection.dbapi_connection
    cursor = dbapi_conn.cursor()
    try:
        if dispatch.before_cursor_execute:
            dispatch.before_cursor_execute(conn, cursor, sql, params, None, False)
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        if dispatch.after_cursor_execute:
            dispatch.after_cursor_execute(conn, cursor, sql, params, None, False)
        return rows, cursor.description
    except conn.dialect.loaded_dbapi.Error as error:
        disconnected = conn.dialect.is_disconnect(error, dbapi_conn, cursor)
        if disconnected:
            conn.invalidate(error)
        raise DBAPIError.instance(sql, params, error, conn.dialect.loaded_dbapi.Error,
                                  connection_invalidated=disconnected,
                                  dialect=conn.dialect) from error
    finally:
        cursor.close()
