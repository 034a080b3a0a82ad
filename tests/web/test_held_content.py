"""A new member's post with a link is held for approval: on the page its author sees it
marked as awaiting approval, everyone else (whatever the page cache holds) does not."""

from __future__ import annotations

import re

import pytest
from webtools import submit, text

from community.models import ModerationItem
from community.moderation import queue

LINKED = "It is documented at https://docs.example/setup, see the second section."
MARK = "Awaiting approval"


@pytest.fixture(autouse=True)
def _cache_on(app):
    app.config["PAGE_CACHE_ENTRIES"] = 512


def _approve(db, target_type: str, target_id: int, moderator) -> None:
    db.session.rollback()
    item = db.session.query(ModerationItem).filter_by(target_type=target_type,
                                                      target_id=target_id).one()
    queue.act(db.session, item, by=moderator, action="restore")
    db.session.commit()


def test_a_held_answer_shows_to_its_author_marked_and_to_nobody_else(
        db, browser, make_user, make_thread):
    thread = make_thread()
    url = f"/threads/{thread.id}"
    author, other, guest = browser(make_user()), browser(make_user()), browser()
    assert MARK not in text(other.get(url))  # the others' page is cached first

    resp = submit(author, f"/threads/{thread.id}/answer", {"body": LINKED})
    assert resp.status_code == 303
    post_id = int(re.search(r"#post-(\d+)", resp.headers["Location"]).group(1))
    own = text(author.get(resp.headers["Location"]))
    post = own[own.index(f'id="post-{post_id}"'):]
    assert "docs.example/setup" in post and MARK in post
    assert f'href="/posts/{post_id}/edit"' not in own  # reading only, until approved

    for reader in (other, guest, browser(make_user())):
        html = text(reader.get(url))
        assert f'id="post-{post_id}"' not in html and "docs.example/setup" not in html

    moderator = make_user(role="moderator")
    assert MARK in text(browser(moderator).get(url))
    _approve(db, "post", post_id, moderator)
    for reader in (author, other, guest):
        html = text(reader.get(url))
        assert "docs.example/setup" in html and MARK not in html


def test_a_held_question_opens_for_its_author_with_a_banner_and_is_a_404_for_others(
        db, browser, make_user, make_space):
    space = make_space()
    author = browser(make_user())
    resp = submit(author, "/ask", {"space": space.slug, "kind": "question",
                                   "title": "Where is the setup guide?", "body": LINKED})
    assert resp.status_code == 303
    url = resp.headers["Location"]
    page = author.get(url)
    assert page.status_code == 200
    html = text(page)
    assert MARK in html and "only its author and the moderators can see it" in html
    assert "Answers and replies open once a moderator approves this thread." in html
    assert 'name="body"' not in html  # no answer form on a thread nobody else can see

    for reader in (browser(), browser(make_user())):
        assert reader.get(url).status_code == 404
    assert author.get(url).status_code == 200  # and again, from the cache

    thread_id = int(re.search(r"/threads/(\d+)", url).group(1))
    _approve(db, "thread", thread_id, make_user(role="moderator"))
    html = text(browser().get(url))
    assert "Where is the setup guide?" in html and MARK not in html
