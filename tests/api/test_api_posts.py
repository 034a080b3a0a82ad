"""POST /threads/{id}/posts, GET/PATCH/DELETE /posts/{id}, POST /posts/{id}/restore."""

from __future__ import annotations

from api_helpers import assert_error

from community.models import Post, Revision, Thread


def test_a_member_answers_a_question(member_client, make_thread, db):
    thread = make_thread()
    resp = member_client.post(f"/api/v1/threads/{thread.id}/posts",
                              json={"body": "Try `reset --hard`, it *works*."})
    assert resp.status_code == 201, resp.json
    post = resp.json
    assert set(post) >= {"id", "thread_id", "author", "body", "body_html", "score", "my_vote",
                         "is_accepted", "is_official", "created_at", "edited_at"}
    assert post["thread_id"] == thread.id
    assert "<code>reset --hard</code>" in post["body_html"] and "<em>works</em>" in post["body_html"]
    assert post["is_accepted"] is False and post["score"] == 0 and post["edited_at"] is None
    db.session.expire_all()
    refreshed = db.session.get(Thread, thread.id)
    assert refreshed.post_count == 1
    assert client_status(member_client, thread.id) == "answered"


def client_status(api, thread_id):
    return api.get(f"/api/v1/threads/{thread_id}").json["status"]


def test_a_guest_cannot_answer(client, make_thread):
    thread = make_thread()
    assert_error(client.post(f"/api/v1/threads/{thread.id}/posts", json={"body": "Guest answer"}),
                 401, "unauthorized")
    assert client.get(f"/api/v1/threads/{thread.id}").json["posts"] == []


def test_an_empty_answer_is_a_field_error(member_client, make_thread):
    thread = make_thread()
    assert_error(member_client.post(f"/api/v1/threads/{thread.id}/posts", json={"body": " "}),
                 422, "validation_error", field="body")
    assert_error(member_client.post(f"/api/v1/threads/{thread.id}/posts", json={}),
                 422, "validation_error", field="body")
    assert member_client.get(f"/api/v1/threads/{thread.id}").json["posts"] == []


def test_answering_a_locked_thread_is_403(member_client, moderator_client, make_thread, db):
    thread = make_thread()
    thread.is_locked = True
    db.session.commit()
    err = assert_error(member_client.post(f"/api/v1/threads/{thread.id}/posts",
                                          json={"body": "Can I still answer?"}), 403, "forbidden")
    assert "locked" in err["message"].lower()
    assert db.session.query(Post).count() == 0
    # Moderators can still speak in a locked thread.
    assert moderator_client.post(f"/api/v1/threads/{thread.id}/posts",
                                 json={"body": "Locked for a reason."}).status_code == 201


def test_the_author_edits_a_post_and_a_revision_is_kept(client_for, make_user, make_thread,
                                                        make_post, db):
    author = make_user()
    post = make_post(thread=make_thread(), author=author, body="First version of the answer")
    resp = client_for(author).patch(f"/api/v1/posts/{post.id}",
                                    json={"body": "Second **version** of the answer"})
    assert resp.status_code == 200, resp.json
    assert resp.json["body"] == "Second **version** of the answer"
    assert "<strong>version</strong>" in resp.json["body_html"]
    assert resp.json["edited_at"] is not None
    (rev,) = db.session.query(Revision).filter_by(post_id=post.id).all()
    assert rev.body == "First version of the answer" and rev.editor_id == author.id


def test_others_cannot_edit_a_post_without_the_privilege(client_for, make_user, make_thread,
                                                         make_post, moderator_client):
    post = make_post(thread=make_thread(), body="Leave my answer alone")
    err = assert_error(client_for(make_user()).patch(f"/api/v1/posts/{post.id}",
                                                     json={"body": "Vandalised"}), 403, "forbidden")
    assert "1000" in err["message"]
    assert moderator_client.patch(f"/api/v1/posts/{post.id}",
                                  json={"body": "Moderated text"}).status_code == 200
    assert client_for(make_user(reputation=1000)).patch(
        f"/api/v1/posts/{post.id}", json={"body": "Improved text"}).status_code == 200


def test_delete_is_soft_hidden_from_members_and_decrements_the_count(
        client_for, make_user, make_thread, make_post, client, moderator_client, db):
    author = make_user()
    thread = make_thread()
    post = make_post(thread=thread, author=author)
    other = make_post(thread=thread)
    api = client_for(author)
    resp = api.delete(f"/api/v1/posts/{post.id}")
    assert resp.status_code == 204 and resp.get_data() == b""
    db.session.expire_all()
    assert db.session.get(Post, post.id).deleted_at is not None  # still there: soft delete
    assert db.session.get(Thread, thread.id).post_count == 1
    for reader in (client, api, client_for(make_user())):
        assert_error(reader.get(f"/api/v1/posts/{post.id}"), 404, "not_found")
        ids = [p["id"] for p in reader.get(f"/api/v1/threads/{thread.id}").json["posts"]]
        assert ids == [other.id]
    # Moderators still see it, marked as deleted.
    posts = moderator_client.get(f"/api/v1/threads/{thread.id}").json["posts"]
    assert {p["id"]: p["is_deleted"] for p in posts} == {post.id: True, other.id: False}
    # A deleted post is gone for its author too: a second delete is a 404, not a double decrement.
    assert_error(api.delete(f"/api/v1/posts/{post.id}"), 404)
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).post_count == 1


def test_deleting_twice_as_moderator_decrements_once(moderator_client, make_thread, make_post, db):
    thread = make_thread()
    post = make_post(thread=thread)
    assert moderator_client.delete(f"/api/v1/posts/{post.id}").status_code == 204
    assert moderator_client.delete(f"/api/v1/posts/{post.id}").status_code == 204
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).post_count == 0


def test_only_the_author_or_a_moderator_deletes(client_for, make_user, make_thread, make_post, db):
    post = make_post(thread=make_thread())
    assert_error(client_for(make_user(reputation=5000)).delete(f"/api/v1/posts/{post.id}"),
                 403, "forbidden")
    db.session.expire_all()
    assert db.session.get(Post, post.id).deleted_at is None


def test_a_moderator_restores_a_deleted_post(moderator_client, client, make_thread, make_post, db):
    thread = make_thread()
    post = make_post(thread=thread)
    assert moderator_client.delete(f"/api/v1/posts/{post.id}").status_code == 204
    resp = moderator_client.post(f"/api/v1/posts/{post.id}/restore")
    assert resp.status_code == 200, resp.json
    assert resp.json["is_deleted"] is False
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).post_count == 1
    assert client.get(f"/api/v1/posts/{post.id}").status_code == 200


def test_members_cannot_restore(client_for, make_user, make_thread, make_post, moderator_client):
    author = make_user()
    post = make_post(thread=make_thread(), author=author)
    assert moderator_client.delete(f"/api/v1/posts/{post.id}").status_code == 204
    # The author no longer sees the post at all: a 404, not a 403.
    assert_error(client_for(author).post(f"/api/v1/posts/{post.id}/restore"), 404, "not_found")
    visible = make_post(thread=make_thread())
    assert_error(client_for(author).post(f"/api/v1/posts/{visible.id}/restore"), 403, "forbidden")


def test_deleting_the_accepted_answer_unaccepts_it(client_for, make_user, make_thread, make_post,
                                                   moderator_client, db):
    asker = make_user()
    thread = make_thread(author=asker)
    post = make_post(thread=thread)
    assert client_for(asker).post(f"/api/v1/threads/{thread.id}/accept",
                                  json={"post_id": post.id}).status_code == 200
    assert moderator_client.delete(f"/api/v1/posts/{post.id}").status_code == 204
    db.session.expire_all()
    t = db.session.get(Thread, thread.id)
    assert t.accepted_post_id is None and t.status == "open"
