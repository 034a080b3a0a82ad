"""/admin links every staff page, each only to the roles its own guard lets in."""

from __future__ import annotations

import re

import pytest

ALL = {"/admin/users", "/admin/analytics", "/moderation/words", "/moderation",
       "/moderation/audit", "/triage", "/cases", "/admin/groups", "/moderation/ambassadors",
       "/tags", "/admin/spaces", "/admin/webhooks", "/admin/saved-replies",
       "/admin/organisations", "/admin/settings"}


def _links(page: str) -> set[str]:
    block = page.split('class="admin-index"', 1)[1].split("</ul>", 1)[0]
    return set(re.findall(r'href="([^"]+)"', block))


@pytest.mark.parametrize("role, expected", [
    ("employee", {"/admin/analytics", "/triage", "/cases", "/tags", "/admin/saved-replies"}),
    ("moderator", {"/admin/analytics", "/triage", "/cases", "/tags", "/admin/saved-replies",
                   "/moderation",
                   "/moderation/words", "/moderation/audit", "/moderation/ambassadors"}),
    ("admin", ALL),
])
def test_the_index_shows_each_role_the_pages_it_may_open(db, app, browser, make_user, role,
                                                         expected):
    c = browser(make_user(role=role))
    page = c.get("/admin")
    assert page.status_code == 200
    links = _links(page.get_data(as_text=True))
    assert links == expected
    for path in links:
        assert c.get(path).status_code == 200, path
    for path in ALL - links:
        assert c.get(path).status_code in (403, 404), path


def test_a_member_gets_a_404_and_no_admin_link(db, browser, make_user):
    member = browser(make_user())
    assert member.get("/admin").status_code == 404
    assert 'href="/admin"' not in member.get("/").get_data(as_text=True)


def test_moderators_manage_watched_words(db, app, browser, make_user, form_token):
    from sqlalchemy import select

    from community.models import AuditEntry, WatchedWord

    mod = browser(make_user(role="moderator"))
    page = mod.get("/moderation/words")
    assert page.status_code == 200
    resp = mod.post("/moderation/words", data={
        "word": "scam", "action": "flag", "replacement": "",
        "csrf_token": form_token(page.get_data(as_text=True))})
    assert resp.status_code == 303
    assert db.session.scalar(select(WatchedWord.word)) == "scam"
    assert db.session.scalar(select(AuditEntry.action)) == "word_set"
    assert mod.get("/moderation/words.csv").get_data(as_text=True).startswith("word,action")
    assert browser(make_user(role="employee")).get("/moderation/words").status_code == 404


def test_the_index_and_the_tag_pages_speak_french(db, browser, make_user, make_thread):
    make_thread(tags=["mouture"])
    mod = browser(make_user(role="moderator"))
    mod.post("/lang", data={"lang": "fr"})
    headers = {"Accept-Language": "fr"}
    admin = mod.get("/admin", headers=headers).get_data(as_text=True)
    assert "Mots bloqués, retenus, signalés ou censurés." in admin
    tags = mod.get("/tags", headers=headers).get_data(as_text=True)
    assert "Étiquettes commençant par" in tags and "1 sujet" in tags
    page = mod.get("/tags/mouture", headers=headers).get_data(as_text=True)
    assert "Gérer cette étiquette" in page and "Fusionner cette étiquette dans" in page
