"""Tags: the /tags catalogue and each tag's page, descriptions and synonyms (merges)."""

from __future__ import annotations


def init_app(app) -> None:
    from . import views

    app.register_blueprint(views.bp)
