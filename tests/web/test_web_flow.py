"""The whole journey through the HTML forms: sign up, ask, answer, accept, solved."""

from __future__ import annotations

import re

from webtools import submit, text

from community.models import Post, Thread

PASSWORD = "correct-horse-battery"


def _sign_up(app, username: str):
    c = app.test_client()
    c.get("/register")
    resp = submit(c, "/register", {"username": username, "email": f"{username}@example.test",
                                   "password": PASSWORD})
    assert resp.status_code == 303
    return c


def test_sign_up_ask_answer_accept_shows_solved(app, db, make_space):
    make_space(slug="help", name="Help desk")

    asker = _sign_up(app, "curious")
    form = text(asker.get("/ask?space=help&kind=question"))
    assert '<option value="help" selected>' in form
    resp = submit(asker, "/ask", {"space": "help", "kind": "question",
                                  "title": "How do I reset my espresso machine?",
                                  "body": "The red light keeps blinking after descaling.",
                                  "tags": "espresso, maintenance"})
    assert resp.status_code == 303
    thread_path = resp.headers["Location"]
    assert re.fullmatch(r"/threads/\d+/how-do-i-reset-my-espresso-machine", thread_path)
    page = text(asker.get(thread_path))
    assert "How do I reset my espresso machine?" in page and ">Open<" in page
    assert ">espresso<" in page and ">maintenance<" in page

    helper = _sign_up(app, "helpful")
    resp = submit(helper, thread_path.rsplit("/", 1)[0] + "/answer",
                  {"body": "Hold the power button for ten seconds."})
    assert resp.status_code == 303
    post_id = int(resp.headers["Location"].rsplit("#post-", 1)[1])
    assert ">Answered<" in text(helper.get(thread_path))
    assert "Accept this answer" not in text(helper.get(thread_path))

    thread_id = int(thread_path.split("/")[2])
    resp = submit(asker, f"/threads/{thread_id}/accept", {"post_id": str(post_id)})
    assert resp.status_code == 303
    page = text(asker.get(thread_path))
    assert ">Solved<" in page and "Accepted answer" in page
    assert db.session.get(Thread, thread_id).accepted_post_id == post_id

    # The home page and the space list show the solved question to a guest too.
    guest = app.test_client()
    assert "How do I reset my espresso machine?" in text(guest.get("/spaces/help?status=solved"))

    # The asker can withdraw the acceptance.
    submit(asker, f"/threads/{thread_id}/unaccept")
    assert ">Answered<" in text(asker.get(thread_path))


def test_ask_form_shows_errors_and_keeps_the_input(app, make_space, make_user, browser):
    make_space(slug="help")
    c = browser(make_user())
    resp = submit(c, "/ask", {"space": "help", "kind": "idea", "title": "Too short",
                              "body": "tiny", "tags": "ok, BAD TAG!"})
    assert resp.status_code == 422
    page = text(resp)
    assert 'value="Too short"' in page and '<option value="idea" selected>' in page
    assert "Write at least" in page


def test_cannot_post_into_a_space_the_user_cannot_read(db, make_space, make_user, browser):
    make_space(slug="secret", visibility="staff")
    c = browser(make_user())
    resp = submit(c, "/ask", {"space": "secret", "kind": "question",
                              "title": "Trying to post into the staff space",
                              "body": "This should never be saved anywhere at all."})
    assert resp.status_code == 422
    assert db.session.query(Thread).count() == 0


def test_an_empty_answer_is_refused_with_the_form_kept(make_thread, make_user, browser):
    thread = make_thread()
    c = browser(make_user())
    resp = submit(c, f"/threads/{thread.id}/answer", {"body": " "})
    assert resp.status_code == 422
    assert "Write at least" in text(resp)


def test_a_guest_answer_is_sent_to_sign_in(db, make_thread, client):
    thread = make_thread()
    resp = submit(client, f"/threads/{thread.id}/answer", {"body": "Anonymous answer"})
    assert resp.status_code == 303 and resp.headers["Location"].startswith("/login")
    assert "Anonymous answer" not in text(client.get(f"/threads/{thread.id}"))
    assert db.session.query(Post).filter_by(thread_id=thread.id).count() == 0
