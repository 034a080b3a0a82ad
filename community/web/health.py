from __future__ import annotations

import os

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
    if not os.path.isdir(current_app.config["SEARCH_INDEX_DIR"]):
        status["search"] = "degraded"
    return jsonify(status), code
