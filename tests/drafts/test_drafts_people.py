"""Drafts are personal data: erased with the account, in its export, purged when forgotten."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from community.models import Draft, utcnow
from community.people.retention import purge
from community.services import drafts

PASSWORD = "correct-horse-battery"


def _save(db, user, key, body, title=None):
    drafts.save(db.session, user, key, body=body, title=title)
    db.session.commit()


def _keys(db) -> list[tuple]:
    db.session.rollback()
    return list(db.session.execute(select(Draft.user_id, Draft.key).order_by(Draft.id)))


def test_erasing_an_account_erases_its_drafts(db, client_for, make_user, make_thread,
                                              make_space):
    ada, bob = make_user(), make_user()
    thread, space = make_thread(), make_space()
    _save(db, ada, f"thread:{thread.id}", "Ada's unposted answer")
    _save(db, ada, f"new:{space.id}", "Ada's unposted question", title="A question by Ada")
    _save(db, bob, f"thread:{thread.id}", "Bob's unposted answer")
    resp = client_for(ada).delete("/api/v1/me", json={"password": PASSWORD})
    assert resp.status_code == 202
    assert _keys(db) == [(bob.id, f"thread:{thread.id}")]


def test_the_export_holds_the_member_s_drafts_and_nobody_else_s(db, client_for, make_user,
                                                                make_thread, make_space):
    ada, bob = make_user(), make_user()
    thread, space = make_thread(), make_space()
    _save(db, ada, f"thread:{thread.id}", "Ada's unposted answer")
    _save(db, ada, f"new:{space.id}", "Ada's unposted question", title="A question by Ada")
    _save(db, bob, f"thread:{thread.id}", "Bob's unposted answer")
    data = client_for(ada).get("/api/v1/me/export").get_json()
    assert [(d["key"], d["title"], d["body"], d["thread_id"], d["space_id"])
            for d in data["drafts"]] == [
        (f"thread:{thread.id}", None, "Ada's unposted answer", thread.id, None),
        (f"new:{space.id}", "A question by Ada", "Ada's unposted question", None, space.id)]
    assert all(d["updated_at"].endswith("+00:00") for d in data["drafts"])
    assert "Bob's unposted answer" not in str(data)


def test_the_retention_purge_deletes_forgotten_drafts_only(app, db, make_user, make_thread):
    member = make_user()
    old_thread, new_thread = make_thread(), make_thread()
    _save(db, member, f"thread:{old_thread.id}", "Left weeks ago")
    _save(db, member, f"thread:{new_thread.id}", "Still being written")
    old = db.session.scalar(select(Draft).where(Draft.key == f"thread:{old_thread.id}"))
    old.updated_at = utcnow() - timedelta(days=31)
    db.session.commit()
    counts = purge(db.session)
    db.session.commit()
    assert counts["drafts"] == 1
    assert _keys(db) == [(member.id, f"thread:{new_thread.id}")]
    # The setting rules: a week later, with a 5-day retention, the other goes too.
    app.config["DRAFT_RETENTION_DAYS"] = 5
    assert purge(db.session, now=utcnow() + timedelta(days=7))["drafts"] == 1
    db.session.commit()
    assert _keys(db) == []


def test_a_thread_removed_for_good_takes_its_drafts_along(db, make_user, make_thread):
    member, thread = make_user(), make_thread()
    _save(db, member, f"thread:{thread.id}", "An answer to a thread about to vanish")
    db.session.delete(db.session.merge(thread))
    db.session.commit()
    assert _keys(db) == []
