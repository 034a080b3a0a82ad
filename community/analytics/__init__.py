"""Analytics: question timelines and daily rollups kept by the domain events, the
deflection and reading logs, the staff dashboard, its API and the simulated community."""

from __future__ import annotations


def init_app(app) -> None:
    from .. import importer
    from ..services import tracking
    from . import cache, recompute, subscribers, views  # noqa: F401  (subscribers register on events)

    cache.init_app(app)
    if recompute.after_import not in importer.REBUILDERS:
        importer.REBUILDERS.append(recompute.after_import)

    app.register_blueprint(views.bp)

    @app.teardown_request
    def _write_counts(_exc):
        # Each web process writes its counts once the interval has passed, so they land
        # even where no background worker runs in the same process: in a thread, so no
        # request ever waits for the database's write lock on their account.
        if tracking.due(app):
            tracking.flush_in_background(app)
