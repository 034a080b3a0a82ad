"""/admin/analytics: the staff dashboard (the same figures as the API, drawn)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, render_template
from flask_babel import gettext as _
from sqlalchemy import select

from .. import permissions as perm
from ..errors import BadRequest
from ..extensions import db
from ..models import Space
from ..schemas import load_query
from . import cache, charts, figures
from .schemas import PeriodArgs

bp = Blueprint("analytics", __name__)
PATHS = ["peer", "ambassador", "staff", "case"]


def _path_names() -> dict:
    return {"peer": _("Peer member"), "ambassador": _("Ambassador"), "staff": _("Employee"),
            "case": _("Escalated case")}


@bp.get("/admin/analytics")
@perm.requires(perm.check_analytics)
def dashboard():
    spaces = list(db.session.scalars(select(Space).order_by(Space.position, Space.name)))
    args = load_query(PeriodArgs)
    try:
        period = figures.parse_period(db.session, args)
    except BadRequest as exc:
        return render_template("analytics/dashboard.html", spaces=spaces, args=args,
                               errors=exc.fields, message=exc.message), 400
    s, trend, weeks, histogram = cache.figures(
        ("dashboard", *figures.cache_key(period)), lambda: _figures(period))
    buckets = charts.histogram_counts(histogram)
    names = _path_names()
    return render_template(
        "analytics/dashboard.html", spaces=spaces, args=args, errors={}, s=s,
        trend=trend, weeks=weeks, buckets=buckets, names=names, paths=PATHS,
        export_query=urlencode({k: v for k, v in args.items() if v}),
        trend_svg=charts.trend(_("Questions asked"), trend),
        shares_svg=charts.stacked(_("Who solved, by week"), weeks, PATHS, names),
        histogram_svg=charts.histogram(_("Time to first response"), buckets))


def _figures(period: figures.Period) -> tuple:
    rollups = figures.load(db.session, period)
    interval = "day" if len(period.days) <= 31 else "week"
    return (figures.summary(db.session, period, rollups),
            figures.timeseries(db.session, period, "questions", interval, rollups)["points"],
            [(lo.isoformat(), _counts_by_path(rollups.count(lo, hi)))
             for lo, hi in figures.buckets(period, "week")],
            figures.response_histogram(rollups, period, charts.HISTOGRAM))


def _counts_by_path(c: dict) -> dict:
    return {k: c[f"by_{k}"] for k in PATHS}
