"""Webhook fixtures: loopback receivers, and the installation allowing 127.0.0.1 (the
tests' receivers live there; production refuses it by default)."""

from __future__ import annotations

import pytest

from tests.webhooks.webhook_receiver import Receiver


@pytest.fixture
def app(app):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    app.config["WEBHOOK_ALLOWED_HOSTS"] = ["127.0.0.1"]
    return app


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def other_receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def subscribe(admin_client):
    """Creates a webhook through the API; returns its answer (with the secret)."""

    def make(url: str, events: list[str], **extra) -> dict:
        resp = admin_client.post("/api/v1/webhooks", json={"url": url, "events": events, **extra})
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()

    return make
