"""Drafts: browser-like clients (one app context per request, as in production)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_contexts(fresh_context_per_request):
    """Every request here runs in its own app context (tests/conftest.py)."""


@pytest.fixture
def signed_in(app, login, fresh_context_per_request):
    """A new browser signed in as ``user`` through the sign-in form."""

    def make(user):
        return login(app.test_client(), user)

    return make
