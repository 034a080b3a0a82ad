"""Only administrators see or change the site settings: the page does not exist for
anyone else (404, or sign-in for a guest), the API says 403 (401 for a guest), and
nothing changes."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token
from tests.sitesettings.conftest import URL, setting_audits, stored_rows


@pytest.mark.parametrize("role", ["member", "employee", "moderator"])
def test_the_api_refuses_everyone_but_admins(make_user, client_for, db, role):
    c = client_for(make_user(role=role, reputation=5000))
    read = c.get(URL)
    assert read.status_code == 403 and "sections" not in read.get_json()
    write = c.patch(URL, json={"privileges": {"downvote": 1}, "reset": ["levels"]})
    assert write.status_code == 403 and write.get_json()["error"]["code"] == "forbidden"
    assert stored_rows(db) == {} and setting_audits(db) == []


def test_a_guest_gets_401_from_the_api(client, db):
    resp = client.patch(URL, json={"privileges": {"downvote": 1}})
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "unauthorized"
    assert stored_rows(db) == {}


@pytest.mark.parametrize("role", ["member", "moderator"])
def test_the_page_does_not_exist_for_others(app, make_user, login, db, role):
    c = app.test_client()
    login(c, make_user(role=role))
    assert c.get("/admin/settings").status_code == 404
    token = csrf_token(c)
    resp = c.post("/admin/settings/privileges", data={"csrf_token": token, "downvote": "1"})
    assert resp.status_code == 404 and "Nothing was found" in resp.get_data(as_text=True)
    resp = c.post("/admin/settings/flood_limits/reset", data={"csrf_token": token})
    assert resp.status_code == 404
    assert stored_rows(db) == {} and setting_audits(db) == []
    assert 'href="/admin/settings"' not in c.get("/admin").get_data(as_text=True)


def test_an_unknown_section_is_a_404_for_an_admin_too(app, make_user, login, db):
    c = app.test_client()
    login(c, make_user(role="admin"))
    resp = c.post("/admin/settings/badges", data={"csrf_token": csrf_token(c)})
    assert resp.status_code == 404 and stored_rows(db) == {}
