"""People administration: the admin list (API and page), role changes, set-role, last
seen, and the sanction buttons on a profile."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from community.models import AuditEntry, User, utcnow
from tests.conftest import csrf_token
from tests.test_cli import one_line_error


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["community", *args])


def _names(resp) -> list[str]:
    assert resp.status_code == 200, resp.get_json()
    return [item["username"] for item in resp.get_json()["items"]]


def test_admins_search_people_by_name_username_or_email_and_filter_by_role(
        db, admin_client, make_user, moderator_client):
    ann = make_user(username="ann_smith", email="ann@corp.example")
    ann.display_name = "Annabelle Quartz"
    bob = make_user(username="bobby", email="robert@elsewhere.example", role="employee")
    db.session.commit()
    assert _names(admin_client.get("/api/v1/admin/users?q=quartz")) == ["ann_smith"]
    assert _names(admin_client.get("/api/v1/admin/users?q=SMITH")) == ["ann_smith"]
    assert _names(admin_client.get("/api/v1/admin/users?q=elsewhere.example")) == ["bobby"]
    # A LIKE wildcard typed by the admin is a character, not "anything".
    assert _names(admin_client.get("/api/v1/admin/users?q=%25")) == []
    employees = _names(admin_client.get("/api/v1/admin/users?role=employee"))
    assert employees == ["bobby"]
    page = admin_client.get("/api/v1/admin/users?per_page=1&page=2").get_json()
    assert page["per_page"] == 1 and page["page"] == 2 and page["total"] >= 4
    item = admin_client.get("/api/v1/admin/users?q=bobby").get_json()["items"][0]
    assert item["role"] == "employee" and item["email"] == "robert@elsewhere.example"
    assert {"reputation", "sanctions", "created_at", "last_seen_at"} <= set(item)
    bad = admin_client.get("/api/v1/admin/users?role=king")
    assert bad.status_code == 422 and "role" in bad.get_json()["error"]["fields"]
    assert bob.id and ann.id


def test_the_list_shows_sanctions_in_force(db, admin_client, moderator_client, make_user):
    target = make_user(username="noisy")
    resp = moderator_client.post("/api/v1/users/noisy/sanction",
                                 json={"action": "silence", "days": 3, "reason": "flooding"})
    assert resp.status_code == 200
    item = admin_client.get("/api/v1/admin/users?q=noisy").get_json()["items"][0]
    assert [s["kind"] for s in item["sanctions"]] == ["silence"]
    assert item["sanctions"][0]["reason"] == "flooding" and target.id


def test_people_administration_does_not_exist_for_anyone_but_admins(
        app, db, make_user, member_client, moderator_client, employee_client):
    target = make_user(username="hopeful")
    for c in (member_client, moderator_client, employee_client):
        listing = c.get("/api/v1/admin/users")
        assert listing.status_code == 404 and "hopeful" not in listing.get_data(as_text=True)
        refused = c.put("/api/v1/users/hopeful/role", json={"role": "admin"})
        assert refused.status_code in (403, 404)
    assert app.test_client().get("/api/v1/admin/users").status_code == 401
    db.session.expire_all()
    assert db.session.get(User, target.id).role == "member"  # nobody promoted them


def test_a_role_change_is_audited_and_the_last_admin_stays(db, admin_client, make_user,
                                                          member_client):
    target = make_user(username="promoted")
    resp = admin_client.put("/api/v1/users/promoted/role",
                            json={"role": "moderator", "reason": "new community manager"})
    assert resp.status_code == 200 and resp.get_json()["role"] == "moderator"
    db.session.expire_all()
    assert db.session.get(User, target.id).role == "moderator"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "role_change"))
    assert entry.actor_id == admin_client.user.id and entry.target_id == target.id
    assert entry.data["before"] == "member" and entry.data["after"] == "moderator"
    assert entry.reason == "new community manager"
    # A member cannot change roles, even their own.
    mine = member_client.put(f"/api/v1/users/{member_client.user.username}/role",
                             json={"role": "admin"})
    assert mine.status_code == 403
    # The only admin demoting themselves: refused, with a message that says why.
    me = admin_client.user.username
    last = admin_client.put(f"/api/v1/users/{me}/role", json={"role": "member"})
    assert last.status_code == 409 and "last administrator" in last.get_json()["error"]["message"]
    db.session.expire_all()
    assert db.session.get(User, admin_client.user.id).role == "admin"
    bad = admin_client.put("/api/v1/users/promoted/role", json={"role": "emperor"})
    assert bad.status_code == 422 and "role" in bad.get_json()["error"]["fields"]
    # With a second admin, the first may step down.
    admin_client.put("/api/v1/users/promoted/role", json={"role": "admin"})
    assert admin_client.put(f"/api/v1/users/{me}/role", json={"role": "member"}).status_code == 200


def test_the_admin_page_lists_changes_roles_and_refuses_the_last_admin(
        app, db, make_user, browser):
    admin = make_user(role="admin", username="chief")
    make_user(username="carla", email="carla@corp.example")
    page = browser(admin)
    html = page.get("/admin/users?q=carla").get_data(as_text=True)
    assert "carla@corp.example" in html and "chief@" not in html
    assert 'href="/admin/users"' in page.get("/admin").get_data(as_text=True)
    token = csrf_token(page)
    resp = page.post("/admin/users/carla/role", data={"role": "employee", "csrf_token": token})
    assert resp.status_code == 303
    assert "employee" in page.get(resp.headers["Location"]).get_data(as_text=True).lower()
    db.session.expire_all()
    assert db.session.scalar(select(User.role).where(User.username == "carla")) == "employee"
    refused = page.post("/admin/users/chief/role", data={"role": "member", "csrf_token": token})
    assert refused.status_code == 409
    assert "last administrator" in refused.get_data(as_text=True)
    no_csrf = page.post("/admin/users/carla/role", data={"role": "admin"})
    assert no_csrf.status_code == 400
    db.session.expire_all()
    assert db.session.scalar(select(User.role).where(User.username == "carla")) == "employee"
    member = browser(make_user())
    assert member.get("/admin/users").status_code == 404


def test_set_role_from_the_command_line(db, cli, make_user):
    make_user(username="olga")
    result = cli("set-role", "olga", "moderator")
    assert result.exit_code == 0, result.output
    assert "member -> moderator" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(User.role).where(User.username == "olga")) == "moderator"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "role_change"))
    assert entry.actor_id is None and entry.data["after"] == "moderator"
    assert "no account named 'nobody'" in one_line_error(cli("set-role", "nobody", "admin"))
    assert "king" in one_line_error(cli("set-role", "olga", "king"))
    make_user(username="solo", role="admin")
    assert "last administrator" in one_line_error(cli("set-role", "solo", "member"))


def test_last_seen_is_written_at_most_once_per_interval(db, make_user, browser, app):
    user = make_user()
    page = browser(user)

    def seen():
        db.session.commit()  # end the test's own read: requests run in their own contexts
        return db.session.get(User, user.id).last_seen_at

    page.get("/")
    first = seen()
    assert first is not None
    page.get("/")
    assert seen() == first
    old = utcnow() - timedelta(minutes=app.config["LAST_SEEN_INTERVAL_MINUTES"] + 1)
    db.session.get(User, user.id).last_seen_at = old
    db.session.commit()
    page.get("/notifications")
    assert seen() > old
    # The admin list shows it.
    admin = browser(make_user(role="admin"))
    item = admin.get(f"/api/v1/admin/users?q={user.username}").get_json()["items"][0]
    assert item["last_seen_at"] is not None


def test_a_locked_database_costs_a_stale_last_seen_never_the_page(db, make_user, browser):
    user = make_user()
    page = browser(user)
    db.session.commit()
    db.session.get(User, user.id).last_seen_at = None
    db.session.commit()
    sqlite = db.engine.dialect.name == "sqlite"
    writer = db.engine.raw_connection()  # another process holding SQLite's write lock
    try:
        if sqlite:
            writer.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        resp = page.get("/")
        assert resp.status_code == 200
        # Far below the 15 s busy timeout a write would otherwise wait.
        assert time.monotonic() - started < 5
    finally:
        writer.rollback()
        writer.close()
    db.session.commit()
    if sqlite:
        assert db.session.get(User, user.id).last_seen_at is None
    page.get("/")
    db.session.commit()
    assert db.session.get(User, user.id).last_seen_at is not None


def test_moderators_get_sanction_buttons_on_a_profile_and_they_work(db, make_user, browser):
    target = make_user(username="troll")
    moderator = make_user(role="moderator")
    mod_page = browser(moderator)
    html = mod_page.get("/users/troll").get_data(as_text=True)
    assert 'action="/users/troll/sanction"' in html
    assert 'value="suspend"' in html and 'value="silence"' in html
    assert 'value="lift"' not in html  # nothing to lift yet
    member_page = browser(make_user())
    assert "/sanction" not in member_page.get("/users/troll").get_data(as_text=True)
    resp = mod_page.post("/users/troll/sanction", data={
        "action": "suspend", "reason": "spam", "days": "2", "csrf_token": csrf_token(mod_page)})
    assert resp.status_code == 303
    html = mod_page.get("/users/troll").get_data(as_text=True)
    assert 'value="lift"' in html and "spam" in html
    # Nobody sanctions themselves: no buttons on one's own profile.
    own = mod_page.get(f"/users/{moderator.username}").get_data(as_text=True)
    assert "/sanction" not in own and target.id


def test_the_people_pages_speak_french(db, make_user, browser):
    admin = make_user(role="admin")
    page = browser(admin)
    fr = {"Accept-Language": "fr"}
    html = page.get("/admin/users", headers=fr).get_data(as_text=True)
    assert "Dernière visite" in html and "Changer le rôle" in html
    assert "Télécharger mes données" in page.get("/settings/export", headers=fr).get_data(
        as_text=True)
    assert "irréversible" in page.get("/settings/delete", headers=fr).get_data(as_text=True)
