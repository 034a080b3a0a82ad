"""Analytics (staff): API.md "Analytics (staff)", extended in docs/API-EXTENSIONS.md."""

from __future__ import annotations

import csv
import io

from flask import Response, stream_with_context

from .. import permissions as perm
from ..analytics import cache, figures
from ..analytics.schemas import PeriodArgs, TimeseriesArgs
from ..extensions import db
from ..schemas import load_query
from . import bp, reply
from .openapi import doc


@bp.get("/analytics/summary")
@doc("The community's figures over a period, space and tag (staff)",
     query=["from", "to", "space", "tag"], auth=True)
@perm.requires(perm.check_analytics)
def analytics_summary():
    period = figures.parse_period(db.session, load_query(PeriodArgs))
    return reply(cache.figures(("summary", *figures.cache_key(period)),
                               lambda: figures.summary(db.session, period)))


@bp.get("/analytics/timeseries")
@doc("One figure per day or week (staff)",
     query=["metric", "interval", "from", "to", "space", "tag"], auth=True)
@perm.requires(perm.check_analytics)
def analytics_timeseries():
    args = load_query(TimeseriesArgs)
    period = figures.parse_period(db.session, args)
    key = ("timeseries", args["metric"], args["interval"], *figures.cache_key(period))
    return reply(cache.figures(key, lambda: figures.timeseries(
        db.session, period, args["metric"], args["interval"])))


def csv_lines(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


@bp.get("/analytics/export.csv")
@doc("One CSV row per question asked in the period (staff)",
     query=["from", "to", "space", "tag"], auth=True)
@perm.requires(perm.check_analytics)
def analytics_export():
    period = figures.parse_period(db.session, load_query(PeriodArgs))
    name = f"questions-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    return Response(stream_with_context(csv_lines(figures.export_rows(db.session, period))),
                    mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
