"""GET /spaces (only readable ones) and POST /spaces (admins)."""

from __future__ import annotations

from api_helpers import assert_error

from community.models import Space


def _slugs(resp):
    assert resp.status_code == 200
    assert set(resp.json) == {"items"}
    return {s["slug"] for s in resp.json["items"]}


def test_spaces_list_shows_only_what_the_caller_can_read(client, member_client, employee_client,
                                                        make_space):
    make_space(slug="pub", visibility="public")
    make_space(slug="lounge", visibility="members")
    make_space(slug="internal", visibility="staff")
    assert _slugs(client.get("/api/v1/spaces")) == {"pub"}
    assert _slugs(member_client.get("/api/v1/spaces")) == {"pub", "lounge"}
    assert _slugs(employee_client.get("/api/v1/spaces")) == {"pub", "lounge", "internal"}


def test_a_space_has_the_contract_fields(client, make_space):
    make_space(slug="pub")
    (space,) = client.get("/api/v1/spaces").json["items"]
    assert set(space) >= {"id", "slug", "name", "description", "visibility"}


def test_an_admin_creates_a_space(admin_client, db):
    resp = admin_client.post("/api/v1/spaces", json={
        "slug": "new-space", "name": "New space", "description": "About", "visibility": "members"})
    assert resp.status_code == 201, resp.json
    assert resp.json["slug"] == "new-space" and resp.json["visibility"] == "members"
    assert db.session.query(Space).filter_by(slug="new-space").one().name == "New space"


def test_non_admins_cannot_create_spaces(client, member_client, employee_client, moderator_client,
                                         db):
    body = {"slug": "nope", "name": "Nope", "visibility": "public"}
    assert_error(client.post("/api/v1/spaces", json=body), 401, "unauthorized")
    for api in (member_client, employee_client, moderator_client):
        assert_error(api.post("/api/v1/spaces", json=body), 403, "forbidden")
    assert db.session.query(Space).count() == 0


def test_space_creation_answers_field_errors(admin_client, make_space):
    make_space(slug="taken")
    assert_error(admin_client.post("/api/v1/spaces", json={"slug": "taken", "name": "X"}),
                 422, "validation_error", field="slug")
    assert_error(admin_client.post("/api/v1/spaces", json={"slug": "Bad Slug!", "name": "X"}),
                 422, "validation_error", field="slug")
    assert_error(admin_client.post("/api/v1/spaces", json={"slug": "ok-slug", "name": ""}),
                 422, "validation_error", field="name")
    assert_error(admin_client.post("/api/v1/spaces",
                                   json={"slug": "ok-slug", "name": "X", "visibility": "secret"}),
                 422, "validation_error", field="visibility")
    assert_error(admin_client.post("/api/v1/spaces", json={"name": "X"}),
                 422, "validation_error", field="slug")
    assert _slugs(admin_client.get("/api/v1/spaces")) == {"taken"}
