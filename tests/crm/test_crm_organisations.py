"""Organisations through the API (admins), memberships, who may see them (staff only),
and what export and erasure do with a membership."""

from __future__ import annotations

from sqlalchemy import func, select

from community.models import AuditEntry, Organisation, User
from tests.conftest import PASSWORD


def _count(db) -> int:
    return db.session.scalar(select(func.count(Organisation.id)))


def test_admins_create_read_and_change_organisations(db, admin_client):
    resp = admin_client.post("/api/v1/organisations", json={
        "name": " Acme  Corp ", "tier": "premium", "external_ref": "ACC-1"})
    assert resp.status_code == 201, resp.get_json()
    org = resp.get_json()
    assert {k: org[k] for k in ("name", "tier", "external_ref")} == {
        "name": "Acme  Corp", "tier": "premium", "external_ref": "ACC-1"}
    # Without a tier: the first one of ORGANISATION_TIERS.
    other = admin_client.post("/api/v1/organisations", json={"name": "Bistro"}).get_json()
    assert other["tier"] == "standard" and other["external_ref"] is None
    listed = admin_client.get("/api/v1/organisations").get_json()
    assert listed["total"] == 2 and [o["name"] for o in listed["items"]] == ["Acme  Corp", "Bistro"]
    assert admin_client.get(f"/api/v1/organisations/{org['id']}").get_json() == org

    resp = admin_client.patch(f"/api/v1/organisations/{org['id']}",
                              json={"tier": "standard", "external_ref": None})
    assert resp.status_code == 200
    assert (resp.get_json()["tier"], resp.get_json()["external_ref"], resp.get_json()["name"]) == (
        "standard", None, "Acme  Corp")
    stored = db.session.get(Organisation, org["id"])
    db.session.refresh(stored)
    assert (stored.tier, stored.external_ref) == ("standard", None)
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["organisation_create", "organisation_create", "organisation_update"]


def test_bad_organisations_are_refused_naming_the_field(db, admin_client):
    first = admin_client.post("/api/v1/organisations", json={
        "name": "Acme", "tier": "standard", "external_ref": "ACC-1"}).get_json()
    for body, field in (({"name": "Other", "tier": "platinum"}, "tier"),
                        ({"name": "", "tier": "premium"}, "name"),
                        ({"name": "Line\nbreak"}, "name"),
                        ({"name": "x" * 101}, "name"),
                        ({"tier": "premium"}, "name"),
                        ({"name": "acme"}, "name"),
                        ({"name": "Other", "external_ref": "ACC-1"}, "external_ref"),
                        ({"name": "Other", "external_ref": "y" * 101}, "external_ref")):
        resp = admin_client.post("/api/v1/organisations", json=body)
        assert resp.status_code == 422, body
        assert field in resp.get_json()["error"]["fields"], (body, resp.get_json())
    assert _count(db) == 1
    resp = admin_client.patch(f"/api/v1/organisations/{first['id']}", json={"tier": "gold"})
    assert resp.status_code == 422 and "premium, standard" in resp.get_json()["error"]["fields"]["tier"][0]
    assert admin_client.get(f"/api/v1/organisations/{first['id']}").get_json()["tier"] == "standard"
    assert admin_client.get("/api/v1/organisations/9999").status_code == 404


def test_members_get_404_and_other_staff_403(db, admin_client, member_client, employee_client,
                                             client):
    org = admin_client.post("/api/v1/organisations", json={"name": "Acme"}).get_json()
    for reader, status in ((member_client, 404), (employee_client, 403), (client, 401)):
        assert reader.get("/api/v1/organisations").status_code == status
        resp = reader.post("/api/v1/organisations", json={"name": "Mine", "tier": "premium"})
        assert resp.status_code == status and set(resp.get_json()) == {"error"}
        resp = reader.patch(f"/api/v1/organisations/{org['id']}", json={"tier": "premium"})
        assert resp.status_code == status
        resp = reader.put(f"/api/v1/users/{member_client.user.username}/organisation",
                          json={"organisation_id": org["id"]})
        assert resp.status_code == status
    assert _count(db) == 1
    db.session.expire_all()
    assert db.session.get(Organisation, org["id"]).tier == "standard"
    assert db.session.get(User, member_client.user.id).organisation_id is None


def test_membership_is_set_and_removed_and_shown_to_staff_only(db, admin_client, member_client,
                                                               employee_client, client,
                                                               make_user):
    org = admin_client.post("/api/v1/organisations", json={
        "name": "Acme", "tier": "premium", "external_ref": "ACC-9"}).get_json()
    alice = make_user(username="alice_crm")
    resp = admin_client.put("/api/v1/users/alice_crm/organisation", json={"organisation_id": org["id"]})
    assert resp.status_code == 200
    assert resp.get_json()["organisation"]["name"] == "Acme"
    db.session.expire_all()
    assert db.session.get(User, alice.id).organisation_id == org["id"]

    staff_view = employee_client.get("/api/v1/users/alice_crm").get_json()
    assert staff_view["organisation"] == org
    for reader in (member_client, client):
        view = reader.get("/api/v1/users/alice_crm").get_json()
        assert view["username"] == "alice_crm" and "organisation" not in view
    # Not even to the member herself.
    alice_token = admin_client.application.test_client().post(
        "/api/v1/auth/token", json={"login": "alice_crm", "password": PASSWORD}).get_json()
    assert "organisation" not in alice_token["user"]
    own = admin_client.application.test_client().get(
        "/api/v1/me", headers={"Authorization": f"Bearer {alice_token['token']}"}).get_json()
    assert own["username"] == "alice_crm" and "organisation" not in own
    own_profile = admin_client.application.test_client().get(
        "/api/v1/users/alice_crm", headers={"Authorization": f"Bearer {alice_token['token']}"})
    assert "organisation" not in own_profile.get_json()

    bad = admin_client.put("/api/v1/users/alice_crm/organisation", json={"organisation_id": 999})
    assert bad.status_code == 422 and "organisation_id" in bad.get_json()["error"]["fields"]
    bad = admin_client.put("/api/v1/users/alice_crm/organisation", json={})
    assert bad.status_code == 422 and "organisation_id" in bad.get_json()["error"]["fields"]
    assert admin_client.put("/api/v1/users/nobody_here/organisation",
                            json={"organisation_id": None}).status_code == 404
    db.session.expire_all()
    assert db.session.get(User, alice.id).organisation_id == org["id"]

    resp = admin_client.put("/api/v1/users/alice_crm/organisation", json={"organisation_id": None})
    assert resp.status_code == 200 and resp.get_json()["organisation"] is None
    db.session.expire_all()
    assert db.session.get(User, alice.id).organisation_id is None
    changes = [e.data for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "organisation_membership").order_by(AuditEntry.id))]
    assert [(c["before"], c["after"]) for c in changes] == [(None, org["id"]), (org["id"], None)]


def test_the_export_names_the_organisation_and_erasure_leaves_it(db, admin_client, make_user,
                                                                 client_for):
    org = admin_client.post("/api/v1/organisations", json={"name": "Acme", "tier": "premium"}).get_json()
    member = make_user()
    admin_client.put(f"/api/v1/users/{member.username}/organisation",
                     json={"organisation_id": org["id"]})
    own = client_for(member)
    export = own.get("/api/v1/me/export").get_json()
    assert export["organisation"] == {"name": "Acme", "tier": "premium"}
    loner = client_for(make_user()).get("/api/v1/me/export").get_json()
    assert loner["organisation"] is None

    assert own.delete("/api/v1/me", json={"password": PASSWORD}).status_code == 202
    db.session.expire_all()
    erased = db.session.get(User, member.id)
    assert erased.erased_at is not None and erased.organisation_id is None
    # The organisation itself stays, without that member.
    assert db.session.get(Organisation, org["id"]).name == "Acme"
    assert db.session.scalar(select(func.count(User.id)).where(
        User.organisation_id == org["id"])) == 0
