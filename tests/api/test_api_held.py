"""A new member's post with a link is held for a moderator's approval: the answer says
so, its author still reads it (marked as held), everybody else gets a 404 until a
moderator approves it."""

from __future__ import annotations

from community.models import ModerationItem
from community.moderation import queue

LINKED = "It is documented at https://docs.example/setup, see the second section."


def _approve(db, target_type: str, target_id: int, moderator) -> None:
    db.session.rollback()
    item = db.session.query(ModerationItem).filter_by(target_type=target_type,
                                                      target_id=target_id).one()
    queue.act(db.session, item, by=moderator, action="restore")
    db.session.commit()


def test_a_held_post_is_said_held_and_stays_readable_by_its_author_alone(
        db, client_for, make_user, make_thread, client):
    author, other = make_user(), make_user()
    thread = make_thread()
    mine = client_for(author)
    resp = mine.post(f"/api/v1/threads/{thread.id}/posts", json={"body": LINKED})
    assert resp.status_code == 201
    assert resp.get_json()["held"] is True
    post_id = resp.get_json()["id"]

    own = mine.get(f"/api/v1/posts/{post_id}")
    assert own.status_code == 200 and own.get_json()["held"] is True
    listed = {p["id"]: p for p in mine.get(f"/api/v1/threads/{thread.id}").get_json()["posts"]}
    assert listed[post_id]["held"] is True

    for reader in (client, client_for(other)):
        assert reader.get(f"/api/v1/posts/{post_id}").status_code == 404
        posts = reader.get(f"/api/v1/threads/{thread.id}").get_json()["posts"]
        assert post_id not in [p["id"] for p in posts]
    # Reading is all the author may do with it until it is approved.
    assert mine.patch(f"/api/v1/posts/{post_id}", json={"body": "Edited while held."}) \
        .status_code == 404

    _approve(db, "post", post_id, make_user(role="moderator"))
    seen = client.get(f"/api/v1/posts/{post_id}")
    assert seen.status_code == 200 and seen.get_json()["held"] is False


def test_a_held_thread_is_said_held_and_stays_readable_by_its_author_alone(
        db, client_for, make_user, make_space, client):
    space = make_space()
    mine = client_for(make_user())
    resp = mine.post("/api/v1/threads", json={"space": space.slug, "kind": "question",
                                              "title": "Where is the setup guide?", "body": LINKED})
    assert resp.status_code == 201
    assert resp.get_json()["held"] is True
    thread_id = resp.get_json()["id"]

    own = mine.get(f"/api/v1/threads/{thread_id}")
    assert own.status_code == 200 and own.get_json()["held"] is True
    assert client.get(f"/api/v1/threads/{thread_id}").status_code == 404
    assert client_for(make_user()).get(f"/api/v1/threads/{thread_id}").status_code == 404
    # Nobody answers a thread that is not published yet, its author included.
    assert mine.post(f"/api/v1/threads/{thread_id}/posts",
                     json={"body": "An answer to my own held thread."}).status_code == 404

    _approve(db, "thread", thread_id, make_user(role="moderator"))
    assert client.get(f"/api/v1/threads/{thread_id}").get_json()["held"] is False


def test_a_post_a_moderator_deleted_stays_gone_for_its_author(
        db, client_for, make_user, make_thread):
    author = make_user()
    thread = make_thread()
    mine = client_for(author)
    post_id = mine.post(f"/api/v1/threads/{thread.id}/posts", json={"body": LINKED}).get_json()["id"]
    db.session.rollback()
    item = db.session.query(ModerationItem).filter_by(target_type="post", target_id=post_id).one()
    queue.act(db.session, item, by=make_user(role="moderator"), action="delete")
    db.session.commit()
    assert mine.get(f"/api/v1/posts/{post_id}").status_code == 404
    posts = mine.get(f"/api/v1/threads/{thread.id}").get_json()["posts"]
    assert post_id not in [p["id"] for p in posts]
