"""Cases tied to the CRM: PATCH /cases/{id} sets the CRM reference and the priority,
GET /cases?external_ref= finds the case back, the change reaches the webhook stream,
and only staff who can work the case may do any of it."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from community.escalation import cases
from community.models import Case, CaseEvent
from community.webhooks import sender
from tests.conftest import csrf_token
from tests.webhooks.webhook_receiver import Receiver, verify


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def _open(db, make_thread, **kwargs):
    case = cases.open_case(db.session, make_thread(**kwargs), by=None, source="manual")
    db.session.commit()
    return case


def _fresh(db, case_id: int) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case_id)


def test_staff_set_the_reference_and_priority_and_find_the_case_by_it(db, make_thread,
                                                                       employee_client):
    case = _open(db, make_thread)
    due_before = case.first_response_due_at
    resp = employee_client.patch(f"/api/v1/cases/{case.id}",
                                 json={"external_ref": "  CRM-1234 ", "priority": "high"})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert (body["external_ref"], body["priority"]) == ("CRM-1234", "high")
    [event] = [e for e in body["events"] if e["kind"] == "updated"]
    assert event["data"] == {"external_ref": "CRM-1234", "priority": "high"}
    assert event["actor"]["username"] == employee_client.user.username
    stored = _fresh(db, case.id)
    assert stored.external_ref == "CRM-1234" and stored.priority == "high"
    # "high" is 4 business hours instead of 8: the deadline moved in.
    assert stored.first_response_due_at < due_before

    found = employee_client.get("/api/v1/cases?external_ref=CRM-1234").get_json()
    assert found["total"] == 1 and [c["id"] for c in found["items"]] == [case.id]
    assert found["items"][0]["external_ref"] == "CRM-1234"
    assert employee_client.get("/api/v1/cases?external_ref=CRM-9").get_json()["total"] == 0

    # Only what is sent changes; null clears the reference.
    resp = employee_client.patch(f"/api/v1/cases/{case.id}", json={"priority": "low"})
    assert resp.get_json()["external_ref"] == "CRM-1234"
    resp = employee_client.patch(f"/api/v1/cases/{case.id}", json={"external_ref": None})
    assert resp.get_json()["external_ref"] is None and resp.get_json()["priority"] == "low"
    assert _fresh(db, case.id).external_ref is None


def test_members_get_404_and_guests_401_and_nothing_changes(db, make_thread, member_client,
                                                             client):
    # Even the asker: a case is staff business.
    case = _open(db, make_thread, author=member_client.user)
    for reader, status in ((member_client, 404), (client, 401)):
        resp = reader.patch(f"/api/v1/cases/{case.id}", json={"external_ref": "X-1",
                                                               "priority": "urgent"})
        assert resp.status_code == status
        assert set(resp.get_json()) == {"error"}
        resp = reader.get("/api/v1/cases?external_ref=X-1")
        assert resp.status_code == status and "items" not in resp.get_json()
    stored = _fresh(db, case.id)
    assert (stored.external_ref, stored.priority) == (None, "normal")
    assert db.session.scalar(select(CaseEvent.id).where(CaseEvent.kind == "updated")) is None


def test_bad_input_names_the_field_and_changes_nothing(db, make_thread, employee_client):
    taken = _open(db, make_thread)
    case = _open(db, make_thread)
    assert employee_client.patch(f"/api/v1/cases/{taken.id}",
                                 json={"external_ref": "CRM-1"}).status_code == 200
    url = f"/api/v1/cases/{case.id}"
    before = employee_client.get(url).get_json()
    for body, field in (({"priority": "whenever"}, "priority"),
                        ({"external_ref": "CRM\n2"}, "external_ref"),
                        ({"external_ref": "x" * 101}, "external_ref"),
                        ({"external_ref": 12}, "external_ref"),
                        ({"external_ref": "CRM-1"}, "external_ref"),
                        ({"external_ref": "CRM-3", "priority": "soon"}, "priority")):
        resp = employee_client.patch(url, json=body)
        assert resp.status_code == 422, body
        error = resp.get_json()["error"]
        assert error["code"] == "validation_error" and field in error["fields"], body
    taken_message = employee_client.patch(url, json={"external_ref": "CRM-1"}).get_json()
    assert f"#{taken.id}" in taken_message["error"]["fields"]["external_ref"][0]
    stale = employee_client.patch(url, json={"priority": "high", "version": 99})
    assert stale.status_code == 409
    assert employee_client.get(url).get_json() == before


def test_the_change_reaches_webhooks_as_case_updated_with_the_reference(
        db, make_thread, make_user, employee_client, admin_client, receiver, make_organisation):
    asker = make_user()
    make_organisation(name="Acme Corp", tier="premium", external_ref="ACC-77", members=[asker])
    plain = admin_client.post("/api/v1/webhooks", json={"url": receiver.url,
                                                        "events": ["case.updated"]}).get_json()
    internal = admin_client.post("/api/v1/webhooks", json={
        "url": receiver.url + "?internal", "events": ["case.updated"],
        "include_internal": True}).get_json()
    case = _open(db, make_thread, author=asker)
    resp = employee_client.patch(f"/api/v1/cases/{case.id}",
                                 json={"external_ref": "CRM-5678", "priority": "urgent"})
    assert resp.status_code == 200
    assert sender.send_due(db.session) == 2
    by_path = {r["path"]: r for r in receiver.received}
    ordinary, staff = by_path["/hook"], by_path["/hook?internal"]
    assert verify(plain["secret"], ordinary) and verify(internal["secret"], staff)
    for request in (ordinary, staff):
        body = json.loads(request["body"])
        assert body["event"] == "case.updated" == request["headers"]["X-Continuum-Event"]
        assert body["data"]["change"] == "updated"
        data = body["data"]["case"]
        assert (data["id"], data["external_ref"], data["priority"]) == (case.id, "CRM-5678",
                                                                        "urgent")
    # The customer's organisation is staff knowledge: internal webhooks only.
    assert "organisation" not in json.loads(ordinary["body"])["data"]["case"]
    assert json.loads(staff["body"])["data"]["case"]["organisation"] == {
        "id": resp.get_json()["organisation"]["id"], "name": "Acme Corp", "tier": "premium",
        "external_ref": "ACC-77"}


def test_a_patch_that_changes_nothing_sends_nothing(db, make_thread, employee_client,
                                                    admin_client, receiver):
    admin_client.post("/api/v1/webhooks", json={"url": receiver.url, "events": ["case.updated"]})
    case = _open(db, make_thread)
    resp = employee_client.patch(f"/api/v1/cases/{case.id}", json={"priority": "normal"})
    assert resp.status_code == 200 and resp.get_json()["version"] == case.version
    assert sender.send_due(db.session) == 0 and receiver.received == []


def test_the_case_page_form_sets_the_reference_and_shows_errors(app, db, make_thread,
                                                                 make_user, login):
    employee = make_user(role="employee")
    case = _open(db, make_thread)
    staff = login(app.test_client(), employee)
    page = staff.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'name="external_ref"' in page and "CRM reference" in page
    token = csrf_token(staff)
    resp = staff.post(f"/cases/{case.id}/update", data={
        "csrf_token": token, "external_ref": "SF-0042", "priority": "high",
        "version": str(case.version)})
    assert resp.status_code == 303
    stored = _fresh(db, case.id)
    assert (stored.external_ref, stored.priority) == ("SF-0042", "high")
    page = staff.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "<code>SF-0042</code>" in page
    assert "changed the CRM reference or the priority" in page
    bad = staff.post(f"/cases/{case.id}/update", data={
        "csrf_token": token, "external_ref": "x" * 101, "priority": "high"})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Write at most 100 characters." in text and "x" * 101 in text
    assert _fresh(db, case.id).external_ref == "SF-0042"
    member = login(app.test_client(), make_user())
    refused = member.post(f"/cases/{case.id}/update", data={
        "csrf_token": csrf_token(member), "external_ref": "HACK", "priority": "low"})
    assert refused.status_code == 404
    assert _fresh(db, case.id).external_ref == "SF-0042"
