"""Full-text search: a backend behind a small interface, fed by an outbox.

``init_app`` binds the backend ``SEARCH_BACKEND`` names (Whoosh, the embedded
default, or PostgreSQL full-text) to the app and registers the /search page; the API routes live in ``community.api.search``. Importing
``outbox`` subscribes it to the content events.
"""

from __future__ import annotations

import contextlib

from flask import current_app, has_request_context
from flask_login import current_user

from ..extensions import limiter
from .base import SearchBackend, SearchUnavailable


def _guest_limit() -> str:
    return current_app.config["SEARCH_GUEST_RATE_LIMIT"]


def _signed_in() -> bool:
    return current_user.is_authenticated


# One bucket per address for every anonymous search route (the page, the API and
# "similar"): a guest cannot get three times the allowance by switching routes.
guest_limit = limiter.shared_limit(_guest_limit, scope="guest-search", exempt_when=_signed_in)


BACKENDS = ("whoosh", "postgres")


def make_backend(app) -> SearchBackend:
    """The configured backend; a setting that cannot work stops the start-up."""
    name = app.config["SEARCH_BACKEND"]
    if name not in BACKENDS:
        raise RuntimeError(f"SEARCH_BACKEND must be one of {', '.join(BACKENDS)}, not {name!r}")
    if name == "postgres":
        from sqlalchemy.engine import make_url

        from ..extensions import db
        from .postgres_backend import PostgresBackend

        dialect = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
        if dialect != "postgresql":
            raise RuntimeError(
                f'SEARCH_BACKEND = "postgres" needs a PostgreSQL database, and '
                f"SQLALCHEMY_DATABASE_URI is {dialect}: use the Whoosh backend (the default) "
                "or point the database at PostgreSQL")

        def engine():
            with app.app_context():
                return db.engine

        @contextlib.contextmanager
        def request_connection():
            if not has_request_context():
                yield None
                return
            with db.session.begin_nested():
                yield db.session.connection()

        return PostgresBackend(engine, request_connection)
    from .whoosh_backend import WhooshBackend

    return WhooshBackend(app.config["SEARCH_INDEX_DIR"], cache_mb=app.config["SEARCH_ARRAY_CACHE_MB"])


def init_app(app) -> None:
    from . import outbox  # noqa: F401  (subscribes to the content events)
    from .views import bp

    app.extensions["search"] = make_backend(app)
    app.register_blueprint(bp)


def backend() -> SearchBackend:
    return current_app.extensions["search"]


__all__ = ["SearchBackend", "SearchUnavailable", "backend", "guest_limit", "init_app"]
