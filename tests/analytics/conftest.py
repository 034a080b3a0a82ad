"""Analytics fixtures: a known history played through the services on a set clock."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_here = str(Path(__file__).resolve().parent)
if _here not in sys.path:
    sys.path.insert(0, _here)

from analytics_history import CALENDAR, build_history  # noqa: E402


@pytest.fixture
def app(app):
    app.config["ESCALATION_CALENDAR"] = CALENDAR
    return app


@pytest.fixture
def history(db, make_user, make_space):
    return build_history(db, make_user, make_space)


@pytest.fixture(autouse=True)
def _fresh_contexts(fresh_context_per_request):
    """Every request here runs in its own app context (tests/conftest.py)."""
