"""Erasure: the account is anonymised at once and its name leaves every page, answer,
search result, notification and leaderboard, while the threads stay readable."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from sqlalchemy import func, select

from community.extensions import db as _db
from community.extensions import socketio
from community.models import (
    AccountEmail,
    AuditEntry,
    EmailToken,
    ErasureJob,
    LedgerEntry,
    Post,
    Thread,
    User,
    UserIdentity,
    UserSession,
)
from community.people import erasure
from community.search.outbox import drain_outbox
from tests.conftest import PASSWORD, csrf_token

ADA_TRACES = ("Ada Lovelace", "ada_l", "ada@private.example")


def _drain(app) -> None:
    _db.session.commit()  # the test's own reads hold SQLite's lock outside a request
    while drain_outbox(app):
        pass


def _clean(text: str) -> None:
    for trace in ADA_TRACES:
        assert trace not in text, trace


def test_a_wrong_password_changes_nothing(db, client_for, two_people):
    api = client_for(two_people.ada)
    for body in ({"password": "not-my-password"}, {}, {"password": None}):
        resp = api.delete("/api/v1/me", json=body)
        assert resp.status_code == 422, resp.get_json()
        assert "password" in resp.get_json()["error"]["fields"]
    me = api.get("/api/v1/me")
    assert me.status_code == 200 and me.get_json()["email"] == "ada@private.example"


def test_erasure_ends_every_credential_and_leaves_no_trace_of_the_name(
        app, db, client_for, two_people, browser):
    p = two_people
    api, zed_api = client_for(p.ada), client_for(p.zed)
    signed_in = browser(p.ada)
    sock = socketio.test_client(app, auth={"token": api.token})
    assert sock.is_connected()
    board = zed_api.get("/api/v1/leaderboard?period=all").get_json()["items"]
    assert "ada_l" in [s["user"]["username"] for s in board]
    _drain(app)

    resp = api.delete("/api/v1/me", json={"password": PASSWORD})
    assert resp.status_code == 202, resp.get_json()

    # Sessions, tokens and sockets ended before the answer.
    assert not sock.is_connected()
    assert api.get("/api/v1/me").status_code == 401
    assert signed_in.get("/api/v1/me").status_code == 401
    again = app.test_client().post("/api/v1/auth/token",
                                   json={"login": "ada_l", "password": PASSWORD})
    assert again.status_code == 401
    db.session.expire_all()
    ada = db.session.get(User, p.ada.id)
    assert ada.username.startswith("deleted-") and ada.display_name == ada.username
    assert ada.email is None and ada.password_hash is None and ada.erased_at is not None
    assert db.session.scalar(select(UserSession.id).where(UserSession.user_id == ada.id)) is None

    # Pages: the threads stay readable, her answer under the placeholder.
    guest = browser()
    for url in (f"/threads/{p.zed_thread.id}", f"/threads/{p.ada_thread.id}",
                f"/spaces/{p.space.slug}", "/leaderboard?period=all", "/search?q=vinegar"):
        page = guest.get(url)
        assert page.status_code == 200, url
        _clean(page.get_data(as_text=True))
    thread_page = guest.get(f"/threads/{p.zed_thread.id}").get_data(as_text=True)
    assert "Ada answers: purge the wand with vinegar." in thread_page and ada.username in thread_page
    assert guest.get("/users/ada_l").status_code == 404
    assert guest.get(f"/users/{ada.username}").status_code == 404

    # The API: profile gone, thread answers attributed to the placeholder.
    assert zed_api.get("/api/v1/users/ada_l").status_code == 404
    thread_json = zed_api.get(f"/api/v1/threads/{p.zed_thread.id}")
    assert thread_json.status_code == 200
    _clean(thread_json.get_data(as_text=True))

    # Zed's notification about her answer names the placeholder, in the API and the page.
    notes = zed_api.get("/api/v1/notifications")
    _clean(notes.get_data(as_text=True))
    actors = [n["actor"]["username"] for n in notes.get_json()["items"] if n.get("actor")]
    assert ada.username in actors
    _clean(browser(p.zed).get("/notifications").get_data(as_text=True))

    # The leaderboard dropped her.
    board = zed_api.get("/api/v1/leaderboard?period=all").get_json()["items"]
    assert ada.id not in [s["user"]["id"] for s in board]

    # The real Whoosh index: her words still find the thread, her name finds nothing.
    _drain(app)
    hits = zed_api.get("/api/v1/search?q=vinegar").get_json()["items"]
    assert [h["thread_id"] for h in hits] == [p.zed_thread.id]
    _clean(zed_api.get("/api/v1/search?q=vinegar").get_data(as_text=True))
    for name in ("Lovelace", "ada_l"):
        assert zed_api.get(f"/api/v1/search?q={name}").get_json()["items"] == []

    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account_erase"))
    assert entry.target_id == ada.id and entry.data["by_self"] is True
    _clean(str(entry.data))


def test_erase_content_removes_what_the_account_wrote(app, db, client_for, two_people, browser):
    p = two_people
    _drain(app)
    zed_api = client_for(p.zed)
    assert p.ada_thread.id in [h["thread_id"] for h in
                               zed_api.get("/api/v1/search?q=descale").get_json()["items"]]
    resp = client_for(p.ada).delete("/api/v1/me",
                                    json={"password": PASSWORD, "erase_content": True})
    assert resp.status_code == 202 and resp.get_json()["content_removal"] == "done"
    guest = browser()
    zed_page = guest.get(f"/threads/{p.zed_thread.id}").get_data(as_text=True)
    assert "Zed asks about steam wands" in zed_page  # Zed's thread stays
    assert "purge the wand" not in zed_page and "Ada comments" not in zed_page
    assert guest.get(f"/threads/{p.ada_thread.id}").status_code == 404
    assert zed_api.get(f"/api/v1/posts/{p.ada_post.id}").status_code == 404
    db.session.expire_all()
    assert db.session.get(Post, p.ada_post.id).body == ""
    assert db.session.get(Thread, p.ada_thread.id).body == ""
    # The points Zed's upvote earned on the removed answer went back (system reversal).
    earned = db.session.scalar(select(func.sum(LedgerEntry.points)).where(
        LedgerEntry.post_id == p.ada_post.id, LedgerEntry.user_id == p.ada.id))
    assert earned == 0
    _drain(app)
    for words in ("descale", "vinegar", "grinder"):
        assert zed_api.get(f"/api/v1/search?q={words}").get_json()["items"] == [], words


def test_content_removal_is_a_durable_job_the_worker_finishes(app, db, two_people, make_user):
    """The process dies between the anonymisation and the removal: the job survives."""
    p = two_people
    job = erasure.erase_account(db.session, p.ada, by=p.ada, erase_content=True)
    db.session.commit()
    assert db.session.get(Post, p.ada_post.id).deleted_at is None  # not yet removed
    erasure.drain_jobs(db.session, max_attempts=5)
    db.session.expire_all()
    assert db.session.get(Post, p.ada_post.id).deleted_at is not None
    assert db.session.get(ErasureJob, job.id).done_at is not None
    assert erasure.drain_jobs(db.session, max_attempts=5) == 0  # done once


def test_the_delete_page_confirms_then_erases_and_signs_out(db, make_user, browser):
    user = make_user(username="leaving", email="leaving@example.test")
    page = browser(user)
    assert page.get("/settings/delete").status_code == 200
    token = csrf_token(page)
    unconfirmed = page.post("/settings/delete", data={"password": PASSWORD, "csrf_token": token})
    assert unconfirmed.status_code == 422
    assert "Tick the box to confirm." in unconfirmed.get_data(as_text=True)
    wrong = page.post("/settings/delete", data={"password": "nope-nope-nope", "confirm": "on",
                                                "csrf_token": token})
    assert wrong.status_code == 422 and "This is not your password." in wrong.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).erased_at is None
    done = page.post("/settings/delete", data={"password": PASSWORD, "confirm": "on",
                                               "csrf_token": token})
    assert done.status_code == 303
    assert page.get("/api/v1/me").status_code == 401
    db.session.expire_all()
    assert db.session.get(User, user.id).email is None


def test_an_admin_erases_a_member_on_request_but_never_the_last_admin(
        db, make_user, browser, admin_client):
    member = make_user(username="requester", email="requester@example.test")
    admin = make_user(role="admin", username="boss")
    page = browser(admin)
    token = csrf_token(page)
    no_reason = page.post("/admin/users/requester/erase", data={"csrf_token": token})
    assert no_reason.status_code == 422
    resp = page.post("/admin/users/requester/erase",
                     data={"reason": "GDPR request #12", "csrf_token": token})
    assert resp.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, member.id).erased_at is not None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account_erase"))
    assert entry.actor_id == admin.id and entry.reason == "GDPR request #12"
    assert "requester" not in page.get("/admin/users").get_data(as_text=True)
    # Two admins here (boss and admin_client's): erasing one leaves one, who stays.
    ok = admin_client.post("/api/v1/users/boss/erase", json={"reason": "left the company"})
    assert ok.status_code == 202
    me = admin_client.user
    last = admin_client.delete("/api/v1/me", json={"password": PASSWORD})
    assert last.status_code == 409 and "last administrator" in last.get_json()["error"]["message"]
    _db.session.expire_all()
    assert db.session.get(User, me.id).erased_at is None


def test_erasure_removes_the_picture_bio_sign_on_identity_and_emailed_links(
        app, db, client_for, two_people):
    ada = two_people.ada
    api = client_for(ada)
    png = io.BytesIO()
    Image.new("RGB", (120, 90), (200, 30, 40)).save(png, "PNG")
    assert api.put("/api/v1/me/avatar", data={"file": (io.BytesIO(png.getvalue()), "me.png")},
                   content_type="multipart/form-data").status_code == 200
    root = Path(app.config["AVATAR_STORAGE_DIR"])

    def stored_files():
        return [p for p in root.rglob("*") if p.is_file()]

    assert api.patch("/api/v1/me", json={"bio": "Ada's *private* bio",
                                         "timezone": "Europe/Paris"}).status_code == 200
    assert api.post("/api/v1/me/verify-email").status_code == 202  # a link waiting
    db.session.add(UserIdentity(issuer="https://id.acme.example", subject="ada-1",
                                user_id=ada.id))
    db.session.commit()
    assert stored_files()

    assert api.delete("/api/v1/me", json={"password": PASSWORD}).status_code == 202

    db.session.expire_all()
    user = db.session.get(User, ada.id)
    assert (user.bio, user.bio_html, user.timezone, user.avatar_version,
            user.email_verified_at) == (None, None, None, None, None)
    assert stored_files() == []  # every rendition deleted
    for model in (UserIdentity, EmailToken, AccountEmail):
        assert db.session.scalar(select(func.count()).select_from(model)
                                 .where(model.user_id == ada.id)) == 0, model.__name__
