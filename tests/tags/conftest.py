"""Tag pages and API: each request in its own app context, and the token a page's form
carries (browsers: tests/conftest.py)."""

from __future__ import annotations

import re

import pytest


@pytest.fixture(autouse=True)
def _fresh_contexts(fresh_context_per_request):
    """Every request here runs in its own app context (tests/conftest.py)."""


@pytest.fixture
def form_token():
    """The CSRF token a page's form carries, as a browser would send it."""
    return lambda html: re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
