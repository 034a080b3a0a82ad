"""Drafts and the forms: restored into the page by the server, gone with the post that
used them (same transaction), kept when the post fails."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from community import permissions as perm
from community.models import Draft, Post, Thread
from community.services import drafts, threads
from community.web import page_cache
from tests.web.webtools import submit, text


def _drafts(db) -> list[tuple]:
    db.session.rollback()
    return list(db.session.execute(select(Draft.user_id, Draft.key, Draft.body)
                                   .order_by(Draft.id)))


def _save(db, user, key, body, title=None):
    drafts.save(db.session, user, key, body=body, title=title)
    db.session.commit()


def _answer_box(html: str) -> str:
    match = re.search(r'<textarea id="answer-body"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, "no answer box on the page"
    return match.group(1)


@pytest.fixture(autouse=True)
def _cache_on(app):
    app.config["PAGE_CACHE_ENTRIES"] = 512  # the thread page's cache is part of the story


def test_posting_an_answer_deletes_its_draft_in_the_same_transaction(db, make_user,
                                                                      make_thread):
    author, thread = make_user(), make_thread()
    _save(db, author, f"thread:{thread.id}", "The answer, drafted")
    threads.create_post(db.session, thread, by=author, body="The answer, drafted")
    db.session.rollback()  # the post did not happen: nor did the draft's removal
    assert _drafts(db) == [(author.id, f"thread:{thread.id}", "The answer, drafted")]
    threads.create_post(db.session, thread, by=author, body="The answer, drafted")
    db.session.commit()
    assert _drafts(db) == []
    assert db.session.scalar(select(Post.body).where(Post.thread_id == thread.id)) == (
        "The answer, drafted")


def test_the_answer_form_posts_and_the_draft_is_gone(db, signed_in, make_user, make_thread):
    member, thread = make_user(), make_thread()
    other = make_user()
    _save(db, member, f"thread:{thread.id}", "Try the descaler, then rinse twice.")
    _save(db, other, f"thread:{thread.id}", "Someone else's half answer")
    browser = signed_in(member)
    assert _answer_box(text(browser.get(f"/threads/{thread.id}"))) == (
        "Try the descaler, then rinse twice.")
    resp = submit(browser, f"/threads/{thread.id}/answer",
                  {"body": "Try the descaler, then rinse twice."})
    assert resp.status_code == 303
    assert _drafts(db) == [(other.id, f"thread:{thread.id}", "Someone else's half answer")]
    assert _answer_box(text(browser.get(f"/threads/{thread.id}"))) == ""


def test_a_failed_answer_keeps_the_draft(db, signed_in, make_user, make_thread, member_client):
    member, thread = make_user(), make_thread()
    _save(db, member, f"thread:{thread.id}", "x")
    browser = signed_in(member)
    resp = submit(browser, f"/threads/{thread.id}/answer", {"body": "x"})
    assert resp.status_code == 422
    assert _answer_box(text(resp)) == "x"
    assert _drafts(db) == [(member.id, f"thread:{thread.id}", "x")]
    # The API's post goes through the same service.
    _save(db, member_client.user, f"thread:{thread.id}", "y")
    assert member_client.post(f"/api/v1/threads/{thread.id}/posts",
                              json={"body": "y"}).status_code == 422
    assert (member_client.user.id, f"thread:{thread.id}", "y") in _drafts(db)
    member_client.post(f"/api/v1/threads/{thread.id}/posts", json={"body": "y, at length"})
    assert (member_client.user.id, f"thread:{thread.id}", "y") not in _drafts(db)


def test_the_thread_page_shows_each_reader_their_own_draft_only(db, signed_in, make_user,
                                                               make_thread):
    thread = make_thread()
    ada, bob = make_user(), make_user()
    _save(db, ada, f"thread:{thread.id}", "Ada's </textarea><script>alert(1)</script> draft")
    ada_page = text(signed_in(ada).get(f"/threads/{thread.id}"))
    # Same audience as Ada (members who wrote nothing here): served the same cached content.
    bob_page = text(signed_in(bob).get(f"/threads/{thread.id}"))
    assert _answer_box(ada_page) == (
        "Ada&#39;s &lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt; draft")
    assert "<script>alert(1)" not in ada_page
    assert _answer_box(bob_page) == ""
    assert "Ada&#39;s" not in bob_page
    for page in (ada_page, bob_page):
        assert str(page_cache.ANSWER_PLACEHOLDER) not in page
        assert f'data-draft="thread:{thread.id}"' in page


def test_the_ask_form_opens_on_the_draft_and_posting_deletes_it(db, signed_in, make_user,
                                                                make_space):
    member = make_user()
    make_space(slug="first-space")
    second = make_space(slug="second-space")
    _save(db, member, f"new:{second.id}", "It has started to squeak loudly every morning.",
          title="Why does my grinder squeak?")
    browser = signed_in(member)
    page = text(browser.get("/ask"))
    assert 'value="Why does my grinder squeak?"' in page
    assert "It has started to squeak loudly every morning.</textarea>" in page
    assert '<option value="second-space" selected>' in page
    assert f"second-space={second.id} " in page  # the script's key for that space
    # Asked for the other space: its (empty) form.
    assert "squeak" not in text(browser.get("/ask?space=first-space"))
    form = {"space": "second-space", "kind": "question", "title": "Why does my grinder squeak?",
            "body": "short", "tags": ""}
    failed = submit(browser, "/ask", form)
    assert failed.status_code == 422
    assert [d[1] for d in _drafts(db)] == [f"new:{second.id}"]  # a failed post keeps it
    ok = submit(browser, "/ask", {**form, "body": "It has started to squeak loudly every morning."})
    assert ok.status_code == 303
    assert _drafts(db) == []
    assert db.session.scalar(select(Thread.space_id).where(
        Thread.title == "Why does my grinder squeak?")) == second.id
    assert "squeak" not in text(browser.get("/ask?space=second-space"))


def test_a_post_held_for_approval_still_uses_up_its_draft(app, db, make_user, make_thread):
    # Whatever the screening decides, the text has been posted: the draft is done.
    author, thread = make_user(), make_thread()
    body = "It is documented at https://docs.example/setup, see the second section."
    _save(db, author, f"thread:{thread.id}", body)
    with app.test_request_context():  # a new member's links are screened on a request
        post = threads.create_post(db.session, thread, by=author, body=body)
        db.session.commit()
    assert perm.is_held(post)
    assert _drafts(db) == []


def test_promoting_an_article_leaves_the_moderators_own_question_draft(db, make_user,
                                                                         make_thread, make_post,
                                                                         make_space):
    from community.moderation import knowledge
    from community.services import votes

    moderator, kb = make_user(role="moderator"), make_space(slug="kb")
    thread = make_thread()
    answer = make_post(thread=thread)
    votes.accept_answer(db.session, thread, answer, by=thread.author)
    _save(db, moderator, f"new:{kb.id}", "My own question, half written", title="Half")
    article = knowledge.promote(db.session, thread, by=moderator, space=kb)
    db.session.commit()
    assert article.space_id == kb.id
    assert _drafts(db) == [(moderator.id, f"new:{kb.id}", "My own question, half written")]
