"""Fixtures for the HTML pages (the `browser` fixture is in tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_contexts(fresh_context_per_request):
    """Every request here runs in its own app context (tests/conftest.py)."""


@pytest.fixture
def client(app, fresh_context_per_request):
    return app.test_client()
