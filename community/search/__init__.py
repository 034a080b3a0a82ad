"""Full-text search: a backend behind a small interface, fed by an outbox.

``init_app`` binds the Whoosh backend (the default) to the app and registers the
/search page; the API routes live in ``community.api.search``. Importing
``outbox`` subscribes it to the content events.
"""

from __future__ import annotations

from flask import current_app
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


def init_app(app) -> None:
    from . import outbox  # noqa: F401  (subscribes to the content events)
    from .views import bp
    from .whoosh_backend import WhooshBackend

    app.extensions["search"] = WhooshBackend(app.config["SEARCH_INDEX_DIR"],
                                             cache_mb=app.config["SEARCH_ARRAY_CACHE_MB"])
    app.register_blueprint(bp)


def backend() -> SearchBackend:
    return current_app.extensions["search"]


__all__ = ["SearchBackend", "SearchUnavailable", "backend", "guest_limit", "init_app"]
