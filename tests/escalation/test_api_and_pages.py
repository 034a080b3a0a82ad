"""The escalation API and pages, by role: members get 404 on every case address."""

from __future__ import annotations

from datetime import timedelta

import pytest

from community.escalation import cases
from community.models import Thread


def _age(db, thread, hours: float) -> Thread:
    thread = db.session.get(Thread, thread.id)
    thread.created_at = thread.created_at - timedelta(hours=hours)
    db.session.commit()
    return thread


def _token(c) -> str:
    return c.get("/csrf-token").get_json()["csrf_token"]


def test_the_asker_can_ask_an_expert_after_the_delay_only(db, make_thread, client_for, make_user):
    asker = make_user()
    thread = make_thread(author=asker)
    api = client_for(asker)
    early = api.post(f"/api/v1/threads/{thread.id}/escalate", json={"reason": "urgent please"})
    assert early.status_code == 403
    _age(db, thread, 3)
    resp = api.post(f"/api/v1/threads/{thread.id}/escalate",
                    json={"reason": "urgent please", "group": "rnd", "priority": "urgent"})
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert set(body) == {"id", "thread_id", "state"}  # nothing internal for the asker
    case = db.session.get(cases.Case, body["id"])
    assert case.source == "ask_expert" and case.priority == "normal"  # the asker cannot pick
    again = api.post(f"/api/v1/threads/{thread.id}/escalate", json={})
    assert again.status_code == 409


def test_someone_else_cannot_escalate_a_members_question(db, make_thread, member_client):
    thread = _age(db, make_thread(), 10)
    assert member_client.post(f"/api/v1/threads/{thread.id}/escalate", json={}).status_code == 403
    assert db.session.query(cases.Case).count() == 0


def test_staff_escalate_at_once_to_a_chosen_group(db, make_thread, moderator_client, make_group):
    make_group(slug="sales", name="Sales")
    thread = make_thread()
    resp = moderator_client.post(f"/api/v1/threads/{thread.id}/escalate",
                                 json={"group": "sales", "priority": "high", "reason": "VIP"})
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["group"]["slug"] == "sales" and body["priority"] == "high"
    assert body["events"][0]["kind"] == "opened" and body["notes"] == []
    missing = moderator_client.post(f"/api/v1/threads/{make_thread().id}/escalate",
                                    json={"group": "nope"})
    assert missing.status_code == 404


def test_a_thread_the_caller_cannot_read_cannot_be_escalated(db, make_thread, make_space,
                                                            member_client, make_user):
    hidden = make_thread(space=make_space(visibility="staff"), author=make_user(role="employee"))
    assert member_client.post(f"/api/v1/threads/{hidden.id}/escalate", json={}).status_code == 404
    assert db.session.query(cases.Case).count() == 0


def test_case_lists_filter_by_state_group_and_assignee(db, make_thread, employee_client,
                                                       make_group, make_user):
    me = employee_client.user
    group = make_group(slug="rnd", tags=["router"], members=[me])
    c1 = cases.open_case(db.session, make_thread(tags=["router"]), by=None, source="manual")
    c2 = cases.open_case(db.session, make_thread(), by=None, source="manual")
    cases.assign(db.session, c1, by=me, assignee=me)
    db.session.commit()
    get = lambda q: employee_client.get(f"/api/v1/cases{q}").get_json()  # noqa: E731
    assert get("")["total"] == 2
    assert [c["id"] for c in get("?assignee=me")["items"]] == [c1.id]
    assert [c["id"] for c in get("?group=rnd")["items"]] == [c1.id]
    assert [c["id"] for c in get("?group=triage")["items"]] == [c2.id]
    assert [c["id"] for c in get("?state=new")["items"]] == [c2.id]
    assert employee_client.get("/api/v1/cases?state=bogus").status_code == 422
    assert employee_client.get("/api/v1/cases?per_page=0").status_code == 400
    assert group.slug == "rnd"


@pytest.mark.parametrize("path", ["/api/v1/cases", "/api/v1/cases/1", "/api/v1/groups",
                                  "/api/v1/cases/1/suggested-experts"])
def test_members_get_404_and_guests_401_on_case_addresses(db, make_thread, member_client, client,
                                                          path):
    thread = make_thread()
    cases.open_case(db.session, thread, by=None, source="manual")
    db.session.commit()
    for reader, status, code in ((member_client, 404, "not_found"), (client, 401, "unauthorized")):
        resp = reader.get(path)
        assert resp.status_code == status
        # The refusal is the plain envelope: nothing about the case or its thread in it.
        assert set(resp.get_json()) == {"error"} and resp.get_json()["error"]["code"] == code
        assert thread.title not in resp.get_data(as_text=True)


@pytest.mark.parametrize("path,body", [("/assign", {"priority": "high"}), ("/notes", {"body": "x"}),
                                       ("/transition", {"action": "start"})])
def test_members_cannot_change_a_case(db, make_thread, member_client, path, body):
    case = cases.open_case(db.session, make_thread(), by=None, source="manual")
    db.session.commit()
    assert member_client.post(f"/api/v1/cases/{case.id}{path}", json=body).status_code == 404
    db.session.refresh(case)
    assert case.state == "new" and case.priority == "normal"


def test_bad_input_is_a_clear_error(db, make_thread, employee_client):
    case = cases.open_case(db.session, make_thread(), by=None, source="manual")
    db.session.commit()
    url = f"/api/v1/cases/{case.id}"
    before = employee_client.get(url).get_json()
    assert employee_client.post(url + "/transition", json={"action": "explode"}).status_code == 422
    assert employee_client.post(url + "/notes", json={"body": ""}).status_code == 422
    assert employee_client.post(url + "/notes", json={"body": "\x00"}).status_code == 422
    assert employee_client.post(url + "/assign", json={}).status_code == 422
    assert employee_client.post(url + "/assign", data="{", content_type="application/json").status_code == 400
    assert employee_client.get("/api/v1/cases/999999").status_code == 404
    after = employee_client.get(url).get_json()
    assert after == before and after["state"] == "new" and after["notes"] == []


def test_groups_api_admins_create_staff_read(db, admin_client, employee_client, member_client,
                                             make_user, make_space):
    lead = make_user(role="employee", username="leadperson")
    make_space(slug="help")
    body = {"slug": "rnd", "name": "R&D", "tags": ["Router", "wifi"], "spaces": ["help"],
            "members": ["leadperson"], "leads": ["leadperson"]}
    assert employee_client.post("/api/v1/groups", json=body).status_code == 403
    assert member_client.post("/api/v1/groups", json=body).status_code == 404
    resp = admin_client.post("/api/v1/groups", json=body)
    assert resp.status_code == 201, resp.get_json()
    got = employee_client.get("/api/v1/groups").get_json()["items"]
    assert got == [{"id": got[0]["id"], "slug": "rnd", "name": "R&D", "tags": ["router", "wifi"],
                    "spaces": ["help"], "members": ["leadperson"], "leads": ["leadperson"],
                    "out_of_office": []}]
    assert admin_client.post("/api/v1/groups", json=body).status_code == 422  # taken
    bad = admin_client.post("/api/v1/groups", json={**body, "slug": "x2", "members": [member_client.user.username]})
    assert bad.status_code == 422
    assert admin_client.post("/api/v1/groups", json={**body, "slug": "x3", "spaces": ["nope"]}).status_code == 422
    assert lead.is_staff


def test_case_pages_by_role(app, db, make_thread, make_user, login, client, make_group):
    employee, member, admin = make_user(role="employee"), make_user(), make_user(role="admin")
    make_group(slug="rnd", name="R&D", tags=["router"], members=[employee])
    thread = make_thread(tags=["router"], title="Router drops the connection")
    case = cases.open_case(db.session, thread, by=None, source="manual")
    db.session.commit()
    staff = login(app.test_client(), employee)
    mine = staff.get("/cases")
    assert mine.status_code == 200 and "Router drops the connection" in mine.get_data(as_text=True)
    board = staff.get("/triage?group=rnd&state=new&sort=due")
    assert board.status_code == 200 and f"#{case.id}" in board.get_data(as_text=True)
    assert f"#{case.id}" not in staff.get("/triage?state=resolved").get_data(as_text=True)
    page = staff.get(f"/cases/{case.id}")
    assert page.status_code == 200 and "Suggested experts" in page.get_data(as_text=True)
    thread_page = staff.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "Case (staff only)" in thread_page
    assert staff.get("/admin/groups").status_code == 404  # admin only
    m = login(app.test_client(), member)
    for url in ("/cases", "/triage", f"/cases/{case.id}", "/admin/groups", "/admin/groups/rnd"):
        assert m.get(url).status_code == 404, url
    assert client.get("/cases").status_code == 303
    a = login(app.test_client(), admin)
    assert a.get("/admin/groups").status_code == 200


def test_the_case_page_forms_work_for_staff(app, db, make_thread, make_user, login):
    employee = make_user(role="employee")
    case = cases.open_case(db.session, make_thread(), by=None, source="manual")
    db.session.commit()
    staff = login(app.test_client(), employee)
    token = _token(staff)
    r = staff.post(f"/cases/{case.id}/assign", data={"csrf_token": token, "assignee": employee.username,
                                                    "version": str(case.version)})
    assert r.status_code == 303
    r = staff.post(f"/cases/{case.id}/notes", data={"csrf_token": token, "body": "Called the customer."})
    assert r.status_code == 303
    r = staff.post(f"/cases/{case.id}/transition", data={"csrf_token": token, "action": "start"})
    assert r.status_code == 303
    stale = staff.post(f"/cases/{case.id}/transition",
                       data={"csrf_token": token, "action": "resolve", "version": "1"})
    assert stale.status_code == 409
    db.session.expire_all()
    case = db.session.get(cases.Case, case.id)
    assert case.state == "in_progress" and case.assignee_id == employee.id
    page = staff.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Called the customer." in page


def test_admins_create_and_edit_groups_in_pages(app, db, make_user, login):
    admin, expert = make_user(role="admin"), make_user(role="employee", username="expertx")
    a = login(app.test_client(), admin)
    token = _token(a)
    r = a.post("/admin/groups", data={"csrf_token": token, "slug": "support", "name": "Support",
                                      "tags": "billing refund", "members": "expertx"})
    assert r.status_code == 303
    bad = a.post("/admin/groups", data={"csrf_token": token, "slug": "Bad Slug!", "name": ""})
    assert bad.status_code == 422
    r = a.post("/admin/groups/support", data={"csrf_token": token, "name": "Support team",
                                              "members": "expertx", "leads": "expertx",
                                              "out_of_office": "expertx"})
    assert r.status_code == 303
    page = a.get("/admin/groups/support").get_data(as_text=True)
    assert "Support team" in page and "expertx" in page
    assert expert.is_staff


def test_the_public_status_line_and_the_ask_an_expert_button(app, db, make_thread, make_user, login,
                                                             client, make_group):
    asker = make_user()
    make_group(slug="rnd", name="R&D", tags=["router"])
    thread = _age(db, make_thread(author=asker, tags=["router"]), 3)
    browser = login(app.test_client(), asker)
    page = browser.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "Ask an expert" in page
    assert "Ask an expert" not in client.get(f"/threads/{thread.id}").get_data(as_text=True)
    r = browser.post(f"/threads/{thread.id}/escalate", data={"csrf_token": _token(browser)})
    assert r.status_code == 303
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "With our R&amp;D team — an answer is expected by" in page
    assert "Ask an expert" not in browser.get(f"/threads/{thread.id}").get_data(as_text=True)


def test_the_openapi_spec_documents_the_case_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/threads/{thread_id}/escalate", "/cases", "/cases/{case_id}",
                 "/cases/{case_id}/assign", "/cases/{case_id}/notes", "/cases/{case_id}/transition",
                 "/cases/{case_id}/suggested-experts", "/groups"):
        assert path in paths, path
