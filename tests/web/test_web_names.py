"""Names on the pages: hostile ones refused on the forms (with the error on the field),
reserved ones refused at sign-up, and every name isolated (<bdi>) where it is shown."""

from __future__ import annotations

from sqlalchemy import select
from webtools import submit, text

from community.models import User
from community.services import threads, votes

PASSWORD = "correct-horse-battery"  # tests/conftest.py
EVIL = "Evil\u202etxt.exe\r\nX-Injected: 1"


def test_the_sign_up_form_refuses_a_hostile_display_name_on_the_field(client, db):
    client.get("/register")
    resp = submit(client, "/register", {"username": "newcomer", "email": "new@example.test",
                                        "password": PASSWORD, "display_name": EVIL})
    assert resp.status_code == 422
    html = text(resp)
    assert 'id="reg-display"' in html and "U+202E, U+000D, U+000A" in html
    assert 'value="newcomer"' in html  # what was typed is kept
    assert db.session.scalar(select(User.id).where(User.username == "newcomer")) is None


def test_the_sign_up_form_refuses_a_reserved_username(client, db):
    client.get("/register")
    resp = submit(client, "/register", {"username": "Adm1n", "email": "a@example.test",
                                        "password": PASSWORD})
    assert resp.status_code == 422 and "This username is reserved." in text(resp)
    resp = submit(client, "/register", {"username": "barista", "email": "b@example.test",
                                        "password": PASSWORD})
    assert resp.status_code in (302, 303)
    names = db.session.scalars(select(User.username)).all()
    assert "barista" in names and "Adm1n" not in names


def test_the_ask_form_refuses_a_title_with_a_line_break(browser, make_user, make_space):
    space = make_space()
    c = browser(make_user())
    resp = submit(c, "/ask", {"space": space.slug, "kind": "question",
                              "title": "Subject line\r\nBcc: everyone@example.test",
                              "body": "A body long enough to be a real question."})
    assert resp.status_code == 422
    html = text(resp)
    assert 'id="ask-title"' in html and "U+000D, U+000A" in html


def test_names_are_isolated_on_the_profile_thread_and_leaderboard(browser, db, make_user,
                                                                  make_space):
    author = make_user(username="mohammed")
    author.display_name = "محمد علي"
    db.session.commit()
    thread = threads.create_thread(db.session, make_space(), by=author, kind="question",
                                   title="How long should I rest the beans?",
                                   body="A body long enough to be a real question.")
    votes.cast_vote(db.session, thread, by=make_user(), value=1)  # onto the leaderboard
    db.session.commit()
    c = browser(make_user())
    isolated = "<bdi>محمد علي</bdi>"
    assert isolated in text(c.get("/users/mohammed"))
    assert isolated in text(c.get(f"/threads/{thread.id}"))
    assert isolated in text(c.get("/leaderboard?period=all"))
    # A name stored before names were checked cannot reorder the page around it.
    author.display_name = "Evil\u202etxt.exe"
    db.session.commit()
    assert "<bdi>Evil\u202etxt.exe</bdi>" in text(c.get("/users/mohammed"))
