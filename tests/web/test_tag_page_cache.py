"""The tag page's cache (community/tags/page.py): every change shows at once, nothing
of one reader reaches another, readers with the same rights share a rendering."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from test_web_query_count import counting
from webtools import (
    assert_each_page_is_its_readers,
    fresh,
    page,
    parallel_readers,
    read_at_once,
    text,
)

from community.extensions import db as _db
from community.models import Tag, utcnow
from community.moderation import threads as moderation
from community.notifications import follows
from community.services import threads, votes
from community.tags import catalogue, curation
from community.web import page_cache

URLS = {"recent": "/tags/alpha", "votes, page 1": "/tags/alpha?sort=votes&page=1",
        "unanswered": "/tags/alpha?sort=unanswered"}


@pytest.fixture(autouse=True)
def _cache_on(app):
    app.config["PAGE_CACHE_ENTRIES"] = 512


@pytest.fixture
def scene(db, make_space, make_thread, make_post, make_user):
    space = make_space(slug="tagged", name="Tagged space")
    staff = make_space(slug="back-office", name="Back office", visibility="staff")
    asker, employee = make_user(), make_user(role="employee")
    old = make_thread(space=space, author=asker, title="An older question on grinding",
                      tags=["alpha"])
    new = make_thread(space=space, author=asker, title="A newer question on brewing",
                      tags=["alpha", "beta"])
    make_post(thread=old)
    return {"space": space, "staff": staff, "asker": asker, "old": old, "new": new,
            "voter": make_user(), "moderator": make_user(role="moderator"),
            "employee": employee}


def _merge(db, s):
    other = threads.create_thread(db.session, s["space"], by=s["voter"], kind="question",
                                  title="A question tagged gamma only", body="A body long enough for a question about gamma.",
                                  tags=["gamma"])
    db.session.flush()
    curation.merge(db.session, catalogue.find(db.session, "gamma"),
                   catalogue.find(db.session, "alpha"), by=s["moderator"])
    assert other.id


CHANGES = {
    "a new thread with the tag": lambda db, s: threads.create_thread(
        db.session, s["space"], by=s["voter"], kind="question",
        title="A brand new question about filters", body="Which filter works best?",
        tags=["alpha"]),
    "a new staff thread with the tag": lambda db, s: threads.create_thread(
        db.session, s["staff"], by=s["employee"], kind="question",
        title="An internal question on pricing", body="Only staff read this question, about pricing.", tags=["alpha"]),
    "a deleted thread": lambda db, s: setattr(s["new"], "deleted_at", utcnow()),
    "a thread moved to a staff space": lambda db, s: moderation.moderate(
        db.session, s["new"], by=s["moderator"], action="move", target="back-office"),
    "a retitled thread": lambda db, s: threads.edit_thread(
        db.session, s["old"], by=s["asker"], title="A retitled question on grinding"),
    "a retagged thread": lambda db, s: threads.edit_thread(
        db.session, s["old"], by=s["asker"], tags=["beta"]),
    "a tag merged into it": _merge,
    "a described tag": lambda db, s: curation.describe(
        db.session, catalogue.find(db.session, "alpha"), "All about alpha.", by=s["moderator"]),
    "a vote": lambda db, s: votes.cast_vote(db.session, s["new"], by=s["voter"], value=1),
    "an answer": lambda db, s: threads.create_post(
        db.session, s["new"], by=s["voter"], body="An answer that changes the order."),
    "an author's new name": lambda db, s: setattr(s["asker"], "display_name", "Renamed Person"),
    "a reader following the tag": lambda db, s: follows.follow_tag(
        db.session, catalogue.find(db.session, "alpha"), by=s["voter"]),
}


@pytest.mark.parametrize("where", URLS)
@pytest.mark.parametrize("change", CHANGES)
def test_every_change_shows_at_once(app, db, scene, browser, change, where):
    url = URLS[where]
    readers = [browser(), browser(scene["voter"]), browser(scene["moderator"]),
               browser(scene["employee"])]
    before = [page(c, url) for c in readers]
    CHANGES[change](db, scene)
    db.session.commit()
    after = [page(c, url) for c in readers]
    assert any(a != b for a, b in zip(after, before, strict=True)) or where != "recent", \
        "the change shows"
    for reader, cached in zip(readers, after, strict=True):
        assert cached == fresh(app, reader, url)


def test_a_renamed_tag_moves_its_page(app, db, scene, browser):
    guest = browser()
    assert "An older question on grinding" in page(guest, "/tags/alpha")
    tag = catalogue.find(db.session, "alpha")
    tag.name = "alpha-renamed"
    db.session.commit()
    assert guest.get("/tags/alpha").status_code == 404
    assert "An older question on grinding" in page(guest, "/tags/alpha-renamed")
    assert page(guest, "/tags/alpha-renamed") == fresh(app, guest, "/tags/alpha-renamed")


def test_a_guest_never_gets_the_staff_rendering(db, scene, browser, make_thread):
    make_thread(space=scene["staff"], author=scene["employee"],
                title="An internal question on pricing", tags=["alpha"])
    employee = browser(scene["employee"])
    assert "An internal question on pricing" in page(employee, "/tags/alpha")
    assert "3 threads" in page(employee, "/tags/alpha")
    guest = page(browser(), "/tags/alpha")
    assert "An internal question on pricing" not in guest and "2 threads" in guest
    # A tag only on staff threads does not exist for a guest, cached or not.
    make_thread(space=scene["staff"], author=scene["employee"], tags=["roadmap"])
    assert "roadmap" in page(employee, "/tags/roadmap")
    assert browser().get("/tags/roadmap").status_code == 404
    scene["new"].deleted_at = utcnow()
    db.session.commit()
    moderator = page(browser(scene["moderator"]), "/tags/alpha")
    assert "A newer question on brewing" in moderator  # moderators list deleted threads
    assert "A newer question on brewing" not in page(browser(), "/tags/alpha")


def test_readers_with_the_same_rights_share_one_rendering(db, scene, browser, make_user, renders):
    browser(make_user()).get("/tags/alpha")
    assert renders.count("tags/_show.html") == 1
    browser(make_user()).get("/tags/alpha")
    assert renders.count("tags/_show.html") == 1  # the second member's came from the cache
    browser().get("/tags/alpha")
    assert renders.count("tags/_show.html") == 2  # a guest's is their own (no follow button)
    browser().get("/tags/alpha")
    assert renders.count("tags/_show.html") == 2


def form_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_the_follow_button_and_token_are_the_readers_own(db, scene, browser, make_user):
    first, second = browser(make_user()), browser(make_user())
    html = text(first.get("/tags/alpha"))
    assert 'aria-pressed="false"' in html and page_cache.CSRF_PLACEHOLDER not in html
    resp = first.post("/tags/alpha/follow", data={"follow": "1", "csrf_token": form_token(html)})
    assert resp.status_code == 303
    assert 'aria-pressed="true"' in text(first.get("/tags/alpha"))
    other = text(second.get("/tags/alpha"))
    assert 'aria-pressed="false"' in other
    assert form_token(other) != form_token(text(first.get("/tags/alpha")))


def test_a_merged_tag_redirects_and_a_curator_sees_the_forms(db, scene, browser):
    moderator = browser(scene["moderator"])
    assert 'action="/tags/alpha/merge"' in page(moderator, "/tags/alpha")
    assert 'action="/tags/alpha/merge"' not in page(browser(scene["voter"]), "/tags/alpha")
    curation.merge(db.session, catalogue.find(db.session, "beta"),
                   catalogue.find(db.session, "alpha"), by=scene["moderator"])
    db.session.commit()
    resp = browser().get("/tags/beta")
    assert resp.status_code == 301 and resp.headers["Location"].endswith("/tags/alpha")


def test_the_tag_rows_order_is_the_lists_order(app, db, make_space, make_thread, make_user,
                                               browser):
    """From the tag's own rows (their copy of each thread's activity) for a tag on many
    threads and a rare one: the same ids in the same order as the thread list's own
    query, page after page, after replies have reordered the threads."""
    space = make_space()
    made = [make_thread(space=space, title=f"Question number {n} on the topic",
                        tags=["common"] + (["rare"] if n % 7 == 0 else []))
            for n in range(30)]
    helper = make_user()
    for n in (0, 14, 3):
        threads.create_post(db.session, made[n], by=helper, body="A reply that bumps it up.")
    db.session.commit()
    app.config["PER_PAGE"] = 4
    guest = browser()
    for url in ("/tags/common", "/tags/common?page=3", "/tags/rare", "/tags/rare?page=2"):
        cached = page(guest, url)
        app.config["PAGE_CACHE_ENTRIES"] = 0  # the views' own queries.list_threads order
        from community import queries
        tag = url.split("/")[2].split("?")[0]
        number = int(url.split("page=")[1]) if "page=" in url else 1
        listed = queries.list_threads(db.session, None, tag=tag, page=number, per_page=4)
        titles = re.findall(r"Question number \d+ on the topic", cached)
        assert titles == [t.title for t in listed.items]
        app.config["PAGE_CACHE_ENTRIES"] = 512


def test_several_readers_at_once(app, db, scene, make_user, login):
    users = [make_user() for _ in range(4)]
    clients = parallel_readers(app, db, login, users)
    results = read_at_once(clients, URLS.values(), rounds=5)
    assert_each_page_is_its_readers(results, len(users))


@pytest.mark.parametrize("who", ["guest", "member"])
def test_a_cached_tag_page_runs_a_few_queries_whatever_the_tag_holds(
        db, scene, browser, make_thread, who):
    reader = browser() if who == "guest" else browser(scene["voter"])

    def queries(shown: int) -> int:
        reader.get("/tags/alpha")
        with counting(_db.engine) as statements:
            assert f"{shown} threads" in text(reader.get("/tags/alpha"))
        return len(statements)

    small = queries(2)
    for n in range(25):
        make_thread(space=scene["space"], title=f"Filler question {n} on alpha", tags=["alpha"])
    assert queries(27) == small <= 8
    assert db.session.scalar(select(Tag.id).where(Tag.name == "alpha"))
