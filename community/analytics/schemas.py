"""The query strings of the analytics page and API (``figures.parse_period`` checks
the values and names the field of a bad one)."""

from __future__ import annotations

from ..schemas import In, Text


class PeriodArgs(In):
    from_ = Text(data_key="from", attribute="from", load_default="")
    to = Text(load_default="")
    space = Text(load_default="")
    tag = Text(load_default="")


class TimeseriesArgs(PeriodArgs):
    metric = Text(load_default="")
    interval = Text(load_default="day")
