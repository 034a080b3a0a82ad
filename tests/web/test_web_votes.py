"""Votes through the plain form and through the fetch path the script uses."""

from __future__ import annotations

from sqlalchemy import select
from webtools import submit, text, token_of

from community.models import Vote

JSON = {"Accept": "application/json"}


def test_vote_through_the_form_highlights_the_current_vote(db, make_thread, make_user, browser):
    thread = make_thread()
    c = browser(make_user())
    resp = submit(c, f"/threads/{thread.id}/vote", {"value": "1"})
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"#thread-{thread.id}")
    page = text(c.get(f"/threads/{thread.id}"))
    assert 'class="vote-button vote-up is-active"' in page
    assert '<output class="vote-score" aria-live="polite" aria-label="Score">1</output>' in page
    # The highlighted button now withdraws the vote.
    assert 'name="value" value="0" data-dir="1"' in page
    submit(c, f"/threads/{thread.id}/vote", {"value": "0"})
    db.session.refresh(thread)
    assert thread.score == 0


def test_vote_on_an_answer_through_the_fetch_path(db, make_thread, make_post, make_user, browser):
    post = make_post(thread=make_thread())
    c = browser(make_user(reputation=200))
    token = token_of(c)
    resp = c.post(f"/posts/{post.id}/vote", data={"value": "1"},
                  headers={**JSON, "X-CSRFToken": token})
    assert resp.status_code == 200
    assert resp.get_json() == {"score": 1, "my_vote": 1}
    resp = c.post(f"/posts/{post.id}/vote", data={"value": "-1"},
                  headers={**JSON, "X-CSRFToken": token})
    assert resp.get_json() == {"score": -1, "my_vote": -1}
    resp = c.post(f"/posts/{post.id}/vote", data={"value": "0"},
                  headers={**JSON, "X-CSRFToken": token})
    assert resp.get_json() == {"score": 0, "my_vote": 0}


def test_fetch_vote_errors_come_back_as_json(make_thread, make_user, browser, client):
    author = make_user()
    thread = make_thread(author=author)
    own = browser(author)
    resp = own.post(f"/threads/{thread.id}/vote", data={"value": "1"},
                    headers={**JSON, "X-CSRFToken": token_of(own)})
    assert resp.status_code == 403
    assert resp.get_json()["error"]["message"] == "You cannot vote on your own content."

    newcomer = browser(make_user())
    resp = newcomer.post(f"/threads/{thread.id}/vote", data={"value": "-1"},
                         headers={**JSON, "X-CSRFToken": token_of(newcomer)})
    assert resp.status_code == 403  # downvotes unlock with reputation

    guest = client.post(f"/threads/{thread.id}/vote", data={"value": "1"},
                        headers={**JSON, "X-CSRFToken": token_of(client)})
    assert guest.status_code == 401


def test_fetch_vote_without_csrf_is_refused(db, make_thread, make_user, browser):
    thread = make_thread()
    c = browser(make_user())
    resp = c.post(f"/threads/{thread.id}/vote", data={"value": "1"}, headers=JSON)
    assert resp.status_code == 400
    db.session.refresh(thread)
    assert thread.score == 0


def test_own_content_shows_disabled_vote_buttons(make_thread, make_user, browser):
    author = make_user()
    thread = make_thread(author=author)
    page = text(browser(author).get(f"/threads/{thread.id}"))
    assert 'aria-pressed="false" disabled' in page


def test_votes_on_unreadable_threads_are_404(db, make_space, make_thread, make_user, browser):
    thread = make_thread(space=make_space(visibility="staff"), author=make_user(role="employee"))
    c = browser(make_user())
    assert submit(c, f"/threads/{thread.id}/vote", {"value": "1"}).status_code == 404
    db.session.refresh(thread)
    assert thread.score == 0
    assert db.session.scalars(select(Vote)).all() == []


def test_the_vote_script_is_served_and_the_page_has_no_inline_script(make_thread, client):
    thread = make_thread()
    page = text(client.get(f"/threads/{thread.id}"))
    assert '<script src="/static/js/app.js" defer></script>' in page
    assert "<script>" not in page and " onclick=" not in page
    js = client.get("/static/js/app.js")
    script = js.data
    js.close()  # a static file is streamed from an open file: close it, or it warns (and fails)
    assert js.status_code == 200 and b"X-CSRFToken" in script
