"""Business-hours arithmetic: a time zone, working days and hours, holidays.

Days are walked in the calendar's local time and each working window is turned into
UTC on its own date, so daylight-saving changes land where they should.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_DAYS = 3660  # a calendar with no working day at all must not loop forever


@dataclass(frozen=True)
class BusinessCalendar:
    tz: ZoneInfo
    workdays: frozenset[int]
    start: time
    end: time
    holidays: frozenset[date]
    # (weekday, start, end) for the working days whose hours are not ``start``-``end``.
    day_hours: tuple[tuple[int, time, time], ...] = ()

    @classmethod
    def from_settings(cls, settings: dict) -> BusinessCalendar:
        start, end = (time.fromisoformat(h) for h in settings["hours"])
        own = settings.get("day_hours") or {}
        return cls(
            tz=ZoneInfo(settings["timezone"]),
            workdays=frozenset(int(d) for d in settings["workdays"]),
            start=start,
            end=end,
            holidays=frozenset(date.fromisoformat(str(d)) for d in settings["holidays"]),
            day_hours=tuple((int(d), time.fromisoformat(h[0]), time.fromisoformat(h[1]))
                            for d, h in sorted(own.items())),
        )

    def hours_of(self, weekday: int) -> tuple[time, time]:
        for day, start, end in self.day_hours:
            if day == weekday:
                return start, end
        return self.start, self.end

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The working window of a local date, in UTC, or None on a day off."""
        if day.weekday() not in self.workdays or day in self.holidays:
            return None
        start, end = self.hours_of(day.weekday())
        opens = datetime.combine(day, start, self.tz).astimezone(UTC)
        closes = datetime.combine(day, end, self.tz).astimezone(UTC)
        return (opens, closes) if closes > opens else None

    def _days_from(self, moment: datetime):
        day = moment.astimezone(self.tz).date()
        for i in range(MAX_DAYS):
            yield day + timedelta(days=i)

    def add(self, start: datetime, seconds: float) -> datetime:
        """The moment ``seconds`` of business time after ``start``."""
        remaining = max(float(seconds), 0.0)
        for day in self._days_from(start):
            win = self.window(day)
            if win is None:
                continue
            opens, closes = win
            begin = max(opens, start)
            if begin >= closes:
                continue
            available = (closes - begin).total_seconds()
            if remaining <= available:
                if remaining == 0:
                    return begin
                return begin + timedelta(seconds=remaining)
            remaining -= available
        raise ValueError("the business calendar has no working time")

    def seconds_between(self, start: datetime, end: datetime) -> float:
        """Business seconds from ``start`` to ``end`` (0 when end is earlier)."""
        if end <= start:
            return 0.0
        total = 0.0
        for day in self._days_from(start):
            win = self.window(day)
            if win is not None:
                opens, closes = win
                if opens >= end:
                    break
                lo, hi = max(opens, start), min(closes, end)
                if hi > lo:
                    total += (hi - lo).total_seconds()
            elif datetime.combine(day, time(0), self.tz).astimezone(UTC) >= end:
                break
        return total


def current_calendar() -> BusinessCalendar:
    from .rules import calendar_settings

    return BusinessCalendar.from_settings(calendar_settings())
