"""Business-hours arithmetic: nights, weekends, holidays, time zones and DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from community.escalation.calendar import BusinessCalendar

H = 3600


def cal(tz="UTC", holidays=(), workdays=(0, 1, 2, 3, 4), hours=("09:00", "17:00")):
    return BusinessCalendar.from_settings({"timezone": tz, "workdays": list(workdays),
                                           "hours": list(hours), "holidays": list(holidays)})


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_time_inside_the_working_day_is_added_directly():
    assert cal().add(utc(2026, 11, 23, 10), 2 * H) == utc(2026, 11, 23, 12)


def test_time_past_closing_continues_the_next_morning():
    # Monday 15:00 + 8 business hours = 2 h on Monday, 6 h on Tuesday.
    assert cal().add(utc(2026, 11, 23, 15), 8 * H) == utc(2026, 11, 24, 15)


def test_a_question_asked_at_night_starts_counting_at_opening_time():
    assert cal().add(utc(2026, 11, 23, 2), 1 * H) == utc(2026, 11, 23, 10)
    assert cal().add(utc(2026, 11, 23, 22), 1 * H) == utc(2026, 11, 24, 10)


def test_weekends_do_not_count():
    # Friday 16:00 + 2 h = 1 h on Friday, 1 h on Monday.
    assert cal().add(utc(2026, 11, 27, 16), 2 * H) == utc(2026, 11, 30, 10)
    assert cal().add(utc(2026, 11, 28, 12), 1 * H) == utc(2026, 11, 30, 10)


def test_holidays_do_not_count():
    c = cal(holidays=["2026-12-25"])
    # Thursday 24th 16:00 + 2 h: 1 h on the 24th, the 25th is a holiday, 1 h on Monday 28th.
    assert c.add(utc(2026, 12, 24, 16), 2 * H) == utc(2026, 12, 28, 10)


def test_the_calendar_time_zone_decides_the_working_hours():
    # 09:00–17:00 in New York is 14:00–22:00 UTC in November.
    c = cal(tz="America/New_York")
    assert c.add(utc(2026, 11, 23, 12), 1 * H) == utc(2026, 11, 23, 15)
    # Sunday evening UTC is still the weekend in New York.
    assert c.add(utc(2026, 11, 29, 23), 1 * H) == utc(2026, 11, 30, 15)


def test_daylight_saving_change_over_a_weekend():
    # Paris leaves summer time on Sunday 25 October 2026: Friday closes at 15:00 UTC,
    # Monday opens at 08:00 UTC.
    c = cal(tz="Europe/Paris")
    assert c.add(utc(2026, 10, 23, 14), 8 * H) == utc(2026, 10, 26, 15)
    assert c.seconds_between(utc(2026, 10, 23, 14), utc(2026, 10, 26, 15)) == 8 * H


def test_daylight_saving_change_in_spring():
    # Paris enters summer time on Sunday 29 March 2026.
    c = cal(tz="Europe/Paris")
    assert c.add(utc(2026, 3, 27, 15), 2 * H) == utc(2026, 3, 30, 8)


def test_seconds_between_counts_only_business_time():
    c = cal()
    assert c.seconds_between(utc(2026, 11, 27, 16), utc(2026, 11, 30, 10)) == 2 * H
    assert c.seconds_between(utc(2026, 11, 28, 0), utc(2026, 11, 29, 23)) == 0
    assert c.seconds_between(utc(2026, 11, 30, 10), utc(2026, 11, 27, 16)) == 0


@pytest.mark.parametrize("start_hour", [0, 7, 9, 12, 16, 17, 23])
@pytest.mark.parametrize("seconds", [0, 1800, 8 * H, 40 * H])
def test_add_and_seconds_between_agree(start_hour, seconds):
    c = cal(tz="Europe/Paris", holidays=["2026-11-11"])
    start = utc(2026, 11, 6, start_hour)
    end = c.add(start, seconds)
    assert c.seconds_between(start, end) == pytest.approx(seconds)


def test_a_calendar_without_working_days_is_an_error_not_a_hang():
    with pytest.raises(ValueError):
        cal(workdays=()).add(utc(2026, 1, 1), H)


def test_zero_seconds_is_the_next_working_moment():
    assert cal().add(utc(2026, 11, 28, 12), 0) == utc(2026, 11, 30, 9)
    assert cal().add(utc(2026, 11, 23, 12), 0) == utc(2026, 11, 23, 12)
    assert cal().add(utc(2026, 11, 23, 12), timedelta(0).total_seconds()) == utc(2026, 11, 23, 12)
