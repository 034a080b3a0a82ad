"""HTML pages."""

from __future__ import annotations


def register(app) -> None:
    from . import health

    app.register_blueprint(health.bp)
