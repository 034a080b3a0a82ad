"""The profile and leaderboard pages' cache: every change shows at once, nothing of one
reader reaches another, readers with the same rights share a rendering
(community/web/profile_page.py, community/gamification/page.py; the list pages'
contract, tests/web/test_list_cache.py)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from webtools import (
    assert_each_page_is_its_readers,
    fresh,
    page,
    parallel_readers,
    read_at_once,
    text,
)

from community.gamification import badges
from community.gamification.ledger import add_entry
from community.models import utcnow
from community.moderation import sanctions
from community.moderation import threads as moderation
from community.services import threads, votes
from community.web import page_cache
from tests.web.test_web_query_count import cheap_user, counting

PROFILE = "/users/pat"
BOARDS = {"all time": "/leaderboard?period=all", "this week": "/leaderboard",
          "a space's": "/leaderboard?period=all&space=open",
          "page 2": "/leaderboard?period=all&page=2"}
COLUMNS = {PROFILE: "users/_profile.html", **dict.fromkeys(BOARDS.values(),
                                                           "gamification/_leaderboard.html")}


@pytest.fixture(autouse=True)
def _cache_on(app):
    app.config["PAGE_CACHE_ENTRIES"] = 512
    app.config["PER_PAGE"] = 2  # the boards have a second page


@pytest.fixture
def scene(db, make_space, make_thread, make_post, make_user):
    open_space = make_space(slug="open", name="Open space")
    make_space(slug="inside", name="Inside space", visibility="staff")
    pat, asker = make_user(username="pat", reputation=10), make_user(username="asker")
    mine = make_thread(space=open_space, author=pat, title="Pat asks about grinding")
    theirs = make_thread(space=open_space, author=asker, title="Asker asks about brewing")
    answer = make_post(thread=theirs, author=pat, body="Pat answers: rinse the filter.")
    scene = {"open": open_space, "pat": pat, "asker": asker, "mine": mine, "theirs": theirs,
             "answer": answer, "voter": make_user(username="voter", reputation=200),
             "moderator": make_user(role="moderator"), "employee": make_user(role="employee")}
    for name, points in (("ana", 90), ("ben", 70), ("cal", 50)):
        scene[name] = make_user(username=name)
        add_entry(db.session, user_id=scene[name].id, points=points, reason="imported",
                  key=f"seed:{name}")
    db.session.commit()
    return scene


def _readers(browser, scene):
    return [browser(), browser(scene["voter"]), browser(scene["moderator"]),
            browser(scene["employee"]), browser(scene["pat"])]


def _show(reader, url):
    resp = reader.get(url)
    return page(reader, url) if resp.status_code == 200 else resp.status_code


def _lines(db, user, n):
    for i in range(n):
        add_entry(db.session, user_id=user.id, points=1, reason="imported", key=f"line:{i}")


PROFILE_CHANGES = {
    "a new answer by them": lambda db, s: threads.create_post(
        db.session, s["mine"], by=s["pat"], body="Pat answers his own question, tested."),
    "a new thread by them": lambda db, s: threads.create_thread(
        db.session, s["open"], by=s["pat"], kind="question",
        title="Pat asks about milk frothing", body="Which jug works best for milk?"),
    "their thread deleted": lambda db, s: setattr(s["mine"], "deleted_at", utcnow()),
    "their thread moved to a staff space": lambda db, s: moderation.moderate(
        db.session, s["mine"], by=s["moderator"], action="move", target="inside"),
    "the thread they answered retitled": lambda db, s: threads.edit_thread(
        db.session, s["theirs"], by=s["asker"], title="Asker asks about pour-over brewing"),
    "their answer deleted": lambda db, s: setattr(s["answer"], "deleted_at", utcnow()),
    "their display name": lambda db, s: setattr(s["pat"], "display_name", "Patricia Renamed"),
    "their reputation (level)": lambda db, s: setattr(s["pat"], "reputation", 3000),
    "a badge": lambda db, s: badges.award(db.session, badges.BY_SLUG["guru"],
                                          s["pat"].id),
    "ambassador": lambda db, s: setattr(s["pat"], "is_ambassador", True),
    "their bio": lambda db, s: setattr(s["pat"], "bio_html", "<p>Barista since 2009.</p>"),
    "a vote on their answer (points, history, score)": lambda db, s: votes.cast_vote(
        db.session, s["answer"], by=s["voter"], value=1),
    "a history longer than the panel (its link)": lambda db, s: _lines(db, s["pat"], 21),
    "a sanction": lambda db, s: sanctions.sanction(db.session, s["pat"], by=s["moderator"],
                                                   action="silence", reason="Too many links",
                                                   days=3),
}


@pytest.mark.parametrize("change", PROFILE_CHANGES)
def test_every_change_to_a_profile_shows_at_once(app, db, scene, browser, change):
    readers = _readers(browser, scene)
    before = [_show(r, PROFILE) for r in readers]
    PROFILE_CHANGES[change](db, scene)
    db.session.commit()
    after = [_show(r, PROFILE) for r in readers]
    assert any(a != b for a, b in zip(after, before, strict=True)), "the change shows"
    for reader, cached in zip(readers, after, strict=True):
        assert cached == fresh(app, reader, PROFILE)


def _points(db, user, points, key):
    add_entry(db.session, user_id=user.id, points=points, reason="imported", key=key)


def _more(db, s):
    _points(db, s["asker"], 3, "few:asker")
    _points(db, s["voter"], 2, "few:voter")


BOARD_CHANGES = {
    "a vote earning points (ranks)": lambda db, s: votes.cast_vote(
        db.session, s["answer"], by=s["voter"], value=1),
    "a new member on the board": lambda db, s: _points(db, s["asker"], 80, "new:asker"),
    "points changing the order": lambda db, s: _points(db, s["cal"], 45, "more:cal"),
    "two more on a new last page": lambda db, s: _more(db, s),
    "a tie above the second page (its first rank)": lambda db, s: _points(
        db, s["ben"], -20, "less:ben"),
    "a name on the board": lambda db, s: setattr(s["ana"], "display_name", "Ana Renamed"),
    "a level on the board": lambda db, s: setattr(s["ben"], "reputation", 3000),
    "a picture on the board": lambda db, s: setattr(s["cal"], "avatar_version", "v2"),
    "a person on the board made staff": lambda db, s: setattr(s["ana"], "role", "employee"),
    "an erased account": lambda db, s: setattr(s["ben"], "erased_at", utcnow()),
    "a space made staff-only": lambda db, s: setattr(s["open"], "visibility", "staff"),
    "a renamed space": lambda db, s: setattr(s["open"], "name", "Renamed open space"),
}
# What a board does not show: the first page shows the top two (Pat's ten points from
# a vote and Cal, third, are on the second page), a space's board only what was earned
# in the space (the seeded points were not), the second page only the third and fourth.
NOT_SHOWN = {
    ("all time", "a vote earning points (ranks)"), ("this week", "a vote earning points (ranks)"),
    ("all time", "a picture on the board"), ("this week", "a picture on the board"),
    ("page 2", "an erased account"), ("a space's", "two more on a new last page"),
    ("a space's", "a tie above the second page (its first rank)"),
    ("a space's", "a new member on the board"), ("a space's", "points changing the order"),
    ("a space's", "a name on the board"), ("a space's", "a level on the board"),
    ("a space's", "a picture on the board"), ("a space's", "a person on the board made staff"),
    ("a space's", "an erased account"),
    ("page 2", "a name on the board"), ("page 2", "a level on the board"),
    ("page 2", "a person on the board made staff"),
}


@pytest.mark.parametrize("board", BOARDS)
@pytest.mark.parametrize("change", BOARD_CHANGES)
def test_every_change_to_a_leaderboard_shows_at_once(app, db, scene, browser, change, board):
    url = BOARDS[board]
    readers = _readers(browser, scene)
    before = [_show(r, url) for r in readers]
    BOARD_CHANGES[change](db, scene)
    db.session.commit()
    after = [_show(r, url) for r in readers]
    if (board, change) not in NOT_SHOWN:
        assert any(a != b for a, b in zip(after, before, strict=True)), "the change shows"
    for reader, cached in zip(readers, after, strict=True):
        if isinstance(cached, str):
            assert cached == fresh(app, reader, url)


def test_points_move_ranks_on_the_cached_board_at_once(db, scene, browser):
    guest = browser()
    ranked = re.compile(r'href="/users/(\w+)"')
    assert ranked.findall(text(guest.get("/leaderboard?period=all")))[:2] == ["ana", "ben"]
    _points(db, scene["cal"], 45, "more:cal")
    db.session.commit()
    assert ranked.findall(text(guest.get("/leaderboard?period=all")))[:2] == ["cal", "ana"]
    second = text(guest.get("/leaderboard?period=all&page=2"))
    assert re.findall(r'<td class="rank">(\d+)</td>', second) == ["3"]
    assert ranked.findall(second) == ["ben"]


def test_a_new_week_starts_an_empty_board(db, scene, browser, monkeypatch):
    """The week's first day is the clock value the board depends on: it is in the key."""
    from community.gamification import page as board

    guest = browser()
    assert 'href="/users/ana"' in text(guest.get("/leaderboard"))
    later = utcnow() + timedelta(days=8)
    monkeypatch.setattr(board, "utcnow", lambda: later)
    html = text(guest.get("/leaderboard"))
    assert "Nobody has earned points in this period yet." in html
    assert 'href="/users/ana"' in text(guest.get("/leaderboard?period=all"))


def test_a_guest_never_sees_staff_space_activity_on_a_cached_profile(db, scene, browser,
                                                                     make_post):
    inside = scene["mine"]
    hidden = make_post(thread=inside, author=scene["asker"], body="An answer Pat will vote up.")
    votes.cast_vote(db.session, scene["answer"], by=scene["voter"], value=1)
    votes.cast_vote(db.session, inside, by=scene["voter"], value=1)  # a line in the history
    votes.cast_vote(db.session, hidden, by=scene["pat"], value=1)
    db.session.commit()
    moderation.moderate(db.session, inside, by=scene["moderator"], action="move",
                        target="inside")
    db.session.commit()
    employee = browser(scene["employee"])
    assert "Pat asks about grinding" in text(employee.get(PROFILE))
    for reader in (browser(), browser(scene["voter"]), browser(scene["pat"])):
        html = text(reader.get(PROFILE))
        assert "Pat asks about grinding" not in html
        assert f"/threads/{inside.id}" not in html
        assert "Asker asks about brewing" in html  # the readable answer is still there
    scene["open"].visibility = "staff"
    db.session.commit()
    guest_html = text(browser().get(PROFILE))
    assert "Asker asks about brewing" not in guest_html
    assert "Open space" not in text(browser().get("/leaderboard?period=all"))
    assert browser().get("/leaderboard?period=all&space=open").status_code == 404
    assert browser(scene["voter"]).get("/leaderboard?period=all&space=open").status_code == 404
    assert "Pat answers" not in guest_html


def test_the_panel_links_to_the_full_history_only_when_there_is_more(db, scene, browser):
    guest = browser()
    _lines(db, scene["pat"], 20)
    db.session.commit()
    html = text(guest.get(PROFILE))
    assert "Full history" not in html and html.count('<td class="points">') == 20
    add_entry(db.session, user_id=scene["pat"].id, points=1, reason="imported", key="one-more")
    db.session.commit()
    html = text(guest.get(PROFILE))
    assert "Full history" in html and html.count('<td class="points">') == 20


def test_a_deleted_thread_stays_for_moderators_only(db, scene, browser):
    scene["mine"].deleted_at = utcnow()
    db.session.commit()
    assert "Pat asks about grinding" in text(browser(scene["moderator"]).get(PROFILE))
    for reader in (browser(), browser(scene["voter"]), browser(scene["employee"])):
        assert "Pat asks about grinding" not in text(reader.get(PROFILE))


@pytest.mark.parametrize("url", [PROFILE, *BOARDS.values()])
def test_readers_with_the_same_rights_share_one_rendering(db, scene, browser, make_user,
                                                          renders, url):
    column = COLUMNS[url]
    browser(make_user()).get(url)
    assert renders.count(column) == 1
    browser(make_user()).get(url)
    assert renders.count(column) == 1  # the second member's came from the cache
    browser().get(url)
    browser().get(url)
    assert renders.count(column) == 2  # guests share theirs
    browser(scene["employee"]).get(url)
    assert renders.count(column) == 3  # staff read other spaces


def test_a_person_on_their_own_profile_gets_their_own_rendering(db, scene, browser, renders):
    member = text(browser(scene["voter"]).get(PROFILE))
    own = text(browser(scene["pat"]).get(PROFILE))
    assert renders.count("users/_profile.html") == 2
    assert "Edit my profile and settings" in own and "Edit my profile and settings" not in member
    assert "Download my data" in own and "Download my data" not in member
    moderator = text(browser(scene["moderator"]).get(PROFILE))
    assert 'name="reason"' in moderator and 'name="reason"' not in own


def test_the_sanction_form_carries_each_moderators_own_token(app, db, scene, browser):
    first, second = browser(scene["moderator"]), browser(scene["moderator"])
    tokens = []
    for reader in (first, second):
        html = text(reader.get(PROFILE))
        assert page_cache.CSRF_PLACEHOLDER not in html
        tokens.append(re.search(r'name="csrf_token" value="([^"]+)"', html).group(1))
    assert tokens[0] != tokens[1]
    resp = second.post("/users/pat/sanction", data={
        "csrf_token": tokens[1], "action": "silence", "reason": "Shouting", "days": "2"})
    assert resp.status_code in (302, 303)
    assert "Silenced" in text(first.get(PROFILE))


def test_several_readers_at_once_on_the_cached_pages(app, db, scene, make_user, login):
    users = [make_user() for _ in range(3)] + [scene["employee"]]
    moderation.moderate(db.session, scene["mine"], by=scene["moderator"], action="move",
                        target="inside")
    clients = parallel_readers(app, db, login, users)
    urls = [PROFILE, BOARDS["all time"], BOARDS["page 2"]]
    results = read_at_once(clients, urls, rounds=4)
    assert_each_page_is_its_readers(results, len(users))
    employee = len(users) - 1
    for i, pages in results.items():
        assert len(pages) == 4 * len(urls)
        profiles = pages[::len(urls)]
        staff_only = ["Pat asks about grinding" in html for html in profiles]
        assert all(staff_only) if i == employee else not any(staff_only)


def _queries(client, url: str) -> int:
    client.get(url)  # warm: the first request renders and keeps the column
    with counting(db_engine()) as statements:
        resp = client.get(url)
    assert resp.status_code == 200
    return len(statements)


def db_engine():
    from community.extensions import db

    return db.engine


def test_cached_pages_run_a_few_queries_whatever_their_rows(app, db, scene, browser, make_post):
    app.config["PER_PAGE"] = 50
    readers = {"guest": browser(), "member": browser(scene["voter"]),
               "moderator": browser(scene["moderator"])}
    urls = [PROFILE, "/leaderboard?period=all"]
    small = {(name, url): _queries(c, url) for name, c in readers.items() for url in urls}
    for i in range(12):
        author = cheap_user(db)
        _points(db, author, 5 + i, f"bulk:{i}")
        threads.create_thread(db.session, scene["open"], by=scene["pat"], kind="question",
                              title=f"Pat asks question number {i} today",
                              body=f"A body long enough for question {i}.")
        make_post(thread=scene["theirs"], author=scene["pat"])
        badges.award(db.session, badges.BY_SLUG["nice-answer"], scene["pat"].id, f"s{i}")
        _points(db, scene["pat"], 1, f"line:{i}")
    db.session.commit()
    large = {(name, url): _queries(c, url) for name, c in readers.items() for url in urls}
    assert small == large
    # A guest's profile: its row, the history, threads and answers, the site rules; a
    # board: its rows, its total, the spaces, the rules. Members add their session and
    # bell, moderators the sanction form's facts.
    assert large[("guest", PROFILE)] <= 6 and large[("guest", urls[1])] <= 5, large
    assert max(large.values()) <= 10, large
