"""Password reset end to end: request, email through a real SMTP server, link, new
password; and every bad input answered with the envelope, changing nothing."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from pathlib import Path

from mailtools import link, parts, token_of
from sqlalchemy import event, func, select, update

from community.extensions import socketio
from community.models import AccountEmail, EmailToken, User, utcnow
from tests.conftest import PASSWORD
from tests.web.webtools import submit, text

NEW = "a-brand-new-passphrase"


def _main(html: str) -> str:
    return html[html.index("<main"):html.index("</main>")]


def _token_api(client, login: str, password: str):
    return client.post("/api/v1/auth/token", json={"login": login, "password": password})


def _reset_link(client, deliver, mailbox, address: str, *, typed: str | None = None) -> str:
    resp = client.post("/api/v1/auth/password-reset", json={"email": typed or address})
    assert resp.status_code == 202
    deliver()
    (msg,) = mailbox.to(address)
    return link(msg, "/reset-password/")


def test_a_reset_sends_one_link_that_sets_the_password_and_ends_every_other_session(
        app, db, make_user, login, deliver, mailbox, client):
    user = make_user(email="Rosa.Reset@example.test")
    elsewhere = app.test_client()
    login(elsewhere, user)  # a browser signed in before the reset
    bearer = _token_api(client, user.username, PASSWORD).get_json()["token"]
    assert elsewhere.get("/api/v1/me").status_code == 200
    sock = socketio.test_client(app, auth={"token": bearer})
    assert sock.is_connected()

    # The address is matched whatever its case; the email goes to the account's address.
    url = _reset_link(client, deliver, mailbox, "Rosa.Reset@example.test",
                      typed="rosa.reset@EXAMPLE.test")
    msg = mailbox.to("Rosa.Reset@example.test")[0]
    assert url.startswith("http://localhost/reset-password/")  # absolute: the request's host
    assert "Reset your Continuum password" in msg["Subject"]
    plain, html = parts(msg)
    assert user.username in plain and "1 hour" in plain and "<a href=" in html

    # Only the token's digest is stored: the raw token is in the email and nowhere else.
    raw = token_of(url)
    row = db.session.scalar(select(EmailToken).where(EmailToken.user_id == user.id))
    assert row.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    db.session.commit()
    stored = b"".join(p.read_bytes() for p in Path(app.instance_path).parent.glob("community.db*"))
    assert raw.encode() not in stored

    page = app.test_client()
    form = page.get(url.removeprefix("http://localhost"))
    assert form.status_code == 200 and "New password" in text(form)
    done = submit(page, url.removeprefix("http://localhost"), {"password": NEW})
    assert done.status_code == 303
    assert page.get("/api/v1/me").get_json()["username"] == user.username  # signed in

    assert _token_api(client, user.username, PASSWORD).status_code == 401
    assert _token_api(client, user.username, NEW).status_code == 200
    assert elsewhere.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {bearer}"}).status_code == 401
    assert not sock.is_connected()

    # Used once: the same link is dead, on the page and through the API.
    again = submit(app.test_client(), url.removeprefix("http://localhost"), {"password": "x" * 12})
    assert again.status_code == 400 and "not valid any more" in text(again)
    api = client.post("/api/v1/auth/password-reset/confirm", json={"token": raw, "password": NEW + "!"})
    assert api.status_code == 400 and api.get_json()["error"]["code"] == "bad_request"
    assert _token_api(client, user.username, NEW).status_code == 200


def test_the_api_confirms_a_reset_and_following_the_link_verifies_the_address(
        db, make_user, deliver, mailbox, client):
    user = make_user()
    db.session.execute(update(User).where(User.id == user.id).values(email_verified_at=None))
    url = _reset_link(client, deliver, mailbox, user.email)
    resp = client.post("/api/v1/auth/password-reset/confirm",
                       json={"token": token_of(url), "password": NEW})
    assert resp.status_code == 200
    token = _token_api(client, user.username, NEW).get_json()["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert me["email_verified"] is True


def test_an_unknown_address_gets_the_same_answer_and_no_email(
        db, make_user, deliver, mailbox, client):
    user = make_user()
    known = client.post("/api/v1/auth/password-reset", json={"email": user.email})
    unknown = client.post("/api/v1/auth/password-reset", json={"email": "nobody@example.test"})
    assert (known.status_code, known.get_json()) == (unknown.status_code, unknown.get_json())
    pages = [_main(text(submit(client, "/forgot-password", {"email": a})))
             for a in (user.email, "nobody@example.test")]
    assert pages[0].replace(user.email, "ADDRESS") == pages[1].replace("nobody@example.test",
                                                                        "ADDRESS")
    deliver()
    assert mailbox.to("nobody@example.test") == []
    assert len(mailbox.to(user.email)) == 2
    assert db.session.scalar(select(func.count()).select_from(AccountEmail)
                             .where(AccountEmail.state != "done")) == 0


def test_the_request_does_the_same_work_whether_or_not_the_address_exists(
        db, make_user, client):
    user = make_user()
    db.session.commit()

    def request_for(address: str):
        statements: list[str] = []

        def seen(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        client.post("/api/v1/auth/password-reset", json={"email": "warm-up@example.test"})
        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            resp = client.post("/api/v1/auth/password-reset", json={"email": address})
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
        return resp, statements

    known, known_sql = request_for(user.email)
    unknown, unknown_sql = request_for("nobody@example.test")
    # The same answer and the same SQL in the same order: the mailer looks the account
    # up later, so nothing about the request depends on whether the address has one.
    assert known.status_code == unknown.status_code == 202
    assert known.get_json() == unknown.get_json()
    assert known_sql == unknown_sql and known_sql


def test_expired_forged_and_malformed_tokens_are_refused_and_change_nothing(
        db, make_user, deliver, mailbox, client):
    user = make_user()
    url = _reset_link(client, deliver, mailbox, user.email)
    raw = token_of(url)
    db.session.execute(update(EmailToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    for token in (raw, secrets.token_urlsafe(32), raw[:-1] + ("A" if raw[-1] != "A" else "B"), "x"):
        resp = client.post("/api/v1/auth/password-reset/confirm", json={"token": token, "password": NEW})
        assert resp.status_code == 400, token
        assert resp.get_json()["error"]["code"] == "bad_request"
    for body in ({"token": 5, "password": NEW}, {"password": NEW}, {"token": "a" * 500, "password": NEW}):
        resp = client.post("/api/v1/auth/password-reset/confirm", json=body)
        assert resp.status_code == 422 and "token" in resp.get_json()["error"]["fields"]
    page = client.get(url.removeprefix("http://localhost"))
    assert page.status_code == 400 and "Ask for a new link" in text(page)
    assert _token_api(client, user.username, PASSWORD).status_code == 200
    assert _token_api(client, user.username, NEW).status_code == 401


def test_a_weak_password_names_the_field_and_keeps_the_link_usable(
        make_user, deliver, mailbox, client):
    user = make_user()
    raw = token_of(_reset_link(client, deliver, mailbox, user.email))
    resp = client.post("/api/v1/auth/password-reset/confirm", json={"token": raw, "password": "short"})
    assert resp.status_code == 422 and "password" in resp.get_json()["error"]["fields"]
    page = submit(client, f"/reset-password/{raw}", {"password": "1234567890"})
    assert page.status_code == 422 and "too common" in text(page)
    assert _token_api(client, user.username, PASSWORD).status_code == 200
    ok = client.post("/api/v1/auth/password-reset/confirm", json={"token": raw, "password": NEW})
    assert ok.status_code == 200


def test_a_link_dies_when_the_password_changes_by_other_means(
        db, make_user, deliver, mailbox, client):
    from community.services import accounts

    user = make_user()
    raw = token_of(_reset_link(client, deliver, mailbox, user.email))
    db.session.get(User, user.id).password_hash = accounts.hash_password("changed-in-settings")
    db.session.commit()
    resp = client.post("/api/v1/auth/password-reset/confirm", json={"token": raw, "password": NEW})
    assert resp.status_code == 400
    assert _token_api(client, user.username, "changed-in-settings").status_code == 200


def test_reset_requests_are_limited_per_address_and_per_ip_without_revealing_accounts(
        limited_app, db, make_user):
    email = make_user().email
    db.session.commit()  # the test's own session holds no lock while the app writes
    client = limited_app.test_client()

    def ask(address: str, ip: str = "10.0.0.1"):
        return client.post("/api/v1/auth/password-reset", json={"email": address},
                           environ_base={"REMOTE_ADDR": ip})

    answers = {}
    for address in (email, "nobody@example.test"):
        assert [ask(address).status_code for _ in range(3)] == [202, 202, 202]
        refused = ask(address)
        assert refused.status_code == 429 and refused.headers["Retry-After"]
        answers[address] = refused.get_json()
    assert answers[email] == answers["nobody@example.test"]
    assert "Try again in" in answers[email]["error"]["message"]
    # Per client address: 20 an hour whatever the addresses typed.
    codes = [ask(f"someone{i}@example.test", ip="10.0.0.2").status_code for i in range(21)]
    assert codes == [202] * 20 + [429]
    queued = db.session.scalar(select(func.count()).select_from(AccountEmail))
    assert queued == 3 + 3 + 20  # a refused request queued nothing
