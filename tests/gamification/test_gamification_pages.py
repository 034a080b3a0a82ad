"""The leaderboard, badges and profile pages: podium, ranked table, tabs, tiers, progress."""

from __future__ import annotations

import re

from community.gamification.ledger import add_entry
from community.models import User


def _give(db, user, points, key):
    add_entry(db.session, user_id=user.id, points=points, reason="imported", key=key)
    db.session.commit()


def _between(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def test_the_top_three_stand_on_a_podium_and_the_rest_are_ranked_below(app, db, make_user):
    for name, points in (("ana", 90), ("ben", 70), ("cal", 50), ("dee", 30), ("eli", 10)):
        _give(db, make_user(username=name), points, name)
    html = app.test_client().get("/leaderboard?period=all").get_data(as_text=True)
    podium = _between(html, '<ol class="podium"', "</ol>")
    assert re.findall(r'href="/users/(\w+)"', podium) == ["ana", "ben", "cal"]
    assert [int(n) for n in re.findall(r"No\. (\d)", podium)] == [1, 2, 3]
    assert "90 points" in podium and "50 points" in podium
    table = _between(html, '<table class="leaderboard">', "</table>")
    rows = re.findall(r'<td class="rank">(\d+)</td>.*?href="/users/(\w+)"', table, re.S)
    assert rows == [("4", "dee"), ("5", "eli")]
    # Each ranked line has the person's picture (their initial) and level.
    assert table.count('class="avatar avatar-32') == 2
    assert "Level 1: Newcomer" in table
    assert "ana" not in table


def test_a_second_page_has_no_podium(app, db, make_user):
    app.config["PER_PAGE"] = 2
    for name, points in (("ana", 90), ("ben", 70), ("cal", 50)):
        _give(db, make_user(username=name), points, name)
    html = app.test_client().get("/leaderboard?period=all&page=2").get_data(as_text=True)
    assert 'class="podium"' not in html
    assert re.findall(r'<td class="rank">(\d+)</td>', html) == ["3"]


def test_the_selected_tabs_are_marked(app, db, make_user):
    html = app.test_client().get("/leaderboard?period=month&track=staff").get_data(as_text=True)
    current = re.findall(r'<a href="[^"]*"\s+aria-current="page">([^<]+)</a>', html)
    assert current == ["This month", "Staff"]


def test_badges_are_a_grid_by_tier_saying_how_to_earn_each(app, db, make_user, login):
    html = app.test_client().get("/badges").get_data(as_text=True)
    tiers = re.findall(r'<h2 id="tier-(\w+)">', html)
    assert tiers == ["bronze", "silver", "gold"]
    bronze = _between(html, 'id="tier-bronze"', "</section>")
    assert 'class="badge-card badge-bronze' in bronze
    assert "How to earn it:" in bronze
    assert "Earned" not in html  # a guest holds none
    from community.gamification import badges
    from community.models import BadgeAward
    member = make_user(username="holder")
    first = badges.BADGES[0]
    db.session.add(BadgeAward(user_id=member.id, badge=first.slug, key=f"{first.slug}:{member.id}"))
    db.session.commit()
    mine = login(app.test_client(), member).get("/badges").get_data(as_text=True)
    card = _between(mine, f'id="badge-{first.slug}"', "</li>")
    assert "is-earned" in card and "Earned" in card
    assert first.describe() in card


def test_ones_own_profile_shows_the_way_to_the_next_level(app, db, make_user, login):
    member = make_user(username="climber")
    _give(db, member, 119, "climb")  # 1 on joining + 119: level 2 (from 50), level 3 at 250
    assert db.session.get(User, member.id).reputation == 120
    own = login(app.test_client(), member).get("/users/climber").get_data(as_text=True)
    bar = re.search(r'<progress class="level-bar" max="(\d+)" value="(\d+)"', own)
    assert bar and bar.groups() == ("200", "70")  # 120 - 50 of 250 - 50
    assert "120 / 250 reputation" in own
    assert "Next level: 3 (Contributor)" in own
    assert "130 more reputation to reach level 3 (Contributor)." in own
    # Someone else's profile does not show it.
    other = login(app.test_client(), make_user()).get("/users/climber").get_data(as_text=True)
    assert "level-bar" not in other


def test_a_new_member_aims_at_level_two(app, db, make_user, login):
    member = make_user(username="newbie")
    own = login(app.test_client(), member).get("/users/newbie").get_data(as_text=True)
    # A new account has 1 (level 1's floor): the bar runs from 1 to level 2's 50.
    assert "1 / 50 reputation" in own
    assert re.search(r'max="49" value="0"', own)
    assert "49 more reputation to reach level 2 (Participant)." in own
