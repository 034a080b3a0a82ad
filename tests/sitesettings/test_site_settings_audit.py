"""Every change is audited with what it was and what it became; a section goes back to
its defaults (its override rows gone); saving what is already in force writes nothing."""

from __future__ import annotations

from tests.conftest import csrf_token
from tests.sitesettings.conftest import URL, setting_audits, stored_rows


def test_a_change_is_audited_with_before_and_after(admin_client, db):
    admin_client.patch(URL, json={"flood_limits": {"post": "2 per minute"},
                                  "reputation": {"answer_accepted": 20}})
    entries = setting_audits(db)
    by_section = {e.data["section"]: e for e in entries}
    assert set(by_section) == {"flood_limits", "reputation"}
    flood = by_section["flood_limits"]
    assert flood.actor_id == admin_client.user.id and flood.action == "site_settings_update"
    assert flood.data["before"] == {"post": "1 per 5 second"}
    assert flood.data["after"] == {"post": "2 per minute"}
    assert by_section["reputation"].data["before"] == {"answer_accepted": 15}
    assert by_section["reputation"].data["after"] == {"answer_accepted": 20}
    assert stored_rows(db)["FLOOD_LIMITS"]["post"] == "2 per minute"


def test_saving_what_is_in_force_writes_nothing(admin_client, db):
    same = admin_client.get(URL).get_json()["sections"]["privileges"]["values"]
    resp = admin_client.patch(URL, json={"privileges": same})
    assert resp.get_json()["sections"]["privileges"]["overridden"] is False
    assert stored_rows(db) == {} and setting_audits(db) == []


def test_reset_to_default_drops_the_override_and_is_audited(admin_client, db):
    admin_client.patch(URL, json={"escalation": {"no_answer_hours": 12, "warn_percent": 50}})
    assert stored_rows(db)["ESCALATION"]["no_answer_hours"] == 12
    resp = admin_client.patch(URL, json={"reset": ["escalation"]})
    section = resp.get_json()["sections"]["escalation"]
    assert section["overridden"] is False
    assert section["values"]["no_answer_hours"] == 24 and section["values"]["warn_percent"] == 75
    assert "ESCALATION" not in stored_rows(db) and "ESCALATION_SLA" not in stored_rows(db)
    reset = setting_audits(db)[-1]
    assert reset.action == "site_settings_reset"
    assert reset.data["before"] == {"no_answer_hours": 12.0, "warn_percent": 50}
    assert reset.data["after"] == {"no_answer_hours": 24.0, "warn_percent": 75}


def test_the_page_saves_resets_and_shows_the_change(app, db, make_user, login):
    admin = make_user(role="admin", username="chloe")
    c = app.test_client()
    login(c, admin)
    page = c.get("/admin/settings").get_data(as_text=True)
    assert "Default: 125" in page and 'name="downvote" value="125"' in page
    form = {"csrf_token": csrf_token(c), "upvote": "1", "downvote": "60", "edit_others": "1000",
            "close": "2000"}
    saved = c.post("/admin/settings/privileges", data=form, follow_redirects=True)
    page = saved.get_data(as_text=True)
    assert "Privileges: saved." in page and 'name="downvote" value="60"' in page
    assert "Default: 125" in page  # the default still shown beside the new value
    # The change, as it shows under "Recent changes".
    assert "<del>125</del> → <ins>60</ins>" in page and "Vote down" in page
    assert stored_rows(db)["PRIVILEGES"]["downvote"] == 60
    reset = c.post("/admin/settings/privileges/reset", data={"csrf_token": csrf_token(c)},
                   follow_redirects=True)
    assert "Privileges: back to the defaults." in reset.get_data(as_text=True)
    assert stored_rows(db) == {}
    assert [e.action for e in setting_audits(db)] == ["site_settings_update",
                                                      "site_settings_reset"]
    audit_log = c.get("/moderation/audit?target_type=setting").get_data(as_text=True)
    assert "Site settings changed" in audit_log and "Site settings reset to defaults" in audit_log
    index = c.get("/admin").get_data(as_text=True)
    assert 'href="/admin/settings"' in index
