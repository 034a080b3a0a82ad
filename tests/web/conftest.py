"""Fixtures for the HTML pages: browser-like clients that sign in through the forms."""

from __future__ import annotations

import pytest
from flask import has_app_context

from community.extensions import db as _db


@pytest.fixture(autouse=True)
def fresh_context_per_request(app):
    """Each request gets its own application context, as in production.

    The ``db`` fixture keeps an app context pushed for the whole test, and Flask reuses
    a pushed context for requests: ``g`` (Flask-Login's cached user, Flask-WTF's CSRF
    token) and the SQLAlchemy session would then leak from one browser to the next.
    """
    base = app.test_client_class

    class FreshContextClient(base):
        def open(self, *args, **kwargs):
            if has_app_context():
                # End the test's own transaction: outside a request it holds SQLite's
                # write lock, and it expires what the test holds so it reads fresh rows.
                _db.session.commit()
            with self.application.app_context():
                return super().open(*args, **kwargs)

    app.test_client_class = FreshContextClient
    yield
    app.test_client_class = base


@pytest.fixture
def client(app, fresh_context_per_request):
    return app.test_client()


@pytest.fixture
def browser(app, login, fresh_context_per_request):
    """A new browser, signed in as ``user`` when one is given."""

    def make(user=None):
        c = app.test_client()
        if user is not None:
            login(c, user)
        return c

    return make
