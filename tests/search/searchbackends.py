"""The search backends a contract test runs against.

Whoosh always; PostgreSQL full-text only when the suite runs on PostgreSQL
(COMMUNITY_TEST_DATABASE_URL set), since the backend needs that database. This is
no skip that hides a feature: CI runs the whole suite on PostgreSQL too, so every
contract test runs there against both backends.
"""

from __future__ import annotations

import os

import pytest

ON_POSTGRES = bool(os.environ.get("COMMUNITY_TEST_DATABASE_URL"))
BACKENDS = [pytest.param({"SEARCH_BACKEND": "whoosh"}, id="whoosh")]
if ON_POSTGRES:
    BACKENDS.append(pytest.param({"SEARCH_BACKEND": "postgres"}, id="postgres"))

# ``pytestmark = over_backends`` in a module: each of its tests, once per backend.
over_backends = pytest.mark.parametrize("app", BACKENDS, indirect=True)
