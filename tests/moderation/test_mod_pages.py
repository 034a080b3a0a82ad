"""The moderation pages: queue, audit log, admin; forms on the thread page."""

from __future__ import annotations

from sqlalchemy import select

from community.models import AuditEntry, ModerationItem, Post


def _csrf(client):
    return client.get("/csrf-token").get_json()["csrf_token"]


def test_queue_and_audit_pages_are_for_moderators(db, app, make_user, login, client, make_thread,
                                                  make_post, client_for):
    post = make_post(thread=make_thread(), body="Flagged words only moderators should read")
    assert client_for(make_user(role="moderator")).post(
        f"/api/v1/posts/{post.id}/flags", json={"reason": "spam"}).status_code == 201
    guest = client.get("/moderation")
    assert guest.status_code in (302, 303) and guest.headers["Location"].startswith("/login?next=")
    member = login(app.test_client(), make_user())
    for path in ("/moderation", "/moderation/audit"):
        page = member.get(path)
        assert page.status_code == 404 and "only moderators" not in page.get_data(as_text=True)
    mod = login(app.test_client(), make_user(role="moderator"))
    assert "only moderators should read" in mod.get("/moderation").get_data(as_text=True)
    audit = mod.get("/moderation/audit")
    assert audit.status_code == 200 and "members flagged it as spam" in audit.get_data(as_text=True)
    assert mod.get("/admin").status_code == 200
    assert member.get("/admin").status_code == 404
    admin = login(app.test_client(), make_user(role="admin"))
    assert admin.get("/admin").status_code == 200


def test_flagging_from_the_thread_page_reaches_the_queue_page(db, app, make_user, make_thread,
                                                              make_post, login):
    post = make_post(thread=make_thread(), body="Visit my shop for cheap stuff")
    member = login(app.test_client(), make_user())
    page = member.get(f"/threads/{post.thread_id}").get_data(as_text=True)
    assert f"/posts/{post.id}/flag" in page
    resp = member.post(f"/posts/{post.id}/flag", data={"reason": "spam", "note": "shop link",
                                                       "csrf_token": _csrf(member)})
    assert resp.status_code == 303
    mod = login(app.test_client(), make_user(role="moderator"))
    queue = mod.get("/moderation").get_data(as_text=True)
    assert "cheap stuff" in queue and "shop link" in queue
    item = db.session.scalar(select(ModerationItem))
    resp = mod.post(f"/moderation/items/{item.id}", data={"action": "hide", "reason": "spam shop",
                                                          "csrf_token": _csrf(mod)})
    assert resp.status_code == 303
    db.session.expire_all()
    assert db.session.get(Post, post.id).deleted_at is not None
    log = mod.get("/moderation/audit?action=item_hide").get_data(as_text=True)
    assert "spam shop" in log
    assert db.session.scalar(select(AuditEntry.actor_id).where(AuditEntry.action == "item_hide")) \
        is not None


def test_moderator_locks_a_thread_from_its_page(db, app, make_user, make_thread, login):
    thread = make_thread()
    mod = login(app.test_client(), make_user(role="moderator"))
    assert "Lock" in mod.get(f"/threads/{thread.id}").get_data(as_text=True)
    resp = mod.post(f"/threads/{thread.id}/moderate", data={"action": "lock", "csrf_token": _csrf(mod)})
    assert resp.status_code == 303
    db.session.expire_all()
    assert db.session.get(type(thread), thread.id).is_locked
    member = login(app.test_client(), make_user())
    assert member.post(f"/threads/{thread.id}/moderate",
                       data={"action": "unlock", "csrf_token": _csrf(member)}).status_code == 403
