"""Bad or revoked bearer tokens, CSRF on cookie-authenticated API calls, sign-in rate limit."""

from __future__ import annotations

import re

import pytest
from api_helpers import assert_error, thread_body

from community import create_app
from community.extensions import db as _db
from community.services import accounts

PASSWORD = "correct-horse-battery"


def _api_calls(app):
    """Every (method, url) of the API, with plausible values in the path."""
    calls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        url = re.sub(r"<id:[a-z_]+>", "1", rule.rule)
        url = re.sub(r"<(?:[a-z]+:)?[a-z_]+>", "someone", url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            calls.append((method, url))
    return calls


@pytest.mark.parametrize("header", ["Bearer not-a-real-token", "Bearer " + "x" * 5000,
                                    "bearer \u00e9t\u00e9"])
def test_a_bad_bearer_token_is_401_on_every_api_endpoint(app, client, make_thread, make_post,
                                                         make_user, header):
    thread = make_thread()
    make_post(thread=thread)
    make_user(username="someone")
    calls = _api_calls(app)
    assert len(calls) >= 20
    for method, url in calls:
        resp = client.open(url, method=method, json={},
                           headers={"Authorization": header.encode("utf-8").decode("latin-1")})
        assert_error(resp, 401, "unauthorized")


def test_a_revoked_token_is_401_everywhere_even_on_public_reads(app, client_for, make_user,
                                                                make_thread):
    make_thread()
    api = client_for(make_user())
    assert api.get("/api/v1/threads").status_code == 200
    assert api.delete("/api/v1/auth/token").status_code == 204
    for method, url in _api_calls(app):
        assert_error(api.open(url, method=method, json={}), 401, "unauthorized")


def test_a_token_of_a_user_whose_sessions_were_ended_stops_working(client_for, make_user, db):
    user = make_user()
    api = client_for(user)
    accounts.end_all_sessions(db.session, user)
    db.session.commit()
    assert_error(api.get("/api/v1/spaces"), 401, "unauthorized")


def test_no_token_at_all_is_a_guest_on_public_reads(client, make_thread):
    make_thread()
    assert client.get("/api/v1/threads").json["total"] == 1
    assert client.get("/api/v1/spaces").status_code == 200


# ---- CSRF on cookie-authenticated API calls ----

def _cookie_client(app, db, user):
    """A browser-like client signed in with a server-side session, without the web form."""
    client = app.test_client()
    key = accounts.start_session(db.session, user)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = key
        session["_fresh"] = True
    return client


def _csrf(client):
    return client.get("/csrf-token").get_json()["csrf_token"]


def test_a_cookie_session_reads_the_api(app, db, make_user):
    user = make_user()
    client = _cookie_client(app, db, user)
    assert client.get("/api/v1/me").json["id"] == user.id


def test_a_cookie_authenticated_write_without_csrf_is_refused(app, db, make_user, make_space,
                                                              make_thread):
    from community.models import Thread, Vote

    user = make_user()
    space = make_space()
    other = make_thread(space=space)
    client = _cookie_client(app, db, user)
    refused = [
        client.post("/api/v1/threads", json=thread_body(space)),
        client.put(f"/api/v1/threads/{other.id}/vote", json={"value": 1}),
        client.post(f"/api/v1/threads/{other.id}/posts", json={"body": "A forged answer"}),
        client.post("/api/v1/threads", json=thread_body(space), headers={"X-CSRFToken": "forged"}),
    ]
    for resp in refused:
        assert resp.status_code in (400, 403)
        assert_error(resp, resp.status_code)
    assert db.session.query(Thread).count() == 1
    assert db.session.query(Vote).count() == 0


def test_a_cookie_authenticated_write_with_the_csrf_header_works(app, db, make_user, make_space):
    user = make_user()
    client = _cookie_client(app, db, user)
    body = thread_body(make_space())
    resp = client.post("/api/v1/threads", json=body, headers={"X-CSRFToken": _csrf(client)})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    shown = app.test_client().get(f"/api/v1/threads/{resp.json['id']}").json
    assert shown["title"] == body["title"] and shown["author"]["id"] == user.id


def test_signing_in_through_the_page_then_writing_needs_the_csrf_header(app, db, make_user,
                                                                        make_space, login):
    user = make_user()
    space = make_space()
    client = login(app.test_client(), user)
    assert client.get("/api/v1/me").json["id"] == user.id
    resp = client.post("/api/v1/threads", json=thread_body(space))
    assert resp.status_code in (400, 403)
    assert_error(resp, resp.status_code)
    resp = client.post("/api/v1/threads", json=thread_body(space),
                       headers={"X-CSRFToken": _csrf(client)})
    assert resp.status_code == 201


def test_bearer_requests_need_no_csrf(member_client, make_space, make_thread, client):
    created = member_client.post("/api/v1/threads", json=thread_body(make_space()))
    assert created.status_code == 201
    assert client.get(f"/api/v1/threads/{created.json['id']}").status_code == 200
    thread = make_thread()
    assert member_client.put(f"/api/v1/threads/{thread.id}/vote",
                             json={"value": 1}).status_code == 200
    assert client.get(f"/api/v1/threads/{thread.id}").json["score"] == 1


# ---- sign-in rate limit ----

@pytest.fixture
def limited_app(app):
    """The `app` fixture's configuration with the rate limits on."""
    keys = ("TESTING", "INSTANCE_PATH", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "SEARCH_INDEX_DIR")
    limited = create_app({**{k: app.config[k] for k in keys}, "RATELIMIT_ENABLED": True})
    yield limited
    with limited.app_context():
        _db.session.remove()
        _db.engine.dispose()


def test_the_seventh_token_request_in_a_minute_is_429_with_retry_after(limited_app, make_user):
    make_user(username="target")
    client = limited_app.test_client()
    answers = [client.post("/api/v1/auth/token",
                           json={"login": "target", "password": "wrong-password!"})
               for _ in range(7)]
    assert [r.status_code for r in answers[:6]] == [401] * 6
    err = assert_error(answers[6], 429, "rate_limited")
    assert err["message"]
    retry_after = answers[6].headers.get("Retry-After")
    assert retry_after is not None and int(retry_after) > 0
    # Even the right password is refused while the limit holds.
    resp = client.post("/api/v1/auth/token", json={"login": "target", "password": PASSWORD})
    assert_error(resp, 429, "rate_limited")


def test_successful_sign_ins_count_towards_the_limit_too(limited_app, make_user):
    make_user(username="busy")
    client = limited_app.test_client()
    answers = [client.post("/api/v1/auth/token", json={"login": "busy", "password": PASSWORD})
               for _ in range(7)]
    assert [a.status_code for a in answers] == [200] * 6 + [429]
    assert "token" not in answers[-1].get_json()  # the refused sign-in issued nothing
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {answers[5].json['token']}"})
    assert me.json["username"] == "busy"
