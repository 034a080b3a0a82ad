"""A body streamed without Content-Length (Transfer-Encoding: chunked) meets the same
limit as any other: over it is a 413 `payload_too_large` and nothing is saved; under it
the request works. Through a real HTTP server and raw chunked requests."""

from __future__ import annotations

import http.client
import json
import re
import socket
import threading
from urllib.parse import urlencode

import pytest
import requests
from sqlalchemy import func, select
from werkzeug.serving import make_server

from community.models import Post, Thread
from community.services import accounts

LIMIT = 64 * 1024
PASSWORD = "correct-horse-battery"


@pytest.fixture
def server(app):
    app.config["MAX_CONTENT_LENGTH"] = LIMIT
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    runner = threading.Thread(target=srv.serve_forever, daemon=True)
    runner.start()
    yield srv
    srv.shutdown()
    runner.join(10)


def send_chunked(port: int, path: str, body: bytes, headers: dict) -> tuple[int, str, str]:
    """A raw chunked POST; the server may answer before it has read everything."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    head = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Transfer-Encoding: chunked",
            "Connection: close", *(f"{k}: {v}" for k, v in headers.items())]
    try:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        for i in range(0, len(body), 8192):
            part = body[i:i + 8192]
            sock.sendall(b"%x\r\n%s\r\n" % (len(part), part))
        sock.sendall(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # it already answered: read that answer
    resp = http.client.HTTPResponse(sock)
    resp.begin()
    text = resp.read().decode()
    sock.close()
    return resp.status, resp.getheader("Content-Type", ""), text


def post_count(db) -> int:
    count = db.session.scalar(select(func.count()).select_from(Post))
    db.session.commit()  # the test's own read must not keep the write lock
    return count


@pytest.fixture
def author(db, make_user, make_thread):
    user = make_user()
    thread = make_thread()
    token = accounts.issue_token(db.session, user)
    names = (user.username, thread.id, thread.space.slug, token)
    db.session.commit()  # plain values only: the server must not wait on this thread's lock
    return names


def json_post(body: str) -> bytes:
    return json.dumps({"body": body}).encode()


def test_an_oversized_chunked_json_body_is_a_413_and_saves_nothing(db, server, author):
    _, thread_id, space, token = author
    requests_ = [
        (f"/api/v1/threads/{thread_id}/posts", json_post("x" * (2 * LIMIT))),
        ("/api/v1/threads", json.dumps({"space": space, "kind": "question",
                                        "title": "A title long enough here",
                                        "body": "y" * (LIMIT + 1)}).encode()),
    ]
    before = post_count(db)
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for path, payload in requests_:
        status, ctype, text = send_chunked(server.port, path, payload, auth)
        assert status == 413, text[:300]
        assert ctype.startswith("application/json")
        assert json.loads(text)["error"]["code"] == "payload_too_large"
    assert post_count(db) == before
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 1
    db.session.commit()


def test_a_chunked_json_body_under_the_limit_works(db, server, author):
    _, thread_id, _, token = author
    before = post_count(db)
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    status, _, text = send_chunked(server.port, f"/api/v1/threads/{thread_id}/posts",
                                   json_post("A chunked answer that is long enough."), auth)
    assert status == 201, text[:300]
    # A body of exactly the limit is allowed (valid JSON padded with spaces).
    exact = json_post("Another chunked answer, padded to the limit.")
    exact = exact + b" " * (LIMIT - len(exact))
    status, _, text = send_chunked(server.port, f"/api/v1/threads/{thread_id}/posts", exact, auth)
    assert status == 201, text[:300]
    assert post_count(db) == before + 2


def signed_in_cookie(port: int, username: str) -> tuple[str, str]:
    browser = requests.Session()
    base = f"http://127.0.0.1:{port}"
    page = browser.get(base + "/login", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    resp = browser.post(base + "/login", data={"login": username, "password": PASSWORD,
                                                "csrf_token": token},
                        allow_redirects=False, timeout=10)
    assert resp.status_code == 303
    token = browser.get(base + "/csrf-token", timeout=10).json()["csrf_token"]
    return "; ".join(f"{k}={v}" for k, v in browser.cookies.items()), token


def test_an_oversized_chunked_form_is_a_413_page_and_saves_nothing(db, server, author):
    username, thread_id, _, _ = author
    cookie, token = signed_in_cookie(server.port, username)
    before = post_count(db)
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    # The answer comes first and stays short: a cut body would still be a valid answer.
    body = urlencode({"body": "A short answer that would be valid if cut.", "csrf_token": token,
                      "padding": "p" * (2 * LIMIT)}).encode()
    status, ctype, text = send_chunked(server.port, f"/threads/{thread_id}/answer", body, headers)
    assert status == 413 and ctype.startswith("text/html"), text[:300]
    assert "too large" in text
    assert post_count(db) == before
    small = urlencode({"body": "A chunked answer from the page form.", "csrf_token": token}).encode()
    status, _, text = send_chunked(server.port, f"/threads/{thread_id}/answer", small, headers)
    assert status == 303, text[:300]
    assert post_count(db) == before + 1
