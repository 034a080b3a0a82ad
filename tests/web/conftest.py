"""Fixtures for the HTML pages: browser-like clients that sign in through the forms."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_contexts(fresh_context_per_request):
    """Every request here runs in its own app context (tests/conftest.py)."""


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
