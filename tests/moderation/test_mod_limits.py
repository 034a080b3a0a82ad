"""Flood control: 429 with Retry-After in the error envelope, nothing stored, staff exempt."""

from __future__ import annotations

from sqlalchemy import func, select

from community.models import Flag, ModerationItem, Post, Thread
from community.services import accounts


def _client(limited_app, db, user):
    """A client of the rate-limited app; the test's own session lets go of SQLite first."""
    token = accounts.issue_token(db.session, user)
    db.session.commit()
    c = limited_app.test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    plain_open = c.open

    def open_(*args, **kwargs):
        db.session.commit()
        return plain_open(*args, **kwargs)

    c.open = open_
    return c


def _bodies(db, thread) -> list[str]:
    db.session.rollback()
    return db.session.scalars(select(Post.body).where(Post.thread_id == thread.id)
                              .order_by(Post.id)).all()


def _count(db, model):
    db.session.rollback()
    return db.session.scalar(select(func.count(model.id)))


def test_everyone_posts_at_most_once_every_5_seconds(limited_app, db, old_member, make_thread,
                                                     make_post):
    user = old_member()
    thread = make_thread()
    for _ in range(3):  # past the new-member window
        make_post(thread=make_thread(), author=user)
    c = _client(limited_app, db, user)
    first = c.post(f"/api/v1/threads/{thread.id}/posts", json={"body": "First answer here."})
    assert first.status_code == 201
    before = _count(db, Post)
    second = c.post(f"/api/v1/threads/{thread.id}/posts", json={"body": "Second answer here."})
    assert second.status_code == 429
    err = second.get_json()["error"]
    assert err["code"] == "rate_limited" and "seconds" in err["message"]
    assert 1 <= int(second.headers["Retry-After"]) <= 5
    assert _count(db, Post) == before  # nothing stored


def test_a_new_member_waits_30_seconds_between_posts(limited_app, db, make_user, make_thread):
    user = make_user()
    thread = make_thread()
    c = _client(limited_app, db, user)
    assert c.post(f"/api/v1/threads/{thread.id}/posts", json={"body": "Hello, first post."}).status_code == 201
    resp = c.post(f"/api/v1/threads/{thread.id}/posts", json={"body": "Hello, second post."})
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) > 5
    assert _bodies(db, thread) == ["Hello, first post."]


def test_a_new_member_opens_one_thread_every_2_minutes(limited_app, db, make_user, make_space):
    user = make_user()
    space = make_space()
    c = _client(limited_app, db, user)
    body = {"space": space.slug, "kind": "question", "body": "A body long enough to be a question."}
    assert c.post("/api/v1/threads", json={**body, "title": "First question of the day"}).status_code == 201
    before = _count(db, Thread)
    resp = c.post("/api/v1/threads", json={**body, "title": "Second question of the day"})
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) > 60
    assert _count(db, Thread) == before


def test_votes_are_capped_at_50_a_day(limited_app, db, old_member, make_thread):
    limited_app.config["FLOOD_LIMITS"] = {**limited_app.config["FLOOD_LIMITS"], "vote": "2 per day"}
    c = _client(limited_app, db, old_member())
    threads = [make_thread() for _ in range(3)]
    codes = [c.put(f"/api/v1/threads/{t.id}/vote", json={"value": 1}).status_code for t in threads]
    assert codes == [200, 200, 429]
    db.session.rollback()
    assert [db.session.get(Thread, t.id).score for t in threads] == [1, 1, 0]


def test_staff_are_exempt(limited_app, db, make_user, make_thread):
    thread = make_thread()
    c = _client(limited_app, db, make_user(role="moderator"))
    codes = [c.post(f"/api/v1/threads/{thread.id}/posts", json={"body": f"Reply number {i}"}).status_code
             for i in range(3)]
    assert codes == [201, 201, 201]
    assert _bodies(db, thread) == [f"Reply number {i}" for i in range(3)]


def test_new_members_get_two_links_and_two_mentions_and_linked_posts_are_reviewed(
        db, client_for, make_user, make_thread, client):
    user = make_user()
    thread = make_thread()
    c = client_for(user)
    three = c.post(f"/api/v1/threads/{thread.id}/posts",
                   json={"body": "see https://a.example https://b.example https://c.example"})
    assert three.status_code == 422
    mentions = c.post(f"/api/v1/threads/{thread.id}/posts", json={"body": "@aaa @bbb @ccc look"})
    assert mentions.status_code == 422
    linked = c.post(f"/api/v1/threads/{thread.id}/posts", json={"body": "see https://a.example"})
    assert linked.status_code == 201
    assert client.get(f"/api/v1/posts/{linked.get_json()['id']}").status_code == 404  # held
    assert _bodies(db, thread) == ["see https://a.example"]  # the refused ones stored nothing
    held = db.session.scalar(select(ModerationItem).where(
        ModerationItem.target_type == "post", ModerationItem.target_id == linked.get_json()["id"]))
    assert held is not None and held.state == "open"


def test_x_forwarded_for_is_ignored_without_a_trusted_proxy(limited_app, db, old_member, make_thread):
    user = old_member()
    for _ in range(3):
        from community.services import threads as svc

        svc.create_post(db.session, make_thread(), by=user, body="An earlier accepted post")
    db.session.commit()
    thread = make_thread()
    c = _client(limited_app, db, user)
    c.post(f"/api/v1/threads/{thread.id}/posts", json={"body": "One answer here."},
           headers={"X-Forwarded-For": "10.0.0.1"})
    resp = c.post(f"/api/v1/threads/{thread.id}/posts", json={"body": "Other answer here."},
                  headers={"X-Forwarded-For": "10.0.0.2"})
    assert resp.status_code == 429
    db.session.expire_all()
    assert db.session.scalars(select(Post.body).where(Post.thread_id == thread.id)).all() == [
        "One answer here."]


def test_behind_a_configured_proxy_each_forwarded_ip_has_its_own_budget(app, db, make_user,
                                                                        make_thread):
    from community import create_app
    from community.extensions import db as _db

    keys = ("TESTING", "INSTANCE_PATH", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI",
            "SEARCH_INDEX_DIR", "PASSWORD_HASH_METHOD")
    proxied = create_app({**{k: app.config[k] for k in keys}, "RATELIMIT_ENABLED": True,
                          "TRUSTED_PROXY_COUNT": 1,
                          "FLOOD_LIMITS_PER_IP": {"flag": "1 per hour"}})
    try:
        threads = [make_thread() for _ in range(3)]
        clients = [_client(proxied, db, make_user()) for _ in range(3)]
        ips = ["203.0.113.1", "203.0.113.2", "203.0.113.2"]
        codes = [c.post(f"/api/v1/threads/{t.id}/flags", json={"reason": "spam"},
                        headers={"X-Forwarded-For": ip}).status_code
                 for c, t, ip in zip(clients, threads, ips, strict=True)]
        assert codes == [201, 201, 429]
        db.session.rollback()
        flagged = db.session.scalars(select(Flag.target_id).where(Flag.target_type == "thread"))
        assert sorted(flagged) == sorted(t.id for t in threads[:2])
    finally:
        with proxied.app_context():
            _db.session.remove()
            _db.engine.dispose()
