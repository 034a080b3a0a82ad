"""POST /auth/register, POST/DELETE /auth/token, GET /me, GET /users/{username}."""

from __future__ import annotations

import re

from api_helpers import assert_error

from community.models import ApiToken, User

PASSWORD = "correct-horse-battery"


def register(client, **overrides):
    body = {"username": "alice", "email": "alice@example.test", "password": "long-enough-pw"}
    body.update(overrides)
    return client.post("/api/v1/auth/register", json=body)


def test_register_creates_a_member_and_answers_201_with_the_user(client, db):
    resp = register(client, display_name="Alice A.")
    assert resp.status_code == 201, resp.json
    user = resp.json
    assert user["username"] == "alice"
    assert user["display_name"] == "Alice A."
    assert user["role"] == "member" and user["is_staff"] is False
    assert "password" not in user and "password_hash" not in user
    stored = db.session.get(User, user["id"])
    assert stored.password_hash and "long-enough-pw" not in stored.password_hash


def test_register_refuses_a_taken_username_case_insensitively(client, db):
    assert register(client).status_code == 201
    resp = register(client, username="ALICE", email="other@example.test")
    assert_error(resp, 422, "validation_error", field="username")
    assert [u.username for u in db.session.query(User)] == ["alice"]


def test_register_refuses_a_taken_email(client, db):
    assert register(client).status_code == 201
    resp = register(client, username="bob", email="Alice@Example.test")
    assert_error(resp, 422, "validation_error", field="email")
    assert [u.username for u in db.session.query(User)] == ["alice"]


def test_register_refuses_a_password_under_ten_characters(client, db):
    resp = register(client, password="123456789")
    assert_error(resp, 422, "validation_error", field="password")
    assert db.session.query(User).count() == 0


def test_register_accepts_a_password_of_exactly_ten_characters(client):
    assert register(client, password="x7#kQ2!mZp").status_code == 201
    signed_in = client.post("/api/v1/auth/token", json={"login": "alice", "password": "x7#kQ2!mZp"})
    assert signed_in.status_code == 200 and signed_in.json["user"]["username"] == "alice"


def test_register_refuses_a_bad_username(client):
    for bad in ("ab", "a" * 31, "has space", "émile", "semi;colon", "slash/x", ""):
        resp = register(client, username=bad)
        assert_error(resp, 422, "validation_error", field="username")


def test_register_accepts_every_allowed_username_character(client):
    assert register(client, username="A_b.c-9").status_code == 201
    assert client.get("/api/v1/users/A_b.c-9").json["username"] == "A_b.c-9"


def test_register_ignores_a_requested_role(client):
    resp = register(client, role="admin", is_staff=True, reputation=99999)
    assert resp.status_code == 201
    assert resp.json["role"] == "member"
    assert resp.json["is_staff"] is False
    assert resp.json["reputation"] < 100


def test_token_by_username_or_email_works_for_the_api(client, make_user):
    user = make_user(username="carol")
    for login in ("carol", "carol@example.test", "CAROL"):
        resp = client.post("/api/v1/auth/token", json={"login": login, "password": PASSWORD})
        assert resp.status_code == 200, resp.json
        assert resp.json["user"]["username"] == "carol"
        token = resp.json["token"]
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200
        assert me.json["id"] == user.id


def test_tokens_are_stored_hashed(client, make_user, db):
    make_user(username="dave")
    token = client.post("/api/v1/auth/token", json={"login": "dave", "password": PASSWORD}).json["token"]
    hashes = [t.token_hash for t in db.session.query(ApiToken)]
    assert hashes and token not in hashes


def test_token_failure_is_the_same_whether_or_not_the_account_exists(client, make_user):
    make_user(username="erin")
    wrong_password = client.post("/api/v1/auth/token", json={"login": "erin", "password": "not-the-one!"})
    no_account = client.post("/api/v1/auth/token", json={"login": "nobody", "password": "not-the-one!"})
    assert_error(wrong_password, 401, "unauthorized")
    assert_error(no_account, 401, "unauthorized")
    assert wrong_password.get_data() == no_account.get_data()


def test_delete_token_answers_204_and_the_token_stops_working(client_for, make_user):
    api = client_for(make_user())
    assert api.get("/api/v1/me").status_code == 200
    resp = api.delete("/api/v1/auth/token")
    assert resp.status_code == 204
    assert resp.get_data() == b""
    assert_error(api.get("/api/v1/me"), 401, "unauthorized")
    assert_error(api.delete("/api/v1/auth/token"), 401, "unauthorized")


def test_revoking_one_token_keeps_the_others(client_for, make_user):
    user = make_user()
    first, second = client_for(user), client_for(user)
    assert first.delete("/api/v1/auth/token").status_code == 204
    assert_error(first.get("/api/v1/me"), 401, "unauthorized")
    assert second.get("/api/v1/me").json["id"] == user.id


def test_me_is_the_callers_account_with_unread_notifications(member_client):
    resp = member_client.get("/api/v1/me")
    assert resp.status_code == 200
    assert resp.json["username"] == member_client.user.username
    assert isinstance(resp.json["unread_notifications"], int)


def test_me_without_credentials_is_401(client):
    assert_error(client.get("/api/v1/me"), 401, "unauthorized")


def test_user_profile_has_the_contract_fields(client, make_user):
    make_user(username="frank", role="employee")
    resp = client.get("/api/v1/users/frank")
    assert resp.status_code == 200
    user = resp.json
    assert {"id", "username", "display_name", "role", "is_staff", "is_ambassador", "reputation",
            "level", "badges", "created_at"} <= set(user)
    assert user["is_staff"] is True and user["role"] == "employee"
    assert set(user["level"]) == {"number", "name"}
    assert isinstance(user["badges"], list)
    assert re.search(r"(\+00:00|Z)$", user["created_at"]), user["created_at"]
    # Private fields of an account never reach another reader.
    assert "email" not in user and "password_hash" not in user


def test_user_profile_lookup_is_case_insensitive(client, make_user):
    make_user(username="Grace")
    assert client.get("/api/v1/users/grace").json["username"] == "Grace"


def test_unknown_user_is_404(client):
    assert_error(client.get("/api/v1/users/nobody-here"), 404, "not_found")


def test_patch_me_stores_the_language_and_validates_it(db, app, member_client):
    resp = member_client.patch("/api/v1/me", json={"locale": "fr"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.get_json()["locale"] == "fr"
    assert member_client.get("/api/v1/me").get_json()["locale"] == "fr"
    for bad in ("xx", "FR", "", 3, ["fr"]):
        assert_error(member_client.patch("/api/v1/me", json={"locale": bad}), 422,
                     "validation_error", field="locale")
    db.session.expire_all()
    assert db.session.get(User, member_client.user.id).locale == "fr"
    # null goes back to following the browser.
    resp = member_client.patch("/api/v1/me", json={"locale": None})
    assert resp.status_code == 200 and resp.get_json()["locale"] is None
    assert_error(app.test_client().patch("/api/v1/me", json={"locale": "fr"}), 401,
                 "unauthorized")
