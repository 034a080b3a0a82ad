"""The live preview: the server renders the text exactly as saving will."""

from __future__ import annotations

import re

from community.models import Post, Thread
from community.moderation import words
from community.services import accounts
from tests.web.webtools import submit, text, token_of

MARKDOWN = ("# Steps\n\n1. Run `brew --fix`\n2. See [the docs](https://example.com \"Docs\")\n\n"
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n<script>alert(1)</script> ~~old~~ "
            "[x](javascript:alert(1)) and a darn word")


def _preview(client, body, **headers):
    return client.post("/api/v1/preview", json={"body": body},
                       headers={"X-CSRFToken": token_of(client), **headers})


def test_the_preview_is_exactly_what_an_answer_and_a_question_are_saved_as(
        db, browser, make_user, make_thread, make_space):
    moderator = make_user(role="moderator")
    words.add_word(db.session, word="darn", action="censor", replacement="d**n", by_id=moderator.id)
    db.session.commit()
    author = make_user()
    reader = browser(author)
    thread = make_thread(space=make_space(slug="help"))
    resp = _preview(reader, MARKDOWN)
    assert resp.status_code == 200, resp.data
    html = resp.get_json()["html"]
    assert "<table>" in html and "<script>" not in html and 'href="javascript' not in html
    assert "d**n" in html and "darn" not in html

    assert submit(reader, f"/threads/{thread.id}/answer", {"body": MARKDOWN}).status_code == 303
    db.session.expire_all()
    saved = db.session.query(Post).filter_by(thread_id=thread.id).one()
    assert saved.body_html == html

    submit(reader, "/ask", {"space": "help", "kind": "question", "title": "How do I fix brew?",
                            "body": MARKDOWN})
    asked = db.session.query(Thread).filter_by(title="How do I fix brew?").one()
    assert asked.body_html == html


def test_the_preview_needs_an_account_and_a_csrf_token_with_a_cookie(
        db, client, browser, make_user, client_for):
    assert client.post("/api/v1/preview", json={"body": "hello"}).status_code == 401
    member = make_user()
    signed_in = browser(member)
    refused = signed_in.post("/api/v1/preview", json={"body": "hello"})
    assert refused.status_code == 400 and "html" not in (refused.get_json() or {})
    # A bearer token carries no ambient authority: no CSRF token needed.
    api = client_for(member)
    assert api.post("/api/v1/preview", json={"body": "*hi*"}).get_json() == {
        "html": "<p><em>hi</em></p>\n"}


def test_bad_preview_input_names_the_field(db, browser, make_user):
    reader = browser(make_user())
    for body in ({}, {"body": 5}, {"body": None}, {"body": "x" * 100_001}):
        resp = reader.post("/api/v1/preview", json=body, headers={"X-CSRFToken": token_of(reader)})
        assert resp.status_code == 422, body
        assert "body" in resp.get_json()["error"]["fields"]


def test_previews_are_rate_limited_per_account(limited_app, db, make_user):
    limited_app.config["PREVIEW_RATE_LIMIT"] = "3 per minute"

    def preview_as(user):
        token = accounts.issue_token(db.session, user)
        db.session.commit()  # the test's session lets go of SQLite first
        return limited_app.test_client().post(
            "/api/v1/preview", json={"body": "text"}, headers={"Authorization": f"Bearer {token}"})

    first, second = make_user(), make_user()
    answers = [preview_as(first) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[2].get_json()["html"] == "<p>text</p>\n"  # still rendered at the limit
    refused = answers[3].get_json()["error"]
    assert refused["code"] == "rate_limited" and "html" not in answers[3].get_json()
    # Another account at the same address has its own allowance.
    assert preview_as(second).get_json()["html"] == "<p>text</p>\n"


def test_the_ask_and_answer_forms_carry_the_preview_without_inline_script(
        db, browser, make_user, make_thread):
    reader = browser(make_user())
    thread = make_thread()
    for path, box in (("/ask", "ask-preview"), (f"/threads/{thread.id}", "answer-preview")):
        html = text(reader.get(path))
        assert f'data-preview="{box}"' in html and f'id="{box}"' in html
        assert '<script src="/static/js/preview.js" defer></script>' in html
        assert not re.search(r"<script(?![^>]*(src=|application/ld\+json))[^>]*>", html)
    script = reader.get("/static/js/preview.js")
    assert script.status_code == 200 and b"/api/v1/preview" in script.data
    script.close()
