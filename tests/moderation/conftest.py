"""Moderation fixtures: an app with the rate limits on, and a few shortcuts."""

from __future__ import annotations

import pytest

import community.realtime  # noqa: F401  (its socket handlers must exist before any app binds)
from community import create_app
from community.extensions import db as _db


@pytest.fixture
def limited_app(app):
    """The `app` fixture's configuration (same database) with the rate limits on."""
    keys = ("TESTING", "INSTANCE_PATH", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI",
            "SEARCH_INDEX_DIR", "PASSWORD_HASH_METHOD")
    limited = create_app({**{k: app.config[k] for k in keys}, "RATELIMIT_ENABLED": True,
                          "RATELIMIT_STORAGE_URI": "memory://"})
    yield limited
    with limited.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def old_member(make_user, db):
    """A member past the new-member window (older than a day, with accepted posts)."""
    from datetime import timedelta

    from community.models import utcnow

    def make(**kwargs):
        user = make_user(**kwargs)
        user.created_at = utcnow() - timedelta(days=30)
        db.session.commit()
        return user

    return make
