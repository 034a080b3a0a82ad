"""Who reads an upload: its space bounds it, then its owner, then whoever may read a
thread or reply that shows it. Checked on every surface: the file's address (and its
thumbnail), the thread page, search."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from community.models import UploadLink
from tests.uploads.conftest import png


@pytest.fixture
def people(make_user, client_for):
    def api(role):
        user = make_user(role=role)
        c = client_for(user)
        c.user = user
        return c

    return {"staff": api("employee"), "member": api("member"), "other": api("member"),
            "moderator": api("moderator")}


def _thread(client, space, body: str, title: str = "How should we price the new grinder?"):
    resp = client.post("/api/v1/threads", json={"space": space, "kind": "question",
                                                "title": title, "body": body})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def test_a_staff_space_upload_is_unreadable_by_members_and_guests_everywhere(
        app, db, client, people, make_space, send, drain):
    make_space(slug="back-office", visibility="staff")
    staff = people["staff"]
    answer = send(staff, png(), "margins-q4.png", space="back-office").get_json()
    thread = _thread(staff, "back-office",
                     f"Internal margins, see {answer['markdown']} zanzibarite figures.")
    assert db.session.scalar(select(UploadLink.thread_id).where(
        UploadLink.upload_id == answer["id"])) == thread["id"]
    db.session.commit()  # outside a request a transaction holds SQLite's write lock
    drain()
    for path in (answer["url"], answer["thumbnail_url"]):
        assert staff.get(path).status_code == 200
        assert people["moderator"].get(path).status_code == 200
        for reader in (people["member"], client):
            resp = reader.get(path)
            assert resp.status_code == 404
            # The error page, never the picture (it only repeats the address asked for).
            assert resp.mimetype == "text/html" and b"RIFF" not in resp.data
            assert b"\x89PNG" not in resp.data
    # The thread page that shows it, and search, are the same 404 / nothing.
    assert "margins-q4.png" in staff.get(f"/threads/{thread['id']}").get_data(as_text=True)
    for reader in (people["member"], client):
        assert reader.get(f"/threads/{thread['id']}").status_code == 404
        for q in ("zanzibarite", "margins-q4"):
            found = reader.get("/api/v1/search", query_string={"q": q}).get_json()
            assert found["items"] == [] and found["total"] == 0
            page = reader.get("/search", query_string={"q": q}).get_data(as_text=True)
            # (The search box repeats the words asked for; nothing of the thread is shown.)
            assert answer["id"] not in page and "price the new grinder" not in page
    assert staff.get("/api/v1/search", query_string={"q": "zanzibarite"}).get_json()["total"] == 1


def test_a_staff_space_upload_shown_in_a_public_thread_stays_staff_only(
        app, db, client, people, make_space, send):
    """Posting the address in a public thread does not widen who reads it: the page
    shows a broken picture to members, never the file."""
    make_space(slug="back-office", visibility="staff")
    make_space(slug="general")
    staff = people["staff"]
    answer = send(staff, png(), "roadmap.png", space="back-office").get_json()
    thread = _thread(staff, "general", f"Look at this: {answer['markdown']} please comment.")
    page = client.get(f"/threads/{thread['id']}").get_data(as_text=True)
    assert f'<img src="{answer["url"]}"' in page  # the sanitiser keeps same-site images
    assert client.get(answer["url"]).status_code == 404
    assert people["member"].get(answer["url"]).status_code == 404


def test_a_members_only_space_upload_needs_a_signed_in_member(
        app, db, client, people, make_space, send):
    make_space(slug="customers", visibility="members")
    member = people["member"]
    answer = send(member, png(), "setup.png", space="customers").get_json()
    _thread(member, "customers", f"My setup: {answer['markdown']} what is wrong here?")
    assert people["other"].get(answer["url"]).status_code == 200
    resp = client.get(answer["url"])
    assert resp.status_code == 404 and resp.data != member.get(answer["url"]).data


def test_an_upload_is_its_owners_alone_until_a_post_shows_it(
        app, db, client, people, make_space, send):
    make_space(slug="general")
    owner, other = people["member"], people["other"]
    answer = send(owner, png(), "draft.png").get_json()
    mine = owner.get(answer["url"])
    assert mine.status_code == 200 and mine.headers["Cache-Control"] == "private, no-cache"
    assert other.get(answer["url"]).status_code == 404
    assert client.get(answer["url"]).status_code == 404
    thread = _thread(owner, "general", f"Here it is {answer['markdown']} what do you think?")
    public = client.get(answer["url"])
    assert public.status_code == 200 and public.data == mine.data
    assert public.headers["Cache-Control"] == "public, max-age=300"
    assert public.headers["X-Content-Type-Options"] == "nosniff"
    # Revalidation by ETag answers 304 without the bytes.
    again = client.get(answer["url"], headers={"If-None-Match": public.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    # An edit that drops the picture takes the public copy away again.
    resp = owner.patch(f"/api/v1/threads/{thread['id']}",
                       json={"body": "I removed the picture from this question."})
    assert resp.status_code == 200
    assert client.get(answer["url"]).status_code == 404
    assert owner.get(answer["url"]).status_code == 200


def test_a_deleted_reply_no_longer_shows_its_upload_except_to_moderators(
        app, db, client, people, make_space, make_thread, send):
    thread = make_thread(space=make_space(slug="general"))
    author = people["member"]
    answer = send(author, png(), "answer.png").get_json()
    post = author.post(f"/api/v1/threads/{thread.id}/posts",
                       json={"body": f"Try this: {answer['markdown']}"}).get_json()
    picture = client.get(answer["url"]).data
    assert picture.startswith(b"\x89PNG")
    assert author.delete(f"/api/v1/posts/{post['id']}").status_code == 204
    for reader in (client, people["other"]):
        resp = reader.get(answer["url"])
        assert resp.status_code == 404 and picture not in resp.data
    assert people["moderator"].get(answer["url"]).data == picture
    assert author.get(answer["url"]).data == picture  # still its owner's
    db.session.expire_all()
    assert _links_of(db, answer["id"]) == [(thread.id, post["id"])]  # restorable


def _links_of(db, upload_id):
    rows = db.session.execute(select(UploadLink.thread_id, UploadLink.post_id).where(
        UploadLink.upload_id == upload_id)).all()
    db.session.commit()
    return [tuple(r) for r in rows]


def test_a_misnamed_or_malformed_address_is_the_same_404(app, db, client, people, send):
    owner = people["member"]
    answer = send(owner, png(), "ok.png").get_json()
    unknown = owner.get(f"/uploads/{'0' * 32}/ok.png")
    assert unknown.status_code == 404
    message = "Nothing was found at this address."
    assert message in unknown.get_data(as_text=True)
    for path in (answer["url"].replace("ok.png", "other.png"), "/uploads/zz/ok.png",
                 f"/uploads/{answer['id']}/thumb/other.png", "/uploads/../../etc/passwd"):
        resp = owner.get(path)
        assert resp.status_code == 404 and message in resp.get_data(as_text=True), path
