"""What happens to uploads over time: linked to the posts that show them as those are
written and edited, purged when nothing showed them within a day, deleted with an
erased account."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from community.models import Upload, UploadLink, utcnow
from community.people import erasure
from community.services import threads
from community.uploads import purge
from tests.conftest import PASSWORD
from tests.test_storage_faults import disk_full
from tests.uploads.conftest import PDF, png


def _files(app) -> set[str]:
    root = Path(app.config["UPLOAD_STORAGE_DIR"])
    return {p.relative_to(root).parts[1] for p in root.rglob("*") if p.is_file()}


def _links(db, upload_id: str) -> list[tuple[int, int | None]]:
    db.session.expire_all()
    rows = db.session.execute(select(UploadLink.thread_id, UploadLink.post_id).where(
        UploadLink.upload_id == upload_id).order_by(UploadLink.id)).all()
    db.session.commit()
    return [tuple(r) for r in rows]


def _age(db, upload_id: str, hours: float) -> None:
    db.session.get(Upload, upload_id).created_at = utcnow() - timedelta(hours=hours)
    db.session.commit()


def test_replies_link_the_uploads_they_show_and_edits_relink_them(
        app, db, member_client, make_thread, send):
    thread = make_thread()
    first = send(member_client, png(), "one.png").get_json()
    second = send(member_client, PDF, "two.pdf").get_json()
    post = member_client.post(f"/api/v1/threads/{thread.id}/posts", json={
        "body": f"{first['markdown']} and again {first['url']} plus {second['markdown']}"}).get_json()
    assert _links(db, first["id"]) == [(thread.id, post["id"])]  # once, however often shown
    assert _links(db, second["id"]) == [(thread.id, post["id"])]
    assert member_client.patch(f"/api/v1/posts/{post['id']}",
                               json={"body": f"Only {second['markdown']} now"}).status_code == 200
    assert _links(db, first["id"]) == []
    assert _links(db, second["id"]) == [(thread.id, post["id"])]
    # An address of an upload that does not exist links nothing and breaks nothing.
    resp = member_client.patch(f"/api/v1/posts/{post['id']}",
                               json={"body": f"Gone /uploads/{'a' * 32}/x.png"})
    assert resp.status_code == 200 and _links(db, second["id"]) == []


def test_the_purge_deletes_only_old_uploads_no_post_shows(
        app, db, member_client, make_thread, send):
    thread = make_thread()
    shown = send(member_client, png(), "shown.png").get_json()
    abandoned = send(member_client, png(), "abandoned.png").get_json()
    fresh = send(member_client, png(), "fresh.png").get_json()
    member_client.post(f"/api/v1/threads/{thread.id}/posts",
                       json={"body": f"Look: {shown['markdown']}"})
    for upload in (shown, abandoned):
        _age(db, upload["id"], 25)
    _age(db, fresh["id"], 2)
    assert _files(app) == {shown["id"], abandoned["id"], fresh["id"]}
    assert purge.purge_orphans(db.session) == 1
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Upload, abandoned["id"]) is None
    assert {u.id for u in db.session.scalars(select(Upload))} == {shown["id"], fresh["id"]}
    assert _files(app) == {shown["id"], fresh["id"]}  # the files went after the commit
    assert member_client.get(abandoned["url"]).status_code == 404
    assert member_client.get(shown["url"]).status_code == 200
    db.session.commit()
    # The worker's loop does the same, and a rollback would have kept the files.
    _age(db, fresh["id"], 30)
    purge.run_purger(app, rounds=1)
    assert _files(app) == {shown["id"]}


def test_a_purge_rolled_back_keeps_the_files(app, db, member_client, send):
    upload = send(member_client, png(), "kept.png").get_json()
    _age(db, upload["id"], 48)
    assert purge.purge_orphans(db.session) == 1
    db.session.rollback()
    assert _files(app) == {upload["id"]}
    assert db.session.get(Upload, upload["id"]) is not None


def test_an_erased_account_takes_its_uploads_with_it(
        app, db, make_user, client_for, make_thread, send):
    ada, zed = make_user(), make_user()
    ada_api, zed_api = client_for(ada), client_for(zed)
    thread = make_thread()
    posted = send(ada_api, png(), "me.png").get_json()
    draft = send(ada_api, PDF, "cv.pdf").get_json()
    kept = send(zed_api, png(), "zed.png").get_json()
    post = threads.create_post(db.session, db.session.merge(thread), by=ada,
                               body=f"Here I am {posted['markdown']}")
    db.session.commit()
    assert zed_api.get(posted["url"]).status_code == 200
    resp = ada_api.delete("/api/v1/me", json={"password": PASSWORD})
    assert resp.status_code in (200, 202, 204), resp.get_json()
    db.session.expire_all()
    assert db.session.scalars(select(Upload.id).where(Upload.owner_id == ada.id)).all() == []
    assert _files(app) == {kept["id"]}
    for url in (posted["url"], draft["url"]):
        assert zed_api.get(url).status_code == 404
    assert _links(db, posted["id"]) == []
    assert "Here I am" in db.session.get(type(post), post.id).body  # the text stays
    assert zed_api.get(kept["url"]).status_code == 200


def test_a_content_erasure_job_run_later_leaves_no_upload(app, db, make_user, client_for, send):
    ada = make_user()
    upload = send(client_for(ada), png(), "late.png").get_json()
    job = erasure.erase_account(db.session, db.session.merge(ada), by=db.session.merge(ada),
                                erase_content=True)
    db.session.commit()
    erasure.run_job(db.session, job.id)
    db.session.commit()
    assert db.session.get(Upload, upload["id"]) is None and _files(app) == set()


def test_a_full_disk_leaves_no_file_without_its_row(app, db, member_client, send):
    """SQLite's own SQLITE_FULL (tests/test_storage_faults.py): the upload whose row
    could not be written answers 503 and its files are deleted again."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("the full disk is SQLite's max_page_count")
    app.config["UPLOAD_DAILY_COUNT"] = 500
    db.session.commit()
    answers = []
    with disk_full(app):
        for n in range(200):
            resp = send(member_client, PDF, f"n{n}.pdf")
            answers.append(resp.status_code)
            if resp.status_code != 201:
                break
    assert answers[-1] == 503 and set(answers[:-1]) <= {201}
    assert resp.get_json()["error"]["code"] == "unavailable"
    db.session.expire_all()
    rows = set(db.session.scalars(select(Upload.id)))
    db.session.commit()
    assert len(rows) == len(answers) - 1 and _files(app) == rows
    assert send(member_client, PDF, "after.pdf").status_code == 201  # room again
