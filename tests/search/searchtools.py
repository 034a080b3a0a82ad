"""Helpers shared by the search tests."""

from __future__ import annotations


def ids(resp) -> list[int]:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    return [item["thread_id"] for item in resp.get_json()["items"]]
