"""Bad input gets a clear error in the one envelope and changes nothing: never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from community.models import Post, Space, Thread, User, Vote


def envelope(resp, status=None, code=None, field=None):
    if status is not None:
        assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True)[:300])
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert set(body) == {"error"}, body
    err = body["error"]
    assert {"code", "message"} <= set(err) <= {"code", "message", "fields"}
    assert isinstance(err["message"], str) and err["message"]
    if code:
        assert err["code"] == code
    if field:
        assert field in err.get("fields", {}), err
    text = resp.get_data(as_text=True)
    assert "Traceback" not in text and 'File "' not in text
    return err


def counts(db):
    return tuple(db.session.scalar(select(func.count()).select_from(m))
                 for m in (User, Space, Thread, Post, Vote))


@pytest.fixture
def thread(make_thread):
    return make_thread()


@pytest.fixture
def writes(thread, make_post):
    """Every JSON-taking endpoint, with a valid body to spoil."""
    post = make_post(thread=thread)
    return [
        ("post", "/api/v1/threads", {"space": thread.space.slug, "kind": "question",
                                     "title": "A question long enough?", "body": "A body long enough to post."}),
        ("patch", f"/api/v1/threads/{thread.id}", {"title": "A title long enough to post"}),
        ("post", f"/api/v1/threads/{thread.id}/posts", {"body": "An answer."}),
        ("patch", f"/api/v1/posts/{post.id}", {"body": "An edited answer."}),
        ("put", f"/api/v1/threads/{thread.id}/vote", {"value": 1}),
        ("put", f"/api/v1/posts/{post.id}/vote", {"value": 1}),
        ("post", f"/api/v1/threads/{thread.id}/accept", {"post_id": post.id}),
        ("put", f"/api/v1/threads/{thread.id}/status", {"status": "planned"}),
        ("post", "/api/v1/spaces", {"slug": "a-space", "name": "A space"}),
        ("post", "/api/v1/auth/register", {"username": "newbie", "email": "n@example.test",
                                           "password": "long-enough-pw"}),
        ("post", "/api/v1/auth/token", {"login": "newbie", "password": "long-enough-pw"}),
    ]


def test_malformed_json_is_400_everywhere(admin_client, writes, db):
    before = counts(db)
    for method, url, _body in writes:
        for raw in (b"{", b"{'single': 'quotes'}", b"not json", b"\xff\xfe\x00", b'{"a": NaN'):
            resp = getattr(admin_client, method)(url, data=raw, content_type="application/json")
            envelope(resp, 400, "bad_request")
    assert counts(db) == before


def test_a_body_that_is_not_an_object_is_refused(admin_client, writes, db):
    before = counts(db)
    for method, url, _body in writes:
        for raw in ("[]", "1", '"text"', "null"):
            resp = getattr(admin_client, method)(url, data=raw, content_type="application/json")
            assert resp.status_code in (400, 422)
            envelope(resp)
    assert counts(db) == before


def test_a_body_over_one_mebibyte_is_413(member_client, thread, db):
    before = counts(db)
    big = b'{"body": "' + b"x" * (1024 * 1024 + 1) + b'"}'
    resp = member_client.post(f"/api/v1/threads/{thread.id}/posts", data=big,
                              content_type="application/json")
    envelope(resp, 413, "payload_too_large")
    assert counts(db) == before


def test_deeply_nested_json_is_400(admin_client, writes, db):
    before = counts(db)
    for method, url, _body in writes:
        for raw in ("[" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000, "[" * 200 + "]" * 200,
                    '{"body": ' + "[" * 100 + "]" * 100 + "}"):
            resp = getattr(admin_client, method)(url, data=raw, content_type="application/json")
            assert resp.status_code in (400, 422), (url, resp.status_code)
            envelope(resp)
    assert counts(db) == before


TEXT_FIELDS = [
    # (endpoint index in `writes`, field)
    (0, "title"), (0, "body"), (0, "space"), (1, "title"), (2, "body"), (3, "body"),
    (7, "note"), (8, "name"), (8, "description"), (8, "slug"), (9, "username"), (9, "password"),
    (9, "display_name"), (10, "login"), (10, "password"),
]


@pytest.mark.parametrize("bad", ["\\ud800", "\\udfff", "\\u0000"], ids=["lone-high", "lone-low", "nul"])
@pytest.mark.parametrize("index,field", TEXT_FIELDS)
def test_a_lone_surrogate_or_nul_in_a_text_field_names_the_field(admin_client, writes, db, index,
                                                                 field, bad):
    import json

    method, url, body = writes[index]
    before = counts(db)
    payload = dict(body)
    if field == "note":
        payload["note"] = "x"
    payload[field] = f"a valid looking text {'y' * 10}"
    # Build the JSON by hand so the escape reaches the server as the JSON escape itself.
    raw = json.dumps(payload).replace(f"{'y' * 10}", "yy" + bad + "yy")
    resp = getattr(admin_client, method)(url, data=raw, content_type="application/json")
    assert resp.status_code in (400, 422), (url, field, resp.status_code, resp.get_data()[:300])
    envelope(resp, field=field)
    assert counts(db) == before


@pytest.mark.parametrize("bad", ["\\ud800", "\\u0000"])
def test_a_lone_surrogate_or_nul_in_a_tag_names_the_field(member_client, writes, bad):
    space = writes[0][2]["space"]
    # Built by hand: the escape must reach the server as the six characters \ud800.
    raw = ('{"space": "' + space + '", "kind": "question", "title": "A question long enough?", '
           '"body": "A body long enough to post.", "tags": ["ok", "x' + bad + '"]}')
    resp = member_client.post("/api/v1/threads", data=raw, content_type="application/json")
    err = envelope(resp, 422, field="tags")
    assert all("{" not in m for m in err["fields"]["tags"]), err  # a sentence, not a dict dump


@pytest.mark.parametrize("query", ["tag=%00", "space=%00", "tag=%ED%A0%80", "space=a%00b",
                                   "status=%00", "sort=%ff", "kind=%ED%A0%80", "page=%00",
                                   "per_page=%ED%A0%80"])
def test_bad_characters_in_query_arguments_are_refused_not_crashed(client, make_thread, query):
    make_thread()
    resp = client.get(f"/api/v1/threads?{query}")
    # Invalid UTF-8 is decoded to U+FFFD by the framework: a harmless empty answer is fine too.
    assert resp.status_code in (200, 400, 404, 422), resp.status_code
    if resp.status_code == 200:
        assert resp.json["items"] == []
    else:
        envelope(resp)


@pytest.mark.parametrize("username", ["%00", "a%00b", "%ED%A0%80", "x" * 300, "..", "%2e%2e"])
def test_bad_characters_in_a_username_are_404(client, username):
    envelope(client.get(f"/api/v1/users/{username}"), 404, "not_found")


ID_URLS = ["/api/v1/threads/{}", "/api/v1/posts/{}", "/api/v1/threads/{}/vote",
           "/api/v1/posts/{}/vote", "/api/v1/threads/{}/posts", "/api/v1/threads/{}/accept",
           "/api/v1/threads/{}/status", "/api/v1/posts/{}/restore"]


@pytest.mark.parametrize("ident", ["-1", "abc", "0", "99999999999999999999", "1e3", "%00",
                                   "999999999999999999", "2147483648", "12345", " 1", "01"])
def test_unknown_or_absurd_ids_are_404(admin_client, thread, ident):
    for url in ID_URLS:
        for method in ("get", "post", "put", "patch", "delete"):
            resp = getattr(admin_client, method)(url.format(ident), json={"value": 1})
            if resp.status_code == 405:
                continue
            envelope(resp, 404, "not_found")


@pytest.mark.parametrize("body,field", [
    ({"title": 123}, "title"), ({"tags": "x"}, "tags"), ({"tags": [1, 2]}, "tags"),
    ({"body": ["a"]}, "body"), ({"kind": 1}, "kind"), ({"space": {"slug": "x"}}, "space"),
    ({"title": None}, "title"), ({"title": True}, "title"),
])
def test_wrong_types_in_a_new_thread_name_the_field(member_client, writes, body, field, db):
    before = counts(db)
    resp = member_client.post("/api/v1/threads", json={**writes[0][2], **body})
    envelope(resp, 422, "validation_error", field=field)
    assert counts(db) == before


@pytest.mark.parametrize("value", ["1", 1.5, [1], {"v": 1}, None])
def test_wrong_vote_types_name_the_field(member_client, thread, value):
    resp = member_client.put(f"/api/v1/threads/{thread.id}/vote", json={"value": value})
    envelope(resp, 422, "validation_error", field="value")


def test_wrong_types_on_edits_name_the_field(client_for, make_user, make_thread, make_post):
    author = make_user()
    thread = make_thread(author=author)
    post = make_post(thread=thread, author=author)
    api = client_for(author)
    envelope(api.patch(f"/api/v1/threads/{thread.id}", json={"tags": "x"}), 422, field="tags")
    envelope(api.patch(f"/api/v1/threads/{thread.id}", json={"title": 5}), 422, field="title")
    envelope(api.patch(f"/api/v1/posts/{post.id}", json={"body": 5}), 422, field="body")


def test_privileged_fields_in_a_new_thread_are_ignored(member_client, make_user, writes, db):
    other = make_user(role="admin")
    resp = member_client.post("/api/v1/threads", json={
        **writes[0][2], "author_id": other.id, "author": {"id": other.id}, "score": 999,
        "created_at": "2001-01-01T00:00:00+00:00", "accepted_post_id": 1, "is_locked": True,
        "is_pinned": True, "id": 4242, "post_count": 50, "idea_status": "shipped"})
    assert resp.status_code == 201, resp.json
    t = resp.json
    assert t["author"]["id"] == member_client.user.id
    assert t["score"] == 0 and t["accepted_post_id"] is None
    assert t["is_locked"] is False and t["is_pinned"] is False and t["id"] != 4242
    assert not t["created_at"].startswith("2001")
    stored = db.session.get(Thread, t["id"])
    assert stored.author_id == member_client.user.id and stored.post_count == 0


def test_privileged_fields_in_posts_and_edits_are_ignored(client_for, make_user, make_thread, db):
    author = make_user()
    api = client_for(author)
    thread = make_thread(author=author)
    resp = api.post(f"/api/v1/threads/{thread.id}/posts", json={
        "body": "An answer body", "author_id": 1, "score": 50, "is_official": True,
        "thread_id": 99, "created_at": "2001-01-01T00:00:00+00:00"})
    assert resp.status_code == 201
    assert resp.json["score"] == 0 and resp.json["is_official"] is False
    assert resp.json["thread_id"] == thread.id and resp.json["author"]["id"] == author.id
    resp = api.patch(f"/api/v1/threads/{thread.id}", json={
        "title": "A title long enough to save", "score": 77, "accepted_post_id": 1,
        "author_id": 1, "space": "elsewhere", "is_locked": True})
    assert resp.status_code == 200
    assert resp.json["score"] == 0 and resp.json["accepted_post_id"] is None
    assert resp.json["is_locked"] is False and resp.json["space"] == thread.space.slug


def test_privileged_fields_in_a_registration_are_ignored(client, db):
    resp = client.post("/api/v1/auth/register", json={
        "username": "sneaky", "email": "s@example.test", "password": "long-enough-pw",
        "role": "admin", "is_staff": True, "is_ambassador": True, "reputation": 5000,
        "created_at": "2001-01-01T00:00:00+00:00", "id": 1})
    assert resp.status_code == 201
    user = db.session.get(User, resp.json["id"])
    assert user.role == "member" and not user.is_staff and not user.is_ambassador
    assert user.reputation < 5000 and user.created_at.year > 2001


def test_posting_into_a_space_the_caller_cannot_read_is_404(member_client, make_space, db):
    staff = make_space(slug="internal", visibility="staff")
    before = counts(db)
    resp = member_client.post("/api/v1/threads", json={
        "space": staff.slug, "kind": "question", "title": "Sneaking into staff?",
        "body": "This should never be stored."})
    missing = member_client.post("/api/v1/threads", json={
        "space": "nowhere", "kind": "question", "title": "Sneaking into staff?",
        "body": "This should never be stored."})
    assert envelope(resp, 404, "not_found") == envelope(missing, 404, "not_found")
    assert counts(db) == before


@pytest.mark.parametrize("method,url", [
    ("put", "/api/v1/me"), ("delete", "/api/v1/spaces"), ("patch", "/api/v1/threads"),
    ("get", "/api/v1/auth/token"), ("get", "/api/v1/auth/register"), ("post", "/api/v1/threads/1"),
    ("put", "/api/v1/posts/1"), ("get", "/api/v1/threads/1/accept"),
])
def test_a_wrong_method_is_405_in_the_envelope(client, thread, method, url):
    resp = getattr(client, method)(url)
    envelope(resp, 405)
    assert resp.headers.get("Allow")


def test_an_unknown_api_path_is_404_in_the_envelope(client):
    envelope(client.get("/api/v1/no/such/thing"), 404, "not_found")
    envelope(client.post("/api/v1/nothing-here", json={}), 404, "not_found")


def test_an_unexpected_exception_is_a_500_envelope_without_a_traceback(app, client, db):
    def boom():
        raise RuntimeError("secret internal detail /srv/app/community/x.py line 42")

    app.add_url_rule("/api/v1/_test_boom", "api_test_boom", boom, methods=["GET", "POST"])
    for method in ("get", "post"):
        resp = getattr(client, method)("/api/v1/_test_boom")
        err = envelope(resp, 500, "internal_error")
        text = resp.get_data(as_text=True)
        assert "secret internal detail" not in text and "RuntimeError" not in text
        assert "fields" not in err


def test_a_failed_write_leaves_nothing_behind(app, member_client, thread, db):
    from community.services import threads as thread_service

    def half_write():
        thread_service.create_post(db.session, db.session.get(Thread, thread.id),
                                   by=db.session.get(User, member_client.user.id),
                                   body="Written, then the request crashes.")
        raise RuntimeError("crash after a write")

    app.add_url_rule("/api/v1/_test_half_write", "api_test_half_write", half_write,
                     methods=["POST"])
    before = counts(db)
    envelope(member_client.post("/api/v1/_test_half_write"), 500, "internal_error")
    db.session.expire_all()
    assert counts(db) == before


def test_every_api_error_uses_the_envelope(client, member_client, thread, db):
    before = counts(db)
    responses = [
        client.get("/api/v1/me"),
        client.get("/api/v1/threads/1/nope"),
        member_client.post("/api/v1/threads", json={}),
        member_client.post("/api/v1/threads", data="{", content_type="application/json"),
        client.get("/api/v1/threads?page=0"),
        client.get("/api/v1/users/nobody"),
        client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"}),
        member_client.post("/api/v1/spaces", json={"slug": "x", "name": "x"}),
    ]
    for resp in responses:
        assert resp.status_code >= 400
        envelope(resp)
    assert counts(db) == before
