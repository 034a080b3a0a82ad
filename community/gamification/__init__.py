"""Points, levels, badges, privileges, leaderboards and ambassadors."""

from __future__ import annotations


def init_app(app) -> None:
    from . import engine, views  # noqa: F401  (engine registers its subscribers)

    app.register_blueprint(views.bp)
    views.init_jinja(app)
