"""Search fixtures: a real Whoosh index in the test's tmp dir, drained on demand."""

from __future__ import annotations

import pytest

from community.search.outbox import drain_outbox


@pytest.fixture
def drain(app):
    """Run the indexer until the outbox is empty; returns the rows done."""

    def run() -> int:
        total = 0
        while True:
            done = drain_outbox(app)
            if not done:
                return total
            total += done

    return run


@pytest.fixture
def search(client):
    def run(q, client_=None, **params):
        c = client_ or client
        return c.get("/api/v1/search", query_string={"q": q, **params})

    return run

