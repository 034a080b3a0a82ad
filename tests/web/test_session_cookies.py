"""The session cookie is checked once and then recognised (community/security.py
SessionCookies), and a page's CSRF token is reused for a few minutes (csrf_token):
neither lets through what Flask and Flask-WTF would refuse."""

from __future__ import annotations

import re
import time
from datetime import timedelta

from flask import request

from community import security
from tests.web.webtools import assert_each_page_is_its_readers, parallel_readers, read_at_once

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _signed_in(app, login, make_user):
    browser = app.test_client()
    login(browser, make_user())
    assert browser.get("/settings").status_code == 200
    return browser


def _sent_to_sign_in(resp) -> bool:
    return resp.status_code in (302, 303) and "/login" in resp.headers["Location"]


def test_an_expired_cookie_is_refused_though_it_was_accepted_before(app, login, make_user):
    app.permanent_session_lifetime = timedelta(seconds=1)
    browser = _signed_in(app, login, make_user)
    assert browser.get("/settings").status_code == 200  # recognised, not checked again
    time.sleep(2.1)
    assert _sent_to_sign_in(browser.get("/settings"))


def test_a_new_secret_key_refuses_the_cookies_checked_with_the_old(app, login, make_user):
    cookie = _signed_in(app, login, make_user).get_cookie("session").value

    def opened() -> dict:
        with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}):
            return dict(app.session_interface.open_session(app, request))

    assert "_user_id" in opened()  # and now recognised without a check
    app.secret_key = "another-secret-key-for-this-test"
    assert opened() == {}


def test_a_tampered_cookie_is_refused_beside_the_good_one(app, login, make_user):
    browser = _signed_in(app, login, make_user)
    good = browser.get_cookie("session").value
    browser.set_cookie("session", good[:-2] + ("AA" if not good.endswith("AA") else "BB"))
    assert _sent_to_sign_in(browser.get("/settings"))
    browser.set_cookie("session", good)
    assert browser.get("/settings").status_code == 200


def test_a_flashed_message_shows_once(app, db, login, make_user):
    user = make_user()
    browser = app.test_client()
    login(browser, user)
    browser.get("/settings")
    page = browser.get("/")
    # Signing in flashes nothing here; a message put in the session shows on one page.
    with browser.session_transaction() as sess:
        sess["_flashes"] = [("message", "Saved, once")]
    assert "Saved, once" in browser.get("/").get_data(as_text=True)
    assert "Saved, once" not in browser.get("/").get_data(as_text=True)
    assert page.status_code == 200


def test_a_pages_token_is_reused_for_a_while_and_every_form_takes_it(
        app, login, make_user, make_thread, monkeypatch):
    thread = make_thread()
    browser = _signed_in(app, login, make_user)
    first = TOKEN.search(browser.get(f"/threads/{thread.id}").get_data(as_text=True))[1]
    again = TOKEN.search(browser.get(f"/threads/{thread.id}").get_data(as_text=True))[1]
    assert again == first
    later = time.time() + security.CSRF_REUSE + 1
    monkeypatch.setattr(security.time, "time", lambda: later)
    fresh = TOKEN.search(browser.get(f"/threads/{thread.id}").get_data(as_text=True))[1]
    monkeypatch.undo()
    assert fresh != first
    for token in (first, fresh):  # both signed for this session: both accepted
        resp = browser.post(f"/threads/{thread.id}/follow", data={"csrf_token": token})
        assert resp.status_code in (302, 303), resp.status_code
    assert browser.post(f"/threads/{thread.id}/follow",
                        data={"csrf_token": "forged"}).status_code == 400


def test_another_session_never_gets_this_ones_token(app, login, make_user, make_thread):
    thread = make_thread()
    one, two = (_signed_in(app, login, make_user) for _ in range(2))
    tokens = [TOKEN.search(b.get(f"/threads/{thread.id}").get_data(as_text=True))[1]
              for b in (one, two)]
    assert tokens[0] != tokens[1]
    resp = two.post(f"/threads/{thread.id}/follow", data={"csrf_token": tokens[0]})
    assert resp.status_code == 400


def test_readers_at_once_each_keep_their_own_session_and_token(
        app, db, login, make_user, make_thread, fresh_context_per_request):
    thread = make_thread()
    url = f"/threads/{thread.id}"
    browsers = parallel_readers(app, db, login, [make_user() for _ in range(4)])
    results = read_at_once(browsers, [url, "/"], rounds=6)
    assert_each_page_is_its_readers(results, signed_in=4)
    tokens = [TOKEN.search(results[i][-2])[1] for i in range(4)]  # each one's last thread page
    assert len(set(tokens)) == 4
    for browser, token in zip(browsers, tokens, strict=False):
        resp = browser.post(f"{url}/follow", data={"csrf_token": token})
        assert resp.status_code in (302, 303)
