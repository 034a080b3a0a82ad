"""Silence and suspension: the user is told; a suspension ends sessions, tokens and sockets."""

from __future__ import annotations

from sqlalchemy import select

from community.extensions import socketio
from community.models import AuditEntry, Notification, Sanction

PASSWORD = "correct-horse-battery"


def _sanction(client, username, **body):
    return client.post(f"/api/v1/users/{username}/sanction", json=body)


def test_a_silenced_member_can_read_but_not_write(db, client_for, make_user, make_thread,
                                                  moderator_client):
    user = make_user()
    c = client_for(user)
    thread = make_thread()
    resp = _sanction(moderator_client, user.username, action="silence", days=3, reason="insults")
    assert resp.status_code == 200, resp.get_json()
    assert c.get(f"/api/v1/threads/{thread.id}").status_code == 200
    answer = c.post(f"/api/v1/threads/{thread.id}/posts", json={"body": "Let me answer that."})
    assert answer.status_code == 403 and "read-only" in answer.get_json()["error"]["message"]
    assert c.put(f"/api/v1/threads/{thread.id}/vote", json={"value": 1}).status_code == 403
    assert c.post(f"/api/v1/threads/{thread.id}/flags", json={"reason": "spam"}).status_code == 403
    note = db.session.scalar(select(Notification).where(Notification.user_id == user.id,
                                                        Notification.verb == "user_silenced"))
    assert note is not None and note.data["reason"] == "insults"
    assert _sanction(moderator_client, user.username, action="lift", reason="ok").status_code == 200
    assert c.post(f"/api/v1/threads/{thread.id}/posts", json={"body": "Now I can answer."}).status_code == 201


def test_suspension_kills_tokens_sessions_and_sockets_and_refuses_sign_in(
        db, app, client_for, make_user, moderator_client, login):
    user = make_user()
    api = client_for(user)
    browser = login(app.test_client(), user)
    assert browser.get("/api/v1/me").status_code == 200
    sock = socketio.test_client(app, auth={"token": api.token})
    assert sock.is_connected()
    resp = _sanction(moderator_client, user.username, action="suspend", days=7, reason="spam waves")
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["ends_at"]
    assert api.get("/api/v1/me").status_code == 401
    assert browser.get("/api/v1/me").status_code == 401
    assert not sock.is_connected()
    again = app.test_client().post("/api/v1/auth/token",
                                   json={"login": user.username, "password": PASSWORD})
    assert again.status_code == 403 and "suspended" in again.get_json()["error"]["message"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "sanction_suspend"))
    assert entry.reason == "spam waves" and entry.target_id == user.id
    _sanction(moderator_client, user.username, action="lift", reason="appeal")
    ok = app.test_client().post("/api/v1/auth/token",
                                json={"login": user.username, "password": PASSWORD})
    assert ok.status_code == 200


def _can_answer(client_for, user, thread) -> bool:
    resp = client_for(user).post(f"/api/v1/threads/{thread.id}/posts",
                                 json={"body": "Still free to answer this one."})
    return resp.status_code == 201


def test_sanctions_need_a_reason_and_a_moderator(db, member_client, employee_client,
                                                 moderator_client, make_user, make_thread,
                                                 client_for):
    target = make_user()
    assert _sanction(member_client, target.username, action="silence", reason="x").status_code == 403
    assert _sanction(employee_client, target.username, action="silence", reason="x").status_code == 403
    assert _sanction(moderator_client, target.username, action="suspend").status_code == 422
    assert _sanction(moderator_client, "nobody-here", action="silence", reason="x").status_code == 404
    assert _sanction(moderator_client, moderator_client.user.username, action="silence",
                     reason="x").status_code == 403
    assert db.session.scalars(select(Sanction)).all() == []
    assert _can_answer(client_for, target, make_thread())
    assert _can_answer(client_for, moderator_client.user, make_thread())


def test_only_admins_sanction_staff(db, moderator_client, admin_client, make_user, make_thread,
                                    client_for):
    employee = make_user(role="employee")
    assert _sanction(moderator_client, employee.username, action="silence", reason="x").status_code == 403
    assert _can_answer(client_for, employee, make_thread())
    assert _sanction(admin_client, employee.username, action="silence", reason="x").status_code == 200
    assert not _can_answer(client_for, employee, make_thread())
    assert [(s.user_id, s.created_by_id) for s in db.session.scalars(select(Sanction))] == [
        (employee.id, admin_client.user.id)]
