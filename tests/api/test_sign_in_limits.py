"""Sign-in limits: per account and address, a generous ceiling per address (a whole office
behind one NAT), failures per account; a refusal says how long to wait."""

from __future__ import annotations

import re

from api_helpers import assert_error

PASSWORD = "correct-horse-battery"  # tests/conftest.py



def _client(limited_app, db):
    """A client of the rate-limited app. Outside a request the test's own session would
    begin (BEGIN IMMEDIATE) on its next read and hold SQLite's write lock: it lets go first."""
    c = limited_app.test_client()
    plain_open = c.open

    def open_(*args, **kwargs):
        db.session.commit()
        return plain_open(*args, **kwargs)

    c.open = open_
    return c


def _token(client, login, password=PASSWORD, address="203.0.113.7"):
    return client.post("/api/v1/auth/token", json={"login": login, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def _web_login(client, login, password=PASSWORD, address="203.0.113.7", lang="en"):
    token = client.get("/csrf-token").get_json()["csrf_token"]
    return client.post("/login", data={"login": login, "password": password, "csrf_token": token},
                       headers={"Accept-Language": lang}, environ_base={"REMOTE_ADDR": address})


def test_forty_colleagues_behind_one_address_all_sign_in_within_the_hour(limited_app, db,
                                                                         make_user):
    names = [make_user(username=f"colleague{i}").username for i in range(40)]
    db.session.commit()
    client = _client(limited_app, db)
    answers = [_token(client, u) for u in names[:30]]
    browsers = [_client(limited_app, db) for _ in names[30:]]
    codes = [a.status_code for a in answers]
    codes += [_web_login(b, u).status_code for b, u in zip(browsers, names[30:], strict=True)]
    assert codes == [200] * 30 + [303] * 10
    # Each colleague is signed in as themselves: the token or the session names them.
    reader = _client(limited_app, db)
    for answer, name in ((answers[0], names[0]), (answers[-1], names[29])):
        me = reader.get("/api/v1/me", headers={"Authorization": f"Bearer {answer.get_json()['token']}"})
        assert me.get_json()["username"] == name
    assert browsers[-1].get("/api/v1/me").get_json()["username"] == names[-1]


def test_seven_wrong_passwords_limit_that_account_and_not_the_colleague_next_door(
        limited_app, db, make_user):
    make_user(username="target")
    make_user(username="colleague")
    db.session.commit()
    client = _client(limited_app, db)
    codes = [_token(client, "target", "wrong-password!").status_code for _ in range(6)]
    assert codes == [401] * 6
    refused = _token(client, "target", "wrong-password!")
    err = assert_error(refused, 429, "rate_limited")
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 60
    assert re.search(r"Try again in \d+ (seconds?|minutes?)", err["message"]), err["message"]
    # The right password waits too, and the colleague at the same address is not held up.
    assert _token(client, "target").status_code == 429
    ok = _token(client, "colleague")
    assert ok.status_code == 200 and ok.get_json()["token"]
    # From another address the owner can still sign in.
    assert _token(client, "target", address="198.51.100.9").status_code == 200


def test_the_sign_in_form_shows_the_wait_in_the_readers_language(limited_app, db, make_user):
    make_user(username="target")
    make_user(username="colleague")
    db.session.commit()
    browser = _client(limited_app, db)
    codes = [_web_login(browser, "target", "wrong-password!").status_code for _ in range(6)]
    assert codes == [401] * 6
    page = _web_login(browser, "target", "wrong-password!")
    assert page.status_code == 429 and int(page.headers["Retry-After"]) > 0
    html = page.get_data(as_text=True)
    assert 'name="password"' in html and 'value="target"' in html  # the form, login kept
    assert re.search(r"Try again in \d+ (seconds?|minutes?)", html)
    french = _web_login(_client(limited_app, db), "target", "wrong-password!", lang="fr")
    assert french.status_code == 429
    assert re.search(r"Réessayez dans \d+ (secondes?|minutes?)", french.get_data(as_text=True))
    assert _web_login(_client(limited_app, db), "colleague").status_code == 303


def test_a_login_no_account_has_is_limited_the_same_way(limited_app, db):
    client = _client(limited_app, db)
    answers = [_token(client, "nobody-here", "wrong-password!") for _ in range(7)]
    assert [a.status_code for a in answers] == [401] * 6 + [429]
    # The same answers as for a real account: no hint that the login does not exist.
    assert assert_error(answers[0], 401, "unauthorized")["message"] == "Wrong login or password."
    err = assert_error(answers[-1], 429, "rate_limited")
    assert re.search(r"Try again in \d+ (seconds?|minutes?)", err["message"])
    assert int(answers[-1].headers["Retry-After"]) >= 1


def test_failures_from_many_addresses_lock_the_account_with_the_wait_shown(limited_app, db,
                                                                           make_user):
    limited_app.config["LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR"] = 3
    make_user(username="target")
    db.session.commit()
    client = _client(limited_app, db)
    codes = [_token(client, "target", "wrong-password!", address=f"192.0.2.{i}").status_code
             for i in range(3)]
    assert codes == [401] * 3
    refused = _token(client, "target", address="192.0.2.99")  # even the right password
    err = assert_error(refused, 429, "rate_limited")
    assert 3000 < int(refused.headers["Retry-After"]) <= 3600
    assert "Try again in 60 minutes" in err["message"] or "Try again in 59 minutes" in \
        err["message"]


def test_the_address_ceiling_still_holds(limited_app, db, make_user):
    limited_app.config["LOGIN_RATE_LIMIT_PER_IP"] = "5 per minute"
    client = _client(limited_app, db)
    answers = [_token(client, f"someone{i}", "wrong-password!") for i in range(6)]
    assert [a.status_code for a in answers] == [401] * 5 + [429]
    assert_error(answers[-1], 429, "rate_limited")
    assert int(answers[-1].headers["Retry-After"]) >= 1
    assert _token(client, "someone0", "wrong-password!", address="198.51.100.1").status_code == 401
