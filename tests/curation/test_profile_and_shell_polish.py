"""Small things a community manager notices: "Member since" is a day (no seconds), staff
show their role rather than a member's level, the bell is an SVG and a guest who clicks
Ask is told why they must sign in."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from community.extensions import db
from community.models import User


def test_member_since_is_a_day_without_a_time(browser, make_user):
    member = make_user(username="since")
    db.session.get(User, member.id).created_at = datetime(2026, 3, 14, 15, 9, 26, tzinfo=UTC)
    db.session.commit()
    page = browser().get("/users/since").get_data(as_text=True)
    shown = page.split("Member since")[1].split("</time>")[0].rsplit(">", 1)[1]
    assert shown == "March 14, 2026" and not re.search(r"\d:\d\d", shown)
    fr = browser(lang="fr").get("/users/since").get_data(as_text=True)
    assert fr.split("Membre depuis")[1].split("</time>")[0].rsplit(">", 1)[1] == "14 mars 2026"


def test_staff_show_their_role_not_a_newcomer_level(browser, make_user, make_thread, make_post):
    moderator = make_user(username="modrole", role="moderator")
    member = make_user(username="memrole")
    thread = make_thread(author=member, title="How do I reset the water filter counter?")
    post = make_post(thread=thread, author=moderator, body="Hold the filter button five seconds.")
    page = browser().get(f"/threads/{thread.id}").get_data(as_text=True)
    staff_byline = page.split(f'id="post-{post.id}"')[1].split("</footer>")[0]
    assert "Moderator" in staff_byline and "Newcomer" not in staff_byline
    asker_byline = page.split('class="byline"')[1].split("</span>\n")[0]
    assert "Newcomer" in asker_byline
    profile = browser().get("/users/modrole").get_data(as_text=True)
    assert "Moderator" in profile and "Level 1" not in profile and "Newcomer" not in profile
    assert "Level 1" in browser().get("/users/memrole").get_data(as_text=True)


def test_the_bell_is_an_svg_icon(browser, make_user):
    c = browser(make_user())
    page = c.get("/").get_data(as_text=True)
    bell = page.split("data-notification-bell")[1].split("</a>")[0]
    assert 'class="icon icon-bell"' in bell and "\U0001f514" not in page
    with c.get("/static/css/app.css") as css:
        assert '.icon-bell { --icon: url("../icons/bell.svg")' in css.get_data(as_text=True)
    with c.get("/static/icons/bell.svg") as icon:
        assert icon.mimetype == "image/svg+xml" and b"<path" in icon.data


def test_a_guest_who_clicks_ask_is_told_why_to_sign_in(browser):
    guest = browser()
    resp = guest.get("/ask")
    assert resp.status_code == 303 and "/login" in resp.headers["Location"]
    page = guest.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Sign in to ask a question: you will be told when someone answers" in page
    fr = browser(lang="fr")
    page = fr.get(fr.get("/ask").headers["Location"]).get_data(as_text=True)
    assert "Connectez-vous pour poser une question" in page
