"""The header: staff pages fold into one "Staff" menu; members and guests never see it."""

from __future__ import annotations

import re


def _menu(html: str) -> str | None:
    found = re.search(r'<details class="staff-menu">(.*?)</details>', html, re.S)
    return found.group(1) if found else None


def test_staff_links_are_grouped_in_one_menu(app, make_user, login):
    moderator = login(app.test_client(), make_user(role="moderator"))
    menu = _menu(moderator.get("/").get_data(as_text=True))
    assert menu is not None and "<summary>Staff</summary>" in menu
    assert re.findall(r'href="([^"]+)"', menu) == ["/cases", "/triage", "/admin/analytics",
                                                   "/moderation", "/admin"]
    employee = login(app.test_client(), make_user(role="employee"))
    assert re.findall(r'href="([^"]+)"', _menu(employee.get("/").get_data(as_text=True))) == [
        "/cases", "/triage", "/admin/analytics", "/admin"]


def test_members_and_guests_have_no_staff_menu(app, make_user, login):
    member = login(app.test_client(), make_user())
    for html in (member.get("/").get_data(as_text=True),
                 app.test_client().get("/").get_data(as_text=True)):
        assert _menu(html) is None and 'href="/triage"' not in html
