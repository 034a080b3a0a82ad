"""The thread page's cache: never stale, never shown to the wrong reader, shared
by readers with the same rights (community/web/page_cache.py)."""

from __future__ import annotations

import re

import pytest
from webtools import fresh, page, submit, text

from community.escalation import service as escalation
from community.models import Comment
from community.moderation import sanctions
from community.moderation import threads as moderation
from community.notifications import follows
from community.rendering import render_markdown
from community.services import threads, votes
from community.web import page_cache


@pytest.fixture(autouse=True)
def _cache_on(app):
    app.config["PAGE_CACHE_ENTRIES"] = 512  # whatever the environment says


@pytest.fixture
def scene(db, make_space, make_thread, make_post, make_user):
    space = make_space()
    asker = make_user()
    answerer = make_user(reputation=10)
    voter = make_user(reputation=500)
    thread = make_thread(space=space, author=asker, tags=["alpha"])
    post = make_post(thread=thread, author=answerer)
    make_post(thread=thread)
    return {"space": space, "asker": asker, "answerer": answerer, "voter": voter,
            "thread": thread, "post": post, "url": f"/threads/{thread.id}",
            "moderator": make_user(role="moderator"), "employee": make_user(role="employee")}


def _comment(db, scene):
    db.session.add(Comment(thread_id=scene["thread"].id, post_id=scene["post"].id,
                           author_id=scene["voter"].id, body="A comment on it",
                           body_html=render_markdown("A comment on it")))


CHANGES = {
    "a vote on an answer": lambda db, s: votes.cast_vote(db.session, s["post"], by=s["voter"], value=1),
    "a vote on the question": lambda db, s: votes.cast_vote(db.session, s["thread"], by=s["voter"],
                                                            value=1),
    "a new answer": lambda db, s: threads.create_post(db.session, s["thread"], by=s["voter"],
                                                      body="Another way to do it, tested."),
    "an edited answer": lambda db, s: threads.edit_post(db.session, s["post"], by=s["answerer"],
                                                        body="The answer, now corrected."),
    "an edited title and tags": lambda db, s: threads.edit_thread(
        db.session, s["thread"], by=s["asker"], title="A new title for the same question",
        tags=["beta"]),
    "an accepted answer": lambda db, s: votes.accept_answer(db.session, s["thread"], s["post"],
                                                            by=s["asker"]),
    "a deleted answer": lambda db, s: threads.delete_post(db.session, s["post"], by=s["answerer"]),
    "a comment": _comment,
    "a locked thread": lambda db, s: moderation.moderate(db.session, s["thread"],
                                                         by=s["moderator"], action="lock"),
    "an official answer": lambda db, s: setattr(s["post"], "is_official", True),
    "an author's new level": lambda db, s: setattr(s["answerer"], "reputation", 3000),
    "an author's new name": lambda db, s: setattr(s["answerer"], "display_name", "Renamed Person"),
    "an author turned ambassador": lambda db, s: setattr(s["answerer"], "is_ambassador", True),
    "a case": lambda db, s: escalation.escalate(db.session, s["thread"], by=s["employee"]),
    "a reader following the thread": lambda db, s: follows.follow_thread(
        db.session, s["thread"], by=s["voter"]),
    "a reader reaching the edit privilege": lambda db, s: setattr(s["voter"], "reputation", 1000),
    "a reader silenced": lambda db, s: sanctions.sanction(
        db.session, s["voter"], by=s["moderator"], action="silence", reason="Cooling off.",
        days=1),
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_change_shows_at_once_to_guests_and_members(app, db, scene, browser, change):
    readers = [browser(), browser(scene["voter"]), browser(scene["moderator"])]
    before = [page(c, scene["url"]) for c in readers]  # cached now
    CHANGES[change](db, scene)
    db.session.commit()
    after = [page(c, scene["url"]) for c in readers]
    assert any(a != b for a, b in zip(after, before, strict=True)), "the change is visible somewhere"
    for reader, cached in zip(readers, after, strict=True):
        assert cached == fresh(app, reader, scene["url"])


def test_members_with_the_same_rights_share_one_rendering(db, scene, browser, make_user, renders):
    first, second = browser(make_user()), browser(make_user())
    first.get(scene["url"])
    assert renders.count("threads/_thread.html") == 1
    html = text(second.get(scene["url"]))
    assert renders.count("threads/_thread.html") == 1  # the second member's came from the cache
    assert f'href="/posts/{scene["post"].id}/edit"' not in html

    own = text(browser(scene["answerer"]).get(scene["url"]))
    assert renders.count("threads/_thread.html") == 2  # an author gets their own buttons
    assert f'href="/posts/{scene["post"].id}/edit"' in own


def test_a_readers_own_vote_is_theirs_alone(db, scene, browser, make_user):
    voter = browser(scene["voter"])
    other = browser(make_user())
    other.get(scene["url"])
    resp = submit(voter, f"/posts/{scene['post'].id}/vote", {"value": "1"})
    assert resp.status_code == 303
    pressed = 'class="vote-button vote-up is-active"'
    assert text(voter.get(scene["url"])).count(pressed) == 1
    assert pressed not in text(other.get(scene["url"]))


def test_a_cached_page_never_reaches_a_reader_who_may_not_see_it(db, scene, browser, make_user,
                                                                 make_space, make_thread):
    threads.delete_post(db.session, scene["post"], by=scene["moderator"])
    db.session.commit()
    assert "only moderators see it" in text(browser(scene["moderator"]).get(scene["url"]))
    member_page = text(browser(make_user()).get(scene["url"]))
    assert "only moderators see it" not in member_page
    assert f'id="post-{scene["post"].id}"' not in member_page

    internal = make_thread(space=make_space(visibility="staff"), author=scene["employee"])
    url = f"/threads/{internal.id}"
    assert browser(scene["employee"]).get(url).status_code == 200  # cached for staff
    assert browser(make_user()).get(url).status_code == 404
    assert browser().get(url).status_code == 404

    # Moved out of sight after a reader's page was cached: a 404 at once.
    reader = browser(make_user())
    assert reader.get(scene["url"]).status_code == 200
    scene["thread"].space_id = internal.space_id
    db.session.commit()
    assert reader.get(scene["url"]).status_code == 404


def test_the_csrf_token_on_a_cached_page_is_the_readers_own(db, scene, browser, make_user):
    browser(make_user()).get(scene["url"])  # someone else fills the cache
    reader = browser(make_user())
    html = text(reader.get(scene["url"]))
    assert page_cache.CSRF_PLACEHOLDER not in html
    assert not re.search(r"(csrf|path|title|head|content)[0-9a-f]{32}", html)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    resp = reader.post(f"/threads/{scene['thread'].id}/vote", data={"value": "1", "csrf_token": token})
    assert resp.status_code == 303
    assert text(reader.get(scene["url"])).count("vote-up is-active") == 1

    for _ in range(2):  # a guest's page, rendered then cached: the sign-in link comes back here
        guest_page = text(browser().get(scene["url"]))
        assert not re.search(r"(csrf|path|title|head|content)[0-9a-f]{32}", guest_page)
        assert f'href="/login?next=/threads/{scene["thread"].id}/' in guest_page


def test_a_flashed_message_shows_once_on_a_cached_page(scene, browser):
    reader = browser(scene["voter"])
    reader.get(scene["url"])
    with reader.session_transaction() as session:
        session["_flashes"] = [("info", "Your settings are saved.")]
    assert "Your settings are saved." in text(reader.get(scene["url"]))
    assert "Your settings are saved." not in text(reader.get(scene["url"]))


def test_each_language_has_its_own_page(scene, browser):
    reader = browser()
    assert "Sign in to answer." in text(reader.get(scene["url"]))
    french = text(reader.get(scene["url"], headers={"Accept-Language": "fr"}))
    assert "Sign in to answer." not in french
    assert 'lang="fr"' in french


def test_a_user_title_is_escaped_in_the_cached_page(db, scene, browser):
    threads.edit_thread(db.session, scene["thread"], by=scene["asker"],
                        title='<script>alert(1)</script> "quoted" & more')
    db.session.commit()
    reader = browser()
    for _ in range(2):  # the render, then the cached copy
        html = text(reader.get(scene["url"]))
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &#34;quoted&#34; &amp; more · Continuum" in html


def test_the_bell_on_a_cached_page_counts_what_just_arrived(db, scene, browser, make_user):
    def bell(html: str) -> int:
        return int(re.search(r"data-bell-count(?: hidden)?>(\d+)<", html).group(1))

    asker = browser(scene["asker"])
    before = bell(text(asker.get(scene["url"])))
    threads.create_post(db.session, scene["thread"], by=make_user(), body="One more answer here.")
    db.session.commit()
    assert bell(text(asker.get(scene["url"]))) == before + 1
