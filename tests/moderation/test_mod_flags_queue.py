"""Flags, thresholds, the review queue and hide/restore across every surface."""

from __future__ import annotations

from sqlalchemy import select

from community.models import AuditEntry, Flag, ModerationItem, Notification


def _flags_on(db, kind, ident) -> list[Flag]:
    return list(db.session.scalars(select(Flag).where(Flag.target_type == kind,
                                                      Flag.target_id == ident)))


def _flag(client, kind, ident, reason="spam", **extra):
    return client.post(f"/api/v1/{kind}/{ident}/flags", json={"reason": reason, **extra})


def test_any_signed_in_member_can_flag_a_post_once(member_client, make_thread, make_post, client):
    post = make_post(thread=make_thread())
    resp = _flag(member_client, "posts", post.id, note="buy pills")
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["reason"] == "spam"
    again = _flag(member_client, "posts", post.id, reason="offensive")
    assert again.status_code == 409
    assert client.post(f"/api/v1/posts/{post.id}/flags", json={"reason": "spam"}).status_code == 401


def test_a_flag_needs_a_known_reason_and_not_your_own_content(db, client_for, make_user,
                                                              make_thread):
    author = make_user()
    thread = make_thread(author=author)
    assert _flag(client_for(make_user()), "threads", thread.id, reason="boring").status_code == 422
    assert _flag(client_for(author), "threads", thread.id).status_code == 403
    assert _flags_on(db, "thread", thread.id) == []
    assert db.session.scalars(select(ModerationItem)).all() == []


def test_a_flag_on_content_you_cannot_read_is_404(db, member_client, make_thread, make_space,
                                                  make_user, employee_client):
    hidden = make_thread(space=make_space(visibility="staff"), author=make_user(role="employee"))
    assert _flag(member_client, "threads", hidden.id).status_code == 404
    assert _flags_on(db, "thread", hidden.id) == []
    assert employee_client.get(f"/api/v1/threads/{hidden.id}").status_code == 200  # not hidden


def test_three_member_flags_hide_a_post_and_tell_the_author_why(
        db, client_for, make_user, make_thread, make_post, client):
    thread = make_thread()
    author = make_user()
    post = make_post(thread=thread, author=author, body="Cheap watches at spam.example")
    for _ in range(2):
        assert _flag(client_for(make_user()), "posts", post.id).status_code == 201
    assert client.get(f"/api/v1/posts/{post.id}").status_code == 200  # below the threshold
    assert _flag(client_for(make_user()), "posts", post.id).status_code == 201
    assert client.get(f"/api/v1/posts/{post.id}").status_code == 404
    body = client.get(f"/api/v1/threads/{thread.id}").get_json()
    assert post.id not in [p["id"] for p in body["posts"]]
    note = db.session.scalar(select(Notification).where(
        Notification.user_id == author.id, Notification.verb == "content_hidden"))
    assert note is not None and "spam" in note.data["reason"]
    inbox = client_for(author).get("/api/v1/notifications").get_json()["items"]
    assert any("hidden" in n["text"] and "spam" in n["text"] for n in inbox)


def test_one_moderator_flag_or_a_champion_flag_hides_at_once(
        db, client_for, make_user, make_thread, make_post, client):
    for flagger in (make_user(role="moderator"), make_user(reputation=3000)):
        thread = make_thread()
        post = make_post(thread=thread)
        assert client.get(f"/api/v1/posts/{post.id}").status_code == 200
        assert _flag(client_for(flagger), "posts", post.id).status_code == 201
        assert client.get(f"/api/v1/posts/{post.id}").status_code == 404
        shown = client.get(f"/api/v1/threads/{thread.id}").get_json()["posts"]
        assert post.id not in [p["id"] for p in shown]
        item = db.session.scalar(select(ModerationItem).where(ModerationItem.target_id == post.id,
                                                              ModerationItem.target_type == "post"))
        assert item.hidden and item.state == "open"


def test_flaggers_whose_flags_were_rejected_weigh_less(db, client_for, make_user, make_thread,
                                                       make_post, moderator_client):
    from community.moderation.flags import credibility

    flagger = make_user()
    c = client_for(flagger)
    for _ in range(3):
        post = make_post(thread=make_thread())
        assert _flag(c, "posts", post.id).status_code == 201
        item = db.session.scalar(select(ModerationItem).where(ModerationItem.target_id == post.id,
                                                              ModerationItem.target_type == "post"))
        assert moderator_client.post(f"/api/v1/moderation/items/{item.id}",
                                     json={"action": "dismiss"}).status_code == 200
    assert credibility(db.session, flagger.id) < 0.5
    post = make_post(thread=make_thread())
    resp = _flag(c, "posts", post.id)
    assert resp.get_json()["weight"] < 0.5


def test_hidden_post_vanishes_from_every_surface_and_comes_back_on_restore(
        db, app, client_for, make_user, make_thread, make_post, moderator_client, client):
    from community.models import Post
    from community.search.outbox import drain_outbox as _drain

    def drain_outbox(app):
        db.session.commit()  # the shared test session must not hold SQLite's write lock
        _drain(app)

    follower = make_user()
    thread = make_thread(body="A question about grinding coffee beans finely.")
    fc = client_for(follower)
    fc.put(f"/api/v1/threads/{thread.id}/follow")
    author = make_user()
    post = make_post(thread=thread, author=author, body="Zanzibarish grinder advice here")
    drain_outbox(app)
    assert client.get("/api/v1/search?q=zanzibarish").get_json()["total"] == 1
    assert any(n["thread_id"] == thread.id for n in fc.get("/api/v1/notifications").get_json()["items"])

    assert _flag(moderator_client, "posts", post.id, reason="offensive").status_code == 201
    drain_outbox(app)
    # API, thread page, list counts, search, notifications: gone for non-staff.
    assert client.get(f"/api/v1/posts/{post.id}").status_code == 404
    assert b"Zanzibarish" not in client.get(f"/threads/{thread.id}").data
    listed = client.get("/api/v1/threads").get_json()["items"]
    assert [t["answer_count"] for t in listed if t["id"] == thread.id] == [0]
    assert client.get("/api/v1/search?q=zanzibarish").get_json()["total"] == 0
    items = fc.get("/api/v1/notifications").get_json()["items"]
    assert not any(n["verb"] == "answer_posted" and n["thread_id"] == thread.id for n in items)
    # Moderators still see it, in the queue.
    queue = moderator_client.get("/api/v1/moderation/queue").get_json()
    item = next(i for i in queue["items"] if i["target_id"] == post.id)
    assert item["hidden"] and item["flags"][0]["reason"] == "offensive"
    assert "Zanzibarish" in item["content"]
    assert item["author_history"]["posts"] >= 1

    resp = moderator_client.post(f"/api/v1/moderation/items/{item['id']}",
                                 json={"action": "restore", "reason": "fine after all"})
    assert resp.status_code == 200
    drain_outbox(app)
    assert client.get(f"/api/v1/posts/{post.id}").status_code == 200
    assert b"Zanzibarish" in client.get(f"/threads/{thread.id}").data
    assert client.get("/api/v1/search?q=zanzibarish").get_json()["total"] == 1
    assert db.session.get(Post, post.id).deleted_at is None


def test_queue_actions_are_for_moderators_only(db, member_client, employee_client, client,
                                               client_for, make_user, make_thread, make_post):
    post = make_post(thread=make_thread(), body="A flagged answer that stays published.")
    assert _flag(client_for(make_user()), "posts", post.id).status_code == 201
    item = db.session.scalar(select(ModerationItem).where(ModerationItem.target_id == post.id))
    for reader, status in ((member_client, 403), (employee_client, 403), (client, 401)):
        resp = reader.get("/api/v1/moderation/queue")
        assert resp.status_code == status and "stays published" not in resp.get_data(as_text=True)
    for actor in (member_client, employee_client):
        resp = actor.post(f"/api/v1/moderation/items/{item.id}", json={"action": "hide"})
        assert resp.status_code == 403
    db.session.expire_all()
    item = db.session.get(ModerationItem, item.id)
    assert (item.state, item.hidden, item.resolution) == ("open", False, None)
    assert client.get(f"/api/v1/posts/{post.id}").status_code == 200


def test_hide_and_delete_uphold_flags_and_every_action_is_audited(
        db, client_for, make_user, make_thread, make_post, moderator_client):
    from community.models import Flag

    thread = make_thread()
    for action in ("hide", "delete", "dismiss", "restore"):
        post = make_post(thread=thread)
        flagger = make_user()
        _flag(client_for(flagger), "posts", post.id)
        item = db.session.scalar(select(ModerationItem).where(
            ModerationItem.target_type == "post", ModerationItem.target_id == post.id))
        resp = moderator_client.post(f"/api/v1/moderation/items/{item.id}",
                                     json={"action": action, "reason": f"because {action}"})
        assert resp.status_code == 200
        assert resp.get_json()["resolution"] == action
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == f"item_{action}",
                                                           AuditEntry.target_id == post.id))
        assert entry is not None and entry.actor_id == moderator_client.user.id
        assert entry.reason == f"because {action}"
        state = db.session.scalar(select(Flag.state).where(Flag.user_id == flagger.id))
        assert state == ("upheld" if action in ("hide", "delete") else "rejected")
    audit = moderator_client.get("/api/v1/moderation/audit?action=item_hide").get_json()
    assert audit["total"] == 1 and audit["items"][0]["reason"] == "because hide"


def test_a_flagged_thread_is_hidden_from_lists_and_restored(
        db, client_for, make_user, make_thread, moderator_client, client):
    thread = make_thread()
    assert _flag(moderator_client, "threads", thread.id).status_code == 201
    assert client.get(f"/api/v1/threads/{thread.id}").status_code == 404
    assert thread.id not in [t["id"] for t in client.get("/api/v1/threads").get_json()["items"]]
    item = db.session.scalar(select(ModerationItem).where(ModerationItem.target_type == "thread"))
    moderator_client.post(f"/api/v1/moderation/items/{item.id}", json={"action": "restore"})
    assert client.get(f"/api/v1/threads/{thread.id}").status_code == 200
