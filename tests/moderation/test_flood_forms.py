"""Flood control on the web forms: the refusal is shown on the form itself, with the text
the member typed and when posting opens again, and nothing is stored."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from community.models import Post, Thread

PASSWORD = "correct-horse-battery"  # tests/conftest.py


def _browser(limited_app, db, user):
    """A browser on the rate-limited app, signed in through the form."""
    db.session.commit()  # the test's own session lets go of SQLite first
    c = limited_app.test_client()
    plain_open = c.open

    def open_(*args, **kwargs):
        db.session.commit()
        return plain_open(*args, **kwargs)

    c.open = open_
    resp = _submit(c, "/login", {"login": user.username, "password": PASSWORD})
    assert resp.status_code == 303
    return c


def _submit(c, url, data):
    token = c.get("/csrf-token").get_json()["csrf_token"]
    return c.post(url, data={**data, "csrf_token": token})


def _count(db, model):
    db.session.rollback()
    return db.session.scalar(select(func.count(model.id)))


def test_a_flooded_ask_form_keeps_the_text_and_says_when_posting_opens(limited_app, db,
                                                                      make_user, make_space):
    user = make_user()
    space = make_space()
    c = _browser(limited_app, db, user)
    form = {"space": space.slug, "kind": "question", "tags": "grinder burr",
            "body": "My grinder makes a <squeaking> noise & stops after a minute."}
    first = _submit(c, "/ask", {**form, "title": "First question of the day"})
    assert first.status_code == 303
    before = _count(db, Thread)
    resp = _submit(c, "/ask", {**form, "title": "Why does my grinder squeak?"})
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) > 60
    html = resp.get_data(as_text=True)
    assert '<form method="post" action="/ask"' in html  # the form, not an error page
    assert 'value="Why does my grinder squeak?"' in html
    assert "My grinder makes a &lt;squeaking&gt; noise &amp; stops after a minute.</textarea>" \
        in html
    assert 'value="grinder burr"' in html
    assert re.search(r"you can post again in 2 minutes", html), html[:2000]
    assert _count(db, Thread) == before  # nothing stored


def test_a_flooded_answer_keeps_the_text_on_the_thread_page(limited_app, db, make_user,
                                                           make_thread):
    user = make_user()
    thread = make_thread()
    c = _browser(limited_app, db, user)
    assert _submit(c, f"/threads/{thread.id}/answer",
                   {"body": "Descale it with citric acid first."}).status_code == 303
    before = _count(db, Post)
    resp = _submit(c, f"/threads/{thread.id}/answer",
                   {"body": "Also run two empty cycles after descaling."})
    assert resp.status_code == 429 and 5 < int(resp.headers["Retry-After"]) <= 30
    html = resp.get_data(as_text=True)
    assert "Also run two empty cycles after descaling.</textarea>" in html
    assert re.search(r"you can post again in \d+ seconds", html)
    assert _count(db, Post) == before
