from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from ..extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    status = {"status": "ok", "database": "ok", "search": "ok", "realtime": "ok"}
    code = 200
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        status.update(status="error", database="error")
        code = 503
    from .. import realtime

    status["realtime"] = realtime.health()
    search = current_app.extensions.get("search")
    if search is None or not search.healthy():
        status["search"] = "degraded"
    return jsonify(status), code
