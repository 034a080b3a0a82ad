from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from ..extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    status = {"status": "ok", "database": "ok", "search": "ok", "search_ranking": "ok",
              "realtime": "ok"}
    code = 200
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        status.update(status="error", database="error")
        code = 503
    from .. import realtime

    status["realtime"] = realtime.health()
    search = current_app.extensions["search"]
    if not search.ranking_ok():
        # Search answers, through Whoosh's own (slower) matchers: see search/selfcheck.py.
        status["search_ranking"] = "fallback"
    if not search.healthy() or status["search_ranking"] != "ok":
        status["search"] = "degraded"
    return jsonify(status), code
