"""The injected clock shared by the escalation tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# A Monday, 08:00 UTC (the default calendar is UTC, 09:00–17:00, Monday to Friday).
T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)
