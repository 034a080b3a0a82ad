"""Internal notes never reach a non-staff user: page, API, lists, search,
notifications, emails, socket events, counts and "last activity"."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from community.escalation import cases
from community.models import Notification, Thread

SECRET = "ZebraquartzInternal"
NOTE = f"{SECRET}: customer is on the legacy plan, refund pending in the CRM"


@pytest.fixture
def noted(db, make_thread, make_user, make_post, make_group, employee_client):
    """A public question with a case, an assignee, a member's answer and a note."""
    asker = make_user()
    expert = make_user(role="employee")
    make_group(tags=["router"], members=[expert], leads=[expert])
    thread = make_thread(author=asker, tags=["router"], title="My router keeps rebooting at night")
    make_post(thread=thread, body="Have you tried a new power supply?")
    case = cases.open_case(db.session, thread, by=employee_client.user, source="manual")
    cases.assign(db.session, case, by=employee_client.user, assignee=expert)
    db.session.commit()
    before = db.session.get(Thread, thread.id)
    state = {"last_activity_at": before.last_activity_at, "post_count": before.post_count}
    return {"thread": thread, "case": case, "asker": asker, "expert": expert, "before": state}


def _add_note(client, case):
    resp = client.post(f"/api/v1/cases/{case.id}/notes", json={"body": NOTE})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["notes"][-1]["body"] == NOTE  # staff do see it


def test_staff_see_the_note_on_the_case_and_the_panel(app, db, noted, employee_client, login):
    _add_note(employee_client, noted["case"])
    detail = employee_client.get(f"/api/v1/cases/{noted['case'].id}").get_json()
    assert [n["body"] for n in detail["notes"]] == [NOTE]
    assert SECRET not in str(detail["events"])  # the history says "note", never its text
    browser = login(app.test_client(), noted["expert"])
    assert SECRET in browser.get(f"/cases/{noted['case'].id}").get_data(as_text=True)


def test_the_note_never_reaches_a_member_through_the_api(db, noted, employee_client, client_for,
                                                         member_client):
    _add_note(employee_client, noted["case"])
    thread, case = noted["thread"], noted["case"]
    for c in (client_for(noted["asker"]), member_client, client_for(None)):
        got = c.get(f"/api/v1/threads/{thread.id}")
        assert got.status_code == 200
        body = got.get_json()
        assert "case" not in body and SECRET not in got.get_data(as_text=True)
        for url in (f"/api/v1/threads?space={thread.space.slug}", "/api/v1/threads",
                    "/api/v1/threads?sort=unanswered", f"/api/v1/posts/{body['posts'][0]['id']}",
                    "/api/v1/spaces"):
            resp = c.get(url)
            assert resp.status_code == 200 and SECRET not in resp.get_data(as_text=True)
        for url in (f"/api/v1/cases/{case.id}", "/api/v1/cases",
                    f"/api/v1/cases/{case.id}/suggested-experts", "/api/v1/groups"):
            resp = c.get(url)
            assert resp.status_code in (401, 404), url
            assert SECRET not in resp.get_data(as_text=True)
        assert c.post(f"/api/v1/cases/{case.id}/notes", json={"body": "x"}).status_code in (401, 404)


def test_the_thread_json_keeps_the_case_for_staff_only(db, noted, employee_client, member_client):
    staff_view = employee_client.get(f"/api/v1/threads/{noted['thread'].id}").get_json()
    assert staff_view["case"]["id"] == noted["case"].id
    assert "notes" not in staff_view["case"]
    assert "case" not in member_client.get(f"/api/v1/threads/{noted['thread'].id}").get_json()


def test_the_note_never_reaches_a_member_through_pages(app, db, noted, employee_client, login, client):
    _add_note(employee_client, noted["case"])
    thread = noted["thread"]
    for c in (login(app.test_client(), noted["asker"]), client):
        for url in (f"/threads/{thread.id}", f"/spaces/{thread.space.slug}", "/",
                    f"/users/{noted['asker'].username}", f"/users/{noted['expert'].username}"):
            page = c.get(url).get_data(as_text=True)
            assert SECRET not in page, url
        page = c.get(f"/threads/{thread.id}").get_data(as_text=True)
        assert "Case (staff only)" not in page and "case-panel" not in page
    member = login(app.test_client(), noted["asker"])
    for url in (f"/cases/{noted['case'].id}", "/cases", "/triage", "/admin/groups"):
        resp = member.get(url)
        assert resp.status_code == 404 and SECRET not in resp.get_data(as_text=True)


def test_the_note_is_never_indexed_for_search(app, db, noted, employee_client, member_client):
    from community.search.outbox import drain_outbox

    _add_note(employee_client, noted["case"])
    drain_outbox(app)
    for c in (member_client, employee_client):
        resp = c.get(f"/api/v1/search?q={SECRET}")
        assert resp.status_code == 200
        assert resp.get_json()["items"] == [] and SECRET not in resp.get_data(as_text=True)
    assert SECRET not in member_client.get(f"/api/v1/search/similar?title={SECRET}").get_data(as_text=True)


def test_the_note_never_appears_in_notifications_or_emails(app, db, noted, employee_client,
                                                            client_for):
    from community.notifications import delivery

    _add_note(employee_client, noted["case"])
    rows = db.session.scalars(select(Notification)).all()
    assert any(r.verb == "case_updated" and r.user_id == noted["expert"].id for r in rows)
    assert all(SECRET not in str(r.data) for r in rows)
    for user in (noted["asker"], noted["expert"]):
        resp = client_for(user).get("/api/v1/notifications")
        assert SECRET not in resp.get_data(as_text=True)
    assert client_for(noted["asker"]).get("/api/v1/notifications").get_json()["items"] == [] or all(
        not n["verb"].startswith("case_") for n in
        client_for(noted["asker"]).get("/api/v1/notifications").get_json()["items"])
    with app.test_request_context():
        delivery.send_pending(db.session)
        delivery.send_digests(db.session)
    db.session.commit()
    outbox = Path(app.instance_path) / "outbox"
    mails = list(outbox.glob("*.eml")) if outbox.exists() else []
    assert all(SECRET not in m.read_text(errors="replace") for m in mails)


def test_the_note_changes_no_count_and_no_last_activity(db, noted, employee_client, client_for):
    asker_client = client_for(noted["asker"])
    unread_before = asker_client.get("/api/v1/me").get_json()["unread_notifications"]
    _add_note(employee_client, noted["case"])
    db.session.expire_all()
    thread = db.session.get(Thread, noted["thread"].id)
    assert thread.last_activity_at == noted["before"]["last_activity_at"]
    assert thread.post_count == noted["before"]["post_count"]
    body = asker_client.get(f"/api/v1/threads/{thread.id}").get_json()
    assert len(body["posts"]) == noted["before"]["post_count"]
    assert asker_client.get("/api/v1/me").get_json()["unread_notifications"] == unread_before


def test_the_note_is_never_sent_over_a_socket(app, db, noted, employee_client, monkeypatch):
    """Every Socket.IO frame goes through pusher.push once the transaction commits:
    record them all (in-process test clients share one server across apps, so the
    frames are checked where they leave, not where a test socket would read them)."""
    from community import pusher

    frames = []
    monkeypatch.setattr(pusher, "push", lambda room, event, payload: frames.append((room, event, payload)))
    _add_note(employee_client, noted["case"])
    assert SECRET not in str(frames)
    rooms = {room for room, _e, _p in frames}
    # Only the assignee's own room hears of it (a bare "case updated"); no thread room,
    # no asker room.
    assert rooms == {f"user:{noted['expert'].id}"}
    assert not any(r.startswith("thread:") for r in rooms)


def test_the_public_status_line_has_no_internal_detail(app, db, noted, employee_client, client):
    _add_note(employee_client, noted["case"])
    page = client.get(f"/threads/{noted['thread'].id}").get_data(as_text=True)
    assert "With our R&amp;D team — an answer is expected" in page
    assert noted["expert"].display_name not in page.split("case-status-line")[1][:300]
    assert SECRET not in page and "normal" not in page.split("case-status-line")[1][:300]
