"""The home and space pages' cache: every change shows at once, nothing of one reader
reaches another, readers with the same rights share a rendering
(community/web/list_cache.py; the thread page's contract, tests/web/test_page_cache.py)."""

from __future__ import annotations

import re

import pytest
from webtools import (
    TOKENS,
    assert_each_page_is_its_readers,
    fresh,
    page,
    parallel_readers,
    read_at_once,
    text,
)

from community.models import utcnow
from community.moderation import threads as moderation
from community.notifications import follows
from community.services import threads, votes
from community.web import page_cache

PAGES = {"home": "/", "space": "/spaces/cached", "space, sorted": "/spaces/cached?sort=votes&page=1"}


@pytest.fixture(autouse=True)
def _cache_on(app):
    app.config["PAGE_CACHE_ENTRIES"] = 512


@pytest.fixture
def scene(db, make_space, make_thread, make_post, make_user):
    space = make_space(slug="cached", name="Cached space")
    asker, answerer = make_user(), make_user(reputation=10)
    old = make_thread(space=space, author=asker, title="An older question on grinding",
                      tags=["alpha"])
    new = make_thread(space=space, author=asker, title="A newer question on brewing")
    post = make_post(thread=old, author=answerer)
    return {"space": space, "asker": asker, "answerer": answerer, "old": old, "new": new,
            "post": post, "voter": make_user(), "moderator": make_user(role="moderator"),
            "employee": make_user(role="employee")}


def _new_thread(db, s):
    threads.create_thread(db.session, s["space"], by=s["voter"], kind="question",
                          title="A brand new question about filters", body="Which filter works best?")


CHANGES = {
    "a new thread": _new_thread,
    "a new answer (activity order)": lambda db, s: threads.create_post(
        db.session, s["old"], by=s["voter"], body="Another way to do it, tested."),
    "a vote on a thread": lambda db, s: votes.cast_vote(db.session, s["old"], by=s["voter"],
                                                         value=1),
    "a deleted thread": lambda db, s: setattr(s["new"], "deleted_at", utcnow()),
    "a retitled thread with new tags": lambda db, s: threads.edit_thread(
        db.session, s["old"], by=s["asker"], title="A retitled question on grinding",
        tags=["beta"]),
    "a pinned thread": lambda db, s: moderation.moderate(db.session, s["old"],
                                                         by=s["moderator"], action="pin"),
    "a closed thread": lambda db, s: moderation.moderate(db.session, s["new"],
                                                         by=s["moderator"], action="close"),
    "a space made private": lambda db, s: setattr(s["space"], "visibility", "staff"),
    "a renamed space": lambda db, s: setattr(s["space"], "name", "Renamed space"),
    "an author's new name": lambda db, s: setattr(s["asker"], "display_name", "Renamed Person"),
    "an author's new level": lambda db, s: setattr(s["asker"], "reputation", 3000),
    "a reader following the space": lambda db, s: follows.follow_space(
        db.session, s["space"], by=s["voter"]),
}

# The home page has no follow button.
NOT_SHOWN = {("home", "a reader following the space")}


@pytest.mark.parametrize("where", PAGES)
@pytest.mark.parametrize("change", CHANGES)
def test_every_change_shows_at_once(app, db, scene, browser, change, where):
    url = PAGES[where]
    readers = [browser(), browser(scene["voter"]), browser(scene["moderator"]),
               browser(scene["employee"])]
    before = [page(c, url) if c.get(url).status_code == 200 else None for c in readers]
    CHANGES[change](db, scene)
    db.session.commit()
    after = []
    for reader in readers:
        resp = reader.get(url)
        after.append(TOKENS.sub(r"\1TOKEN", text(resp)) if resp.status_code == 200 else None)
    if (where, change) not in NOT_SHOWN:
        assert any(a != b for a, b in zip(after, before, strict=True)), "the change shows"
    for reader, cached in zip(readers, after, strict=True):
        if cached is not None:
            assert cached == fresh(app, reader, url)


def test_a_private_space_leaves_the_guests_pages_at_once(db, scene, browser):
    guest = browser()
    assert "An older question on grinding" in page(guest, "/")
    assert guest.get("/spaces/cached").status_code == 200
    scene["space"].visibility = "staff"
    db.session.commit()
    assert "An older question on grinding" not in page(guest, "/")
    assert "Cached space" not in page(guest, "/")
    assert guest.get("/spaces/cached").status_code == 404
    assert "An older question on grinding" in page(browser(scene["employee"]), "/")


@pytest.mark.parametrize("url", PAGES.values())
def test_members_with_the_same_rights_share_one_rendering(db, scene, browser, make_user,
                                                          renders, url):
    column = "_home.html" if url == "/" else "spaces/_show.html"
    browser(make_user()).get(url)
    assert renders.count(column) == 1
    browser(make_user()).get(url)
    assert renders.count(column) == 1  # the second member's came from the cache
    browser().get(url)
    assert renders.count(column) == 2  # a guest's is their own (no follow button)


@pytest.mark.parametrize("url", PAGES.values())
def test_each_readers_token_bell_and_name_are_their_own(db, scene, browser, make_user, url):
    first_user, second_user = make_user(), make_user()
    first_user.display_name, second_user.display_name = "First Reader", "Second Reader"
    db.session.commit()
    first, second = browser(first_user), browser(second_user)
    threads.create_post(db.session, scene["new"], by=scene["voter"], body="An answer for the asker.")
    db.session.commit()
    asker = browser(scene["asker"])

    def bell(html: str) -> int:
        return int(re.search(r"data-bell-count(?: hidden)?>(\d+)<", html).group(1))

    pages = {c: text(c.get(url)) for c in (first, second, asker)}
    tokens = {c: re.findall(r'name="csrf_token" value="([^"]+)"', html) for c, html in pages.items()}
    assert "First Reader" in pages[first] and "First Reader" not in pages[second]
    assert bell(pages[asker]) >= 1 and bell(pages[first]) == 0
    for html in pages.values():
        assert page_cache.CSRF_PLACEHOLDER not in html
        assert not re.search(r"(csrf|path|title|head|content)[0-9a-f]{32}", html)
    assert not set(tokens[first]) & set(tokens[second])
    # The token on the cached page is the reader's own: the sign-out form works with it.
    resp = second.post("/logout", data={"csrf_token": tokens[second][0]})
    assert resp.status_code in (302, 303)
    assert "Second Reader" not in text(second.get(url))
    # A new notification shows on the asker's bell at once, on the cached page.
    before = bell(text(asker.get(url)))
    threads.create_post(db.session, scene["new"], by=make_user(), body="One more answer here.")
    db.session.commit()
    assert bell(text(asker.get(url))) == before + 1


@pytest.mark.parametrize("url", PAGES.values())
def test_each_language_has_its_own_page(scene, browser, url):
    reader = browser()
    assert 'lang="en"' in text(reader.get(url))
    french = text(reader.get(url, headers={"Accept-Language": "fr"}))
    assert 'lang="fr"' in french
    assert 'lang="en"' in text(reader.get(url))


def test_filtered_lists_are_rendered_and_keep_their_path(db, scene, browser):
    guest = browser()
    for _ in range(2):
        html = text(guest.get("/spaces/cached?sort=votes&tag=alpha"))
        assert "An older question on grinding" in html
        assert "A newer question on brewing" not in html
        assert "/login?next=/spaces/cached?sort%3Dvotes%26tag%3Dalpha" in html


def test_an_odd_query_goes_back_into_the_cached_page_escaped(app, db, scene, browser):
    url = "/spaces/cached?sort=votes&tag=%22%3E%3Cb%3Ebold%3C/b%3E&x=%27"
    guest = browser()
    cached = [page(guest, url) for _ in range(2)][1]
    assert "<b>bold" not in cached
    assert cached == fresh(app, guest, url)
    # Where the language form sends the reader back: the path and query as sent.
    sent_back = re.search(r'name="next" value="([^"]*)"', cached).group(1)
    assert sent_back == "/spaces/cached?sort=votes&amp;tag=%22%3E%3Cb%3Ebold%3C/b%3E&amp;x=%27"


def test_a_user_title_is_escaped_in_the_cached_lists(db, scene, browser):
    threads.edit_thread(db.session, scene["old"], by=scene["asker"],
                        title='<script>alert(1)</script> "quoted" & more')
    db.session.commit()
    reader = browser()
    for url in ("/", "/spaces/cached", "/", "/spaces/cached"):
        html = text(reader.get(url))
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_several_readers_at_once_on_a_cached_page(app, db, scene, make_user, login):
    users = [make_user() for _ in range(4)]
    clients = parallel_readers(app, db, login, users)
    results = read_at_once(clients, PAGES.values(), rounds=5)
    assert_each_page_is_its_readers(results, len(users))
    for pages in results.values():
        assert len(pages) == 5 * len(PAGES)
        for html in pages:
            assert "An older question on grinding" in html


def test_the_statements_depend_on_the_reader_only_through_what_names_their_kind(
        app, db, make_user):
    """list_cache builds the list statements once per (visibilities, sees deleted): two
    readers alike in those must get the very same filters, whatever else differs."""
    from flask_login import AnonymousUserMixin

    from community import permissions as perm

    readers = [AnonymousUserMixin(), None]
    for role in ("member", "employee", "moderator", "admin"):
        readers += [make_user(role=role), make_user(role=role, reputation=5000)]
    readers[2].is_ambassador = True
    seen: dict = {}
    for reader in readers:
        kind = (perm.readable_visibilities(reader),
                bool(reader is not None and reader.is_authenticated and reader.is_moderator))
        compiled = [(str(c), c.params) for c in (perm.thread_filter(reader).compile(),
                                                  perm.space_filter(reader).compile())]
        assert seen.setdefault(kind, compiled) == compiled, kind
    assert len(seen) >= 3  # guests, members, staff (and moderators see deleted threads)
