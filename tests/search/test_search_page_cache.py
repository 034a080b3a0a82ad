"""The search page's cache (community/search/page.py): the backend's answer kept under
the index's version, the rows read fresh through the reader's rights; every change
shows at once, nothing of one reader's search reaches another."""

from __future__ import annotations

import re

import pytest
from searchbackends import over_backends
from sqlalchemy import event, func, select

from community.extensions import db as _db
from community.models import SearchMiss, utcnow
from community.moderation import threads as moderation
from community.services import threads, votes
from tests.web.test_web_query_count import counting
from tests.web.webtools import (
    assert_each_page_is_its_readers,
    fresh,
    page,
    parallel_readers,
    read_at_once,
)

pytestmark = over_backends

URLS = {"words": "/search?q=grinder", "filtered": "/search?q=grinder&kind=question&sort=votes",
        "tag": "/search?q=grinder&tag=burr"}


@pytest.fixture(autouse=True)
def _cache_on(app, fresh_context_per_request):
    app.config["PAGE_CACHE_ENTRIES"] = 512


@pytest.fixture
def scene(db, make_space, make_thread, make_post, make_user, drain):
    space = make_space(slug="gear", name="Gear space")
    staff = make_space(slug="back-office", name="Back office", visibility="staff")
    asker, employee = make_user(), make_user(role="employee")
    old = make_thread(space=space, author=asker, title="Which grinder for espresso at home",
                      body="My grinder clumps the coffee when I grind fine.", tags=["burr"])
    new = make_thread(space=space, author=asker, title="Cleaning a conical grinder",
                      body="How often should the grinder burrs be cleaned?", tags=["burr"])
    make_post(thread=old, body="A flat burr grinder keeps the grind even for espresso.")
    # Its body has none of the words: its snippet is cut from the answer.
    noisy = make_thread(space=space, author=asker, title="Grinder noise every morning",
                        body="It squeaks loudly whenever it runs in the morning.")
    answerer = make_user()
    answer = make_post(thread=noisy, author=answerer, body="The grinder motor needs a drop of oil.")
    drain()
    return {"space": space, "staff": staff, "asker": asker, "old": old, "new": new,
            "answer": answer, "answerer": answerer,
            "voter": make_user(), "moderator": make_user(role="moderator"),
            "employee": employee}


def _new_thread(db, s, space="space", by="voter"):
    threads.create_thread(db.session, s[space], by=s[by], kind="question",
                          title="A brand new grinder question", tags=["burr"],
                          body="Is a hand grinder enough for pour over coffee?")


CHANGES = {
    "a new matching thread, indexed": _new_thread,
    "a new staff thread, indexed": lambda db, s: _new_thread(db, s, "staff", "employee"),
    "a deleted thread": lambda db, s: setattr(s["new"], "deleted_at", utcnow()),
    "a thread moved to a staff space": lambda db, s: moderation.moderate(
        db.session, s["new"], by=s["moderator"], action="move", target="back-office"),
    "a retitled thread": lambda db, s: threads.edit_thread(
        db.session, s["old"], by=s["asker"], title="Which grinder for espresso, retitled"),
    "an edited body (the snippet)": lambda db, s: threads.edit_thread(
        db.session, s["new"], by=s["asker"],
        body="The grinder burrs want a brush every week, and rice never."),
    "a retagged thread, indexed": lambda db, s: threads.edit_thread(
        db.session, s["old"], by=s["asker"], tags=["flat"]),
    "an edited answer (its snippet)": lambda db, s: threads.edit_post(
        db.session, s["answer"], by=s["answerer"], body="The grinder motor wants new brushes."),
    "a deleted answer (its snippet)": lambda db, s: threads.delete_post(
        db.session, s["answer"], by=s["moderator"]),
    "a vote": lambda db, s: votes.cast_vote(db.session, s["new"], by=s["voter"], value=1),
    "an answer": lambda db, s: threads.create_post(
        db.session, s["new"], by=s["voter"], body="Clean the grinder burrs every month."),
    "a renamed space": lambda db, s: setattr(s["space"], "name", "Renamed gear"),
}


@pytest.mark.parametrize("where", URLS)
@pytest.mark.parametrize("change", CHANGES)
def test_every_change_shows_at_once(app, db, scene, browser, drain, change, where):
    url = URLS[where]
    readers = [browser(), browser(scene["voter"]), browser(scene["moderator"]),
               browser(scene["employee"])]
    before = [page(c, url) for c in readers]
    CHANGES[change](db, scene)
    db.session.commit()
    if "indexed" in change:
        drain()
    after = [page(c, url) for c in readers]
    # Results show no tags; the thread with the edited answer has no tag "burr".
    if not (change.startswith("a retagged") and where != "tag"
            or "answer (its snippet)" in change and where == "tag"):
        assert any(a != b for a, b in zip(after, before, strict=True)), "the change shows"
    for reader, cached in zip(readers, after, strict=True):
        assert cached == fresh(app, reader, url)


def test_a_guest_never_gets_a_staff_hit_or_its_snippet(app, db, scene, browser, make_thread,
                                                       drain):
    make_thread(space=scene["staff"], author=scene["employee"], title="Grinder supplier prices",
                body="Internal: the grinder supplier charges 41 euros a unit.")
    drain()
    employee = page(browser(scene["employee"]), "/search?q=grinder")
    assert "Grinder supplier prices" in employee and "41 euros" in employee
    guest = page(browser(), "/search?q=grinder")
    member = page(browser(scene["voter"]), "/search?q=grinder")
    for html in (guest, member):
        assert "Grinder supplier prices" not in html and "41 euros" not in html
        assert "Back office" not in html
    # The index still says "public" for a thread just moved: the rows say otherwise.
    moderation.moderate(db.session, scene["old"], by=scene["moderator"], action="move",
                        target="back-office")
    db.session.commit()
    assert "Which grinder for espresso" in page(browser(scene["employee"]), "/search?q=grinder")
    guest = page(browser(), "/search?q=grinder")
    assert "Which grinder for espresso" not in guest and "clumps" not in guest


def test_readers_with_the_same_rights_share_one_rendering(scene, browser, make_user, renders):
    url = "/search?q=grinder"
    browser(make_user()).get(url)
    assert renders.count("search/_results.html") == 1
    browser(make_user()).get(url)
    assert renders.count("search/_results.html") == 1
    browser().get(url)
    browser().get(url)
    assert renders.count("search/_results.html") == 2
    browser(scene["employee"]).get(url)
    assert renders.count("search/_results.html") == 3


def test_the_index_is_asked_once_until_it_changes(app, db, scene, browser, drain, monkeypatch):
    backend = type(app.extensions["search"])
    asked: list = []
    real = backend.search
    monkeypatch.setattr(backend, "search",
                        lambda self, req: asked.append(req.text) or real(self, req))
    reader = browser()
    before = app.extensions["search"].version()
    for _ in range(3):
        assert "Cleaning a conical grinder" in page(reader, "/search?q=grinder")
    assert asked == ["grinder"]
    _new_thread(db, scene)
    db.session.commit()
    drain()
    assert app.extensions["search"].version() != before  # each index write: a new version
    assert "A brand new grinder question" in page(reader, "/search?q=grinder")
    assert asked == ["grinder", "grinder"]


def test_a_search_that_finds_nothing_is_recorded_each_time(db, scene, browser):
    reader = browser()
    for _ in range(3):
        assert "Nothing matched your search" in page(reader, "/search?q=zyxwvut")
    assert db.session.scalar(select(func.count()).select_from(SearchMiss)) == 3


def test_a_cached_search_page_runs_a_few_queries_whatever_it_finds(
        db, scene, browser, make_thread, make_post, drain):
    reader = browser(scene["voter"])

    def queries() -> int:
        page(reader, "/search?q=grinder")
        with counting(_db.engine) as statements:
            page(reader, "/search?q=grinder")
        return len(statements)

    small = queries()
    for n in range(12):
        thread = make_thread(space=scene["space"], title=f"Grinder question number {n}",
                             body="Another grinder question with a long enough body.")
        make_post(thread=thread, body="An answer about the grinder.")
    drain()
    assert queries() == small <= 10


def test_several_readers_at_once(app, db, scene, make_user, login):
    users = [make_user() for _ in range(3)]
    clients = parallel_readers(app, db, login, users)
    results = read_at_once(clients, URLS.values(), rounds=4)
    assert_each_page_is_its_readers(results, len(users))
    for pages in results.values():
        for html in pages:
            assert "Cleaning a conical grinder" in html


def test_the_header_search_box_shows_each_searchs_own_words(scene, browser):
    """The page's header (its cached shell) repeats the words searched: each request's."""
    guest = browser()
    for words in ("grinder", "espresso", "grinder"):
        html = page(guest, f"/search?q={words}")
        box = re.search(r'id="site-search"[^>]*value="([^"]*)"', html)
        assert box.group(1) == words


def test_a_search_takes_one_connection_from_the_pool(app, db, scene, browser):
    """The search runs on the request's own connection: under load, requests that each
    held one and waited for a second emptied the pool (PostgreSQL at a million posts)."""
    reader = browser(scene["voter"])
    page(reader, "/search?q=grinder")
    checkouts: list = []

    def checkout(*_args):
        checkouts.append(1)

    event.listen(_db.engine, "checkout", checkout)
    try:
        for url in ("/search?q=espresso", "/search?q=grinder+noise&sort=votes",
                    "/api/v1/search?q=burrs"):
            checkouts.clear()
            assert reader.get(url).status_code == 200
            assert len(checkouts) == 1, url
    finally:
        event.remove(_db.engine, "checkout", checkout)
