"""Verified email: a link at registration, "send again", and the gate on writing when
the site requires a verified address."""

from __future__ import annotations

import secrets

from mailtools import link, parts, token_of
from sqlalchemy import func, select, update

from community.models import AccountEmail, Post, Thread, User
from tests.web.webtools import submit, text


def _register(client, name: str):
    resp = client.post("/api/v1/auth/register", json={
        "username": name, "email": f"{name}@example.test", "password": "a-long-enough-password"})
    assert resp.status_code == 201
    token = client.post("/api/v1/auth/token", json={
        "login": name, "password": "a-long-enough-password"}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_registration_through_the_api_sends_a_link_that_verifies_the_address(
        deliver, mailbox, client):
    auth = _register(client, "vera")
    assert client.get("/api/v1/me", headers=auth).get_json()["email_verified"] is False
    deliver()
    (msg,) = mailbox.to("vera@example.test")
    assert "Confirm your email address" in msg["Subject"]
    url = link(msg, "/verify-email/")
    assert url.startswith("http://localhost/verify-email/")
    resp = client.post("/api/v1/auth/verify-email", json={"token": token_of(url)})
    assert resp.status_code == 200
    assert client.get("/api/v1/me", headers=auth).get_json()["email_verified"] is True
    again = client.post("/api/v1/auth/verify-email", json={"token": token_of(url)})
    assert again.status_code == 400 and again.get_json()["error"]["code"] == "bad_request"


def test_registration_through_the_page_sends_a_link_whose_page_asks_before_verifying(
        app, db, deliver, mailbox, client):
    client.get("/register")
    resp = submit(client, "/register", {"username": "paula", "email": "paula@example.test",
                                        "password": "a-long-enough-password"})
    assert resp.status_code == 303
    deliver()
    path = link(mailbox.to("paula@example.test")[0], "/verify-email/").removeprefix("http://localhost")
    # Opening the link (a mail scanner does) uses nothing up: the page asks first.
    for _ in range(2):
        page = client.get(path)
        assert page.status_code == 200 and "Confirm my email address" in text(page)
    assert db.session.scalar(select(User.email_verified_at).where(User.username == "paula")) is None
    db.session.commit()
    done = submit(client, path)
    assert done.status_code == 200 and "your email address is confirmed" in text(done)
    assert db.session.scalar(select(User.email_verified_at).where(User.username == "paula"))
    assert submit(app.test_client(), path).status_code == 400


def test_accounts_made_by_operators_are_verified(app, make_user, client_for):
    from click.testing import CliRunner

    assert client_for(make_user()).get("/api/v1/me").get_json()["email_verified"] is True
    runner = app.test_cli_runner()
    result = runner.invoke(args=["community", "create-user", "opal", "--email",
                                 "opal@example.test", "--password", "a-long-enough-password"])
    assert result.exit_code == 0, result.output
    assert isinstance(runner, CliRunner)
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={
        "login": "opal", "password": "a-long-enough-password"}).get_json()["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert me["email_verified"] is True


def test_send_again_mails_a_new_link_in_the_account_language(deliver, mailbox, client):
    auth = _register(client, "remy")
    assert client.patch("/api/v1/me", json={"locale": "fr"}, headers=auth).status_code == 200
    assert client.post("/api/v1/me/verify-email", headers=auth).status_code == 202
    deliver()
    first, second = mailbox.to("remy@example.test")
    # Each email is written when it is sent, in the language the account has then.
    for msg in (first, second):
        assert "Confirmez votre adresse" in msg["Subject"]
        plain, html = parts(msg)
        assert "Bonjour" in plain and "Confirmer mon adresse" in html
    # The newer link works; both were issued for the same address.
    assert client.post("/api/v1/auth/verify-email",
                       json={"token": token_of(link(second, "/verify-email/"))}).status_code == 200
    assert client.post("/api/v1/me/verify-email", headers=auth).status_code == 202
    deliver()
    assert len(mailbox.to("remy@example.test")) == 2  # verified: nothing more to send


def test_send_again_is_limited_per_account(limited_app, db):
    client = limited_app.test_client()
    auth = _register(client, "rita")
    replies = [client.post("/api/v1/me/verify-email", headers=auth) for _ in range(4)]
    assert [r.status_code for r in replies] == [202, 202, 202, 429]
    assert replies[-1].get_json()["error"]["code"] == "rate_limited"
    # The registration's email and three more; the refused fourth queued nothing.
    queued = db.session.scalar(select(func.count()).select_from(AccountEmail)
                               .join(User, User.id == AccountEmail.user_id)
                               .where(User.username == "rita", AccountEmail.kind == "verify_email"))
    assert queued == 4


def test_forged_or_malformed_verification_tokens_are_refused(client):
    for body, status in (({"token": secrets.token_urlsafe(32)}, 400), ({"token": "short"}, 400),
                         ({"token": ["x"]}, 422), ({}, 422)):
        resp = client.post("/api/v1/auth/verify-email", json=body)
        assert resp.status_code == status, body
        assert resp.get_json()["error"]["code"] in ("bad_request", "validation_error")
    assert client.get("/verify-email/" + secrets.token_urlsafe(32)).status_code == 400


def test_with_verification_required_an_unverified_member_reads_and_signs_in_but_cannot_write(
        app, db, make_thread, make_space, deliver, mailbox, client):
    app.config["REQUIRE_EMAIL_VERIFICATION"] = True
    space = make_space(slug="help")
    thread = make_thread(space=space, title="A question that needs an answer")
    thread_id = thread.id
    db.session.commit()
    auth = _register(client, "ursula")
    before = (db.session.scalar(select(func.count()).select_from(Thread)),
              db.session.scalar(select(func.count()).select_from(Post)))
    db.session.commit()

    refused = [
        client.post("/api/v1/threads", headers=auth, json={
            "space": "help", "kind": "question", "title": "Can I post before verifying?",
            "body": "I would like to post this question right away, please."}),
        client.post(f"/api/v1/threads/{thread_id}/posts", headers=auth,
                    json={"body": "An answer I cannot post yet."}),
        client.put(f"/api/v1/threads/{thread_id}/vote", headers=auth, json={"value": 1}),
    ]
    for resp in refused:
        assert resp.status_code == 403, resp.get_json()
        assert "Confirm your email address" in resp.get_json()["error"]["message"]
    assert client.get(f"/api/v1/threads/{thread_id}", headers=auth).status_code == 200
    after = (db.session.scalar(select(func.count()).select_from(Thread)),
             db.session.scalar(select(func.count()).select_from(Post)))
    db.session.commit()
    assert after == before

    # Pages: the answer form is replaced by the reason and a "send again" button.
    browser = app.test_client()
    browser.get("/login")
    submit(browser, "/login", {"login": "ursula", "password": "a-long-enough-password"})
    page = text(browser.get(f"/threads/{thread_id}"))
    assert "Confirm your email address before you post" in page
    assert "Send the link again" in page and 'name="body"' not in page
    ask = submit(browser, "/ask", {"space": "help", "kind": "question",
                                   "title": "Can I post before verifying?",
                                   "body": "I would like to post this question right away."})
    assert ask.status_code == 403 and "Send the link again" in text(ask)
    sent = submit(browser, "/verify-email/send", {"next": f"/threads/{thread_id}"})
    assert sent.status_code == 303 and sent.headers["Location"] == f"/threads/{thread_id}"

    deliver()
    url = link(mailbox.to("ursula@example.test")[-1], "/verify-email/")
    assert client.post("/api/v1/auth/verify-email", json={"token": token_of(url)}).status_code == 200
    ok = client.post(f"/api/v1/threads/{thread_id}/posts", headers=auth,
                     json={"body": "Now that I am verified, here is my answer."})
    assert ok.status_code == 201
    assert "Send the link again" not in text(browser.get(f"/threads/{thread_id}"))


def test_without_the_setting_an_unverified_member_posts(app, db, make_thread, client):
    thread_id = make_thread().id
    db.session.commit()
    auth = _register(client, "walter")
    assert db.session.scalar(select(User.email_verified_at).where(User.username == "walter")) is None
    db.session.commit()
    resp = client.post(f"/api/v1/threads/{thread_id}/posts", headers=auth,
                       json={"body": "Unverified, and the site does not mind."})
    assert resp.status_code == 201


def test_existing_accounts_verified_flag_is_what_the_database_says(db, make_user, client_for):
    user = make_user()
    db.session.execute(update(User).where(User.id == user.id).values(email_verified_at=None))
    db.session.commit()
    assert client_for(user).get("/api/v1/me").get_json()["email_verified"] is False
