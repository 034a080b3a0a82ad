"""Sign in, sign up, sign out, CSRF and safe redirects through the HTML forms."""

from __future__ import annotations

import re

import pytest
from webtools import submit, text, token_of

from community.models import LoginFailure, Thread, User, UserSession

PASSWORD = "correct-horse-battery"


def test_sign_in_gives_the_same_answer_whether_or_not_the_account_exists(db, make_user, client):
    user = make_user(username="realperson")
    client.get("/login")
    wrong = submit(client, "/login", {"login": "realperson", "password": "not-the-password"})
    ghost = submit(client, "/login", {"login": "ghost-person", "password": "not-the-password"})
    assert wrong.status_code == ghost.status_code == 401
    assert "Wrong login or password." in text(wrong)
    assert "Wrong login or password." in text(ghost)
    # The failed attempt on a real account is recorded (the per-account cap counts it).
    assert db.session.query(LoginFailure).filter_by(user_id=user.id).count() == 1


def test_sign_in_by_email_then_the_menu_shows_the_user(make_user, client):
    user = make_user(username="emailer")
    client.get("/login")
    resp = submit(client, "/login", {"login": "emailer@example.test", "password": PASSWORD})
    assert resp.status_code == 303
    page = text(client.get("/"))
    assert 'href="/users/emailer"' in page and "Sign out" in page
    assert user.username == "emailer"


def test_a_post_without_a_csrf_token_is_refused_and_changes_nothing(db, make_user, make_space,
                                                                    browser):
    make_space(slug="general")
    user = make_user()
    c = browser(user)
    resp = c.post("/ask", data={"space": "general", "kind": "question",
                                "title": "A question without any token",
                                "body": "This body is long enough to be accepted."})
    assert resp.status_code == 400
    assert db.session.query(Thread).count() == 0
    wrong = c.post("/ask", data={"space": "general", "kind": "question", "csrf_token": "forged",
                                 "title": "A question with a forged token",
                                 "body": "This body is long enough to be accepted."})
    assert wrong.status_code == 400
    assert db.session.query(Thread).count() == 0


def test_sign_in_without_a_csrf_token_is_refused(make_user, client):
    make_user(username="nocsrf")
    resp = client.post("/login", data={"login": "nocsrf", "password": PASSWORD})
    assert resp.status_code == 400
    assert "Sign out" not in text(client.get("/"))


def test_logout_ends_the_session_on_the_server(db, make_user, browser, app):
    user = make_user()
    c = browser(user)
    assert "Sign out" in text(c.get("/"))
    stolen = c.get_cookie("session").value

    # Before logout, a copy of the cookie works in another browser.
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert "Sign out" in text(thief.get("/"))

    assert submit(c, "/logout").status_code == 303
    assert "Sign out" not in text(c.get("/"))
    assert db.session.query(UserSession).filter(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)).count() == 0

    replay = app.test_client()
    replay.set_cookie("session", stolen)
    page = text(replay.get("/"))
    assert "Sign out" not in page and "Sign in" in page
    assert replay.get("/ask").status_code == 303  # sent to the sign-in page


def test_logout_is_not_a_get(make_user, browser):
    c = browser(make_user())
    assert c.get("/logout").status_code == 405
    assert "Sign out" in text(c.get("/"))


@pytest.mark.parametrize("target", [
    "//evil.example", "//evil.example/path", "https://evil.example", "http://evil.example/x",
    "javascript:alert(1)", "/\\evil.example", "\\\\evil.example", "evil.example",
    "https:/evil.example", "/\r\nLocation: https://evil.example", " //evil.example",
])
def test_sign_in_never_redirects_off_site(target, make_user, client):
    make_user(username="redirected")
    client.get("/login")
    resp = submit(client, "/login", {"login": "redirected", "password": PASSWORD,
                                     "next": target})
    assert resp.status_code == 303
    location = resp.headers["Location"]
    assert location in ("/", "http://localhost/"), location


def test_sign_in_follows_a_local_next(make_user, client):
    make_user(username="local")
    client.get("/login?next=/ask?kind=idea")
    assert 'value="/ask?kind=idea"' in text(client.get("/login?next=/ask?kind=idea"))
    resp = submit(client, "/login", {"login": "local", "password": PASSWORD,
                                     "next": "/ask?kind=idea"})
    assert resp.headers["Location"] == "/ask?kind=idea"


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example",
                                    "javascript:alert(1)"])
def test_register_and_language_switch_never_redirect_off_site(target, client):
    client.get("/register")
    resp = submit(client, "/register", {"username": "newbie", "email": "newbie@example.test",
                                        "password": PASSWORD, "next": target})
    assert resp.status_code == 303 and resp.headers["Location"] in ("/", "http://localhost/")
    lang = submit(client, "/lang", {"lang": "fr", "next": target})
    assert lang.headers["Location"] in ("/", "http://localhost/")


def test_register_signs_the_new_member_in(db, client):
    client.get("/register")
    resp = submit(client, "/register", {"username": "freshface", "email": "fresh@example.test",
                                        "display_name": "Fresh Face", "password": PASSWORD})
    assert resp.status_code == 303
    assert "Fresh Face" in text(client.get("/"))
    user = db.session.query(User).filter_by(username="freshface").one()
    assert user.role == "member"  # nobody picks their own role


def test_register_ignores_privileged_fields(db, client):
    client.get("/register")
    submit(client, "/register", {"username": "sneaky", "email": "sneaky@example.test",
                                 "password": PASSWORD, "role": "admin", "reputation": "9999"})
    user = db.session.query(User).filter_by(username="sneaky").one()
    assert user.role == "member" and user.reputation == 1


def test_register_shows_field_errors(make_user, client):
    make_user(username="taken")
    client.get("/register")
    resp = submit(client, "/register", {"username": "taken", "email": "not-an-email",
                                        "password": "short"})
    assert resp.status_code == 422
    page = text(resp)
    assert "This username is taken." in page or "Enter a valid email address." in page
    assert 'aria-invalid="true"' in page
    nul = submit(client, "/register", {"username": "nul\x00byte", "email": "n@example.test",
                                       "password": PASSWORD})
    assert nul.status_code == 422


def test_the_page_meta_tag_and_the_endpoint_give_working_csrf_tokens(client, make_user,
                                                                      login):
    login(client, make_user())
    meta = re.search(r'<meta name="csrf-token" content="([^"]+)">', text(client.get("/")))
    assert meta
    for token, lang in ((meta.group(1), "fr"), (token_of(client), "en")):
        resp = client.post("/lang", data={"lang": lang}, headers={"X-CSRFToken": token})
        assert resp.status_code == 303
        assert f'<html lang="{lang}">' in text(client.get("/"))  # the choice took effect


def test_a_guests_list_pages_start_no_session_and_the_language_switch_needs_no_token(
        app, db, make_user, login):
    guest = app.test_client()
    home = guest.get("/")
    assert "Set-Cookie" not in home.headers
    assert "csrf" not in text(home).lower()
    resp = guest.post("/lang", data={"lang": "fr", "next": "/"})
    assert resp.status_code == 303
    assert '<html lang="fr">' in text(guest.get("/"))
    # A member's choice is stored on the account: their form must carry their token.
    member_user = make_user()
    member = app.test_client()
    login(member, member_user)
    refused = member.post("/lang", data={"lang": "fr", "next": "/"})
    assert refused.status_code == 400
    db.session.refresh(member_user)
    assert member_user.locale != "fr"
    assert '<html lang="en">' in text(member.get("/"))
