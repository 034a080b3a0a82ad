"""Managing webhooks: the API and the admin page (admins only, English and French)."""

from __future__ import annotations

from sqlalchemy import select

from community.models import Webhook
from community.webhooks import sender
from tests.api.api_helpers import assert_error
from tests.conftest import csrf_token


def test_the_secret_is_shown_only_in_the_creation_answer(admin_client, receiver):
    created = admin_client.post("/api/v1/webhooks", json={
        "url": receiver.url, "events": ["post.created", "case.opened"]})
    assert created.status_code == 201
    body = created.get_json()
    assert {"id", "url", "events", "secret", "active", "include_internal"} <= set(body)
    assert body["active"] is True and body["include_internal"] is False and len(body["secret"]) == 64
    listed = admin_client.get("/api/v1/webhooks").get_json()
    assert listed["total"] == 1 and listed["items"][0]["secret"] is None
    assert admin_client.get(f"/api/v1/webhooks/{body['id']}").get_json()["secret"] is None
    chosen = admin_client.post("/api/v1/webhooks", json={
        "url": receiver.url, "events": ["post.created"], "secret": "s" * 40}).get_json()
    assert chosen["secret"] == "s" * 40


def test_an_unknown_event_is_a_422_naming_the_field(admin_client, receiver):
    resp = admin_client.post("/api/v1/webhooks", json={
        "url": receiver.url, "events": ["post.created", "thread.exploded"]})
    err = assert_error(resp, 422, "validation_error", "events")
    assert "thread.exploded" in err["fields"]["events"][0]
    assert_error(admin_client.post("/api/v1/webhooks", json={"url": receiver.url, "events": []}),
                 422, "validation_error", "events")
    assert admin_client.get("/api/v1/webhooks").get_json()["total"] == 0


def test_a_deleted_webhook_gets_nothing_more(db, admin_client, receiver, make_thread):
    hook = admin_client.post("/api/v1/webhooks", json={
        "url": receiver.url, "events": ["thread.created"]}).get_json()
    make_thread()
    resp = admin_client.delete(f"/api/v1/webhooks/{hook['id']}")
    assert resp.status_code == 204
    assert_error(admin_client.get(f"/api/v1/webhooks/{hook['id']}/deliveries"), 404, "not_found")
    make_thread()
    assert sender.send_due(db.session) == 0 and receiver.received == []


def test_webhooks_do_not_exist_for_anyone_but_admins(moderator_client, member_client, client):
    for c in (moderator_client, member_client):
        assert_error(c.get("/api/v1/webhooks"), 404, "not_found")
        assert_error(c.post("/api/v1/webhooks", json={"url": "https://a.example/h",
                                                      "events": ["post.created"]}),
                     404, "not_found")
    assert_error(client.get("/api/v1/webhooks"), 401, "unauthorized")


def test_the_admin_page_creates_a_webhook_and_shows_its_secret_once(
        db, app, login, make_user, receiver):
    admin = make_user(role="admin")
    page = login(app.test_client(), admin)
    resp = page.post("/admin/webhooks", data={
        "url": receiver.url, "events": ["thread.created", "case.resolved"],
        "include_internal": "on", "csrf_token": csrf_token(page)})
    assert resp.status_code == 201
    hook = db.session.scalar(select(Webhook))
    html = resp.get_data(as_text=True)
    assert hook.secret in html and "shown only now" in html
    assert hook.events == ["case.resolved", "thread.created"] and hook.include_internal
    listing = page.get("/admin/webhooks").get_data(as_text=True)
    assert receiver.url in listing and hook.secret not in listing


def test_a_refused_form_names_the_field_and_keeps_the_text(db, app, login, make_user):
    admin = make_user(role="admin")
    page = login(app.test_client(), admin)
    resp = page.post("/admin/webhooks", data={
        "url": "file:///etc/passwd", "events": ["post.created"], "csrf_token": csrf_token(page)})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert 'id="url-errors"' in html and 'value="file:///etc/passwd"' in html
    assert 'value="post.created" checked' in html
    assert db.session.scalar(select(Webhook)) is None


def test_the_log_page_redelivers_and_the_toggle_turns_a_webhook_off(
        db, app, login, make_user, subscribe, receiver, make_thread):
    hook = subscribe(receiver.url, ["thread.created"])
    make_thread()
    sender.send_due(db.session)
    admin = make_user(role="admin")
    page = login(app.test_client(), admin)
    html = page.get(f"/admin/webhooks/{hook['id']}").get_data(as_text=True)
    uid = receiver.bodies()[0]["id"]
    assert uid in html and "delivered" in html and "status 200" in html
    resp = page.post(f"/admin/webhooks/{hook['id']}/deliveries/{uid}/redeliver",
                     data={"csrf_token": csrf_token(page)})
    assert resp.status_code == 303
    sender.send_due(db.session)
    assert [b["id"] for b in receiver.bodies()] == [uid, uid]
    resp = page.post(f"/admin/webhooks/{hook['id']}/active",
                     data={"active": "0", "csrf_token": csrf_token(page)})
    assert resp.status_code == 303
    db.session.expire_all()
    assert db.session.get(Webhook, hook["id"]).active is False


def test_the_admin_pages_speak_french_and_hide_from_non_admins(
        db, app, login, make_user, subscribe, receiver):
    hook = subscribe(receiver.url, ["thread.created"])
    page = login(app.test_client(), make_user(role="admin"))
    fr = {"Accept-Language": "fr"}
    html = page.get("/admin/webhooks", headers=fr).get_data(as_text=True)
    assert "Nouveau webhook" in html and "Un fil est créé" in html
    assert "Livraisons" in page.get(f"/admin/webhooks/{hook['id']}", headers=fr).get_data(as_text=True)
    for role in ("member", "employee", "moderator"):
        other = login(app.test_client(), make_user(role=role))
        for path in ("/admin/webhooks", f"/admin/webhooks/{hook['id']}"):
            resp = other.get(path)
            assert resp.status_code == 404 and receiver.url not in resp.get_data(as_text=True)
        resp = other.post(f"/admin/webhooks/{hook['id']}/delete",
                          data={"csrf_token": csrf_token(other)})
        assert resp.status_code == 404
    db.session.expire_all()
    assert db.session.get(Webhook, hook["id"]) is not None
