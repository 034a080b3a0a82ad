"""Where webhooks may point (SSRF): http(s) only, no private or loopback address unless
allowed, the host allow-list, the address checked on the connection, no redirects."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from community.models import WebhookDelivery
from community.webhooks import sender, targets
from tests.api.api_helpers import assert_error


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "gopher://127.0.0.1:70/", "ftp://example.com/x", "javascript:alert(1)",
    "http://", "http://user:pw@example.com/hook", "not a url",
])
def test_only_plain_http_and_https_addresses_are_accepted(admin_client, url):
    resp = admin_client.post("/api/v1/webhooks", json={"url": url, "events": ["post.created"]})
    assert_error(resp, 422, "validation_error", "url")
    assert admin_client.get("/api/v1/webhooks").get_json()["total"] == 0


@pytest.mark.parametrize("url", [
    "http://10.1.2.3/hook", "http://192.168.0.10/", "http://169.254.169.254/latest/meta-data",
    "http://[::1]:8080/", "http://localhost:9000/", "https://127.0.0.1/", "http://0.0.0.0/",
    "http://[::ffff:127.0.0.1]/",
])
def test_private_and_loopback_targets_are_refused_unless_allowed(app, admin_client, url):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    app.config["WEBHOOK_ALLOWED_HOSTS"] = []
    resp = admin_client.post("/api/v1/webhooks", json={"url": url, "events": ["post.created"]})
    assert_error(resp, 422, "validation_error", "url")
    assert admin_client.get("/api/v1/webhooks").get_json()["total"] == 0


def test_the_allow_list_limits_the_hosts(app, admin_client):
    app.config["WEBHOOK_ALLOWED_HOSTS"] = ["hooks.example.com", "*.crm.example"]
    refused = admin_client.post("/api/v1/webhooks", json={
        "url": "https://elsewhere.example.org/hook", "events": ["post.created"]})
    assert_error(refused, 422, "validation_error", "url")
    for url in ("https://hooks.example.com/in", "https://eu.crm.example/in"):
        resp = admin_client.post("/api/v1/webhooks", json={"url": url, "events": ["post.created"]})
        assert resp.status_code == 201 and resp.get_json()["url"] == url
    assert admin_client.get("/api/v1/webhooks").get_json()["total"] == 2


def test_a_webhook_to_loopback_is_not_sent_once_private_targets_are_refused(
        db, app, receiver, subscribe, make_thread):
    hook = subscribe(receiver.url, ["thread.created"])
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    make_thread()
    sender.send_due(db.session)
    assert receiver.received == []
    row = db.session.scalar(select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook["id"]))
    assert (row.state, row.error, row.attempts) == ("pending", "refused", 1)


def test_the_address_is_checked_when_connecting_whatever_the_name(receiver):
    # A name (here "localhost", as a DNS answer might be for any name) that resolves to
    # loopback is refused by the connection itself, not only by the URL's look.
    port = receiver.server.server_address[1]
    http = targets.http_session(allow_private=False)
    with pytest.raises(targets.Refused):
        http.post(f"http://localhost:{port}/hook", data=b"{}", timeout=2)
    http.close()
    assert receiver.received == []


def test_a_redirect_is_not_followed(db, receiver, other_receiver, subscribe, make_thread):
    hook = subscribe(receiver.url, ["thread.created"])
    receiver.script = [302]
    receiver.location = other_receiver.url
    make_thread()
    sender.send_due(db.session)
    assert len(receiver.received) == 1 and other_receiver.received == []
    row = db.session.scalar(select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook["id"]))
    assert (row.state, row.status_code, row.error) == ("pending", 302, "http")
