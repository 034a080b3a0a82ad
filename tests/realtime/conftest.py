"""Fixtures: a seeded SQLite file shared by real `community serve` processes."""

from __future__ import annotations

import pytest
from live_server import World


@pytest.fixture
def world(tmp_path):
    w = World(tmp_path)
    yield w
    w.close()
