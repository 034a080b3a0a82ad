"""Column types shared by every model."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

# `flask community simulate` plays days of activity through the real services in
# seconds: every service and column default reads the time through utcnow(), so one
# clock set here, for this context only, moves them all together.
_clock: ContextVar[Callable[[], datetime] | None] = ContextVar("community_clock", default=None)


def utcnow() -> datetime:
    clock = _clock.get()
    return datetime.now(UTC) if clock is None else clock()


def set_clock(clock: Callable[[], datetime] | None):
    """Make utcnow() answer ``clock()`` in this context (None: the real time); returns
    the token that ``reset_clock`` takes."""
    return _clock.set(clock)


def reset_clock(token) -> None:
    _clock.reset(token)


class UTCDateTime(TypeDecorator):
    """Stored as naive UTC (SQLite has no time zones), always read back UTC-aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)
