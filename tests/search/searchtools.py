"""Helpers shared by the search tests."""

from __future__ import annotations

import time


def ids(resp) -> list[int]:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    return [item["thread_id"] for item in resp.get_json()["items"]]


def wait_for(predicate, timeout: float, step: float = 0.05):
    """Poll ``predicate`` until it is truthy or ``timeout`` seconds pass; its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()
