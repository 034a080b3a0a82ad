"""Signing in through a real OpenID Connect provider on loopback: provisioning, return
visits, roles that follow the provider, and linking only through verified emails."""

from __future__ import annotations

from sqlalchemy import func, select, update
from ssotools import ROLE_CLAIM, at_provider, callback_path, query, sign_in, to_provider

from community.models import AuditEntry, User, UserIdentity, UserSession, utcnow
from community.moderation import sanctions


def fresh(db):
    db.session.commit()  # end the test's snapshot: read what the app committed
    return db.session


def count(db, model) -> int:
    return fresh(db).scalar(select(func.count()).select_from(model))


def me(client) -> dict | None:
    resp = client.get("/api/v1/me")
    return resp.get_json() if resp.status_code == 200 else None


def test_a_new_employee_is_provisioned_with_the_employee_role_and_signed_in(
        db, sso_app, provider):
    provider.users["emp-1"] = {
        "preferred_username": "jane.doe", "name": "Jane Doé", "email": "jane@acme.example",
        "email_verified": True, "locale": "fr-FR", ROLE_CLAIM: "employee"}
    browser = sso_app.test_client()

    authorize_url = to_provider(browser, next_url="/search?q=coffee")
    params = query(authorize_url)
    # State, nonce and PKCE (S256) go to the provider; the verifier never does here.
    assert params["state"] and params["nonce"] and params["code_challenge"]
    assert params["code_challenge_method"] == "S256" and "code_verifier" not in params
    resp = browser.get(callback_path(at_provider(authorize_url, "emp-1")))

    assert resp.status_code == 303 and resp.headers["Location"] == "/search?q=coffee"
    assert provider.token_requests[-1]["code_verifier"]  # the provider checked it
    user = fresh(db).scalar(select(User).where(User.email == "jane@acme.example"))
    assert (user.username, user.display_name, user.role, user.locale) == (
        "jane.doe", "Jane Doé", "employee", "fr")
    assert user.password_hash is None  # no password anyone could guess
    assert user.email_verified_at is not None  # the provider vouched for the address
    assert me(browser)["username"] == "jane.doe"
    assert fresh(db).scalar(select(UserSession.user_id)) == user.id
    identity = fresh(db).scalar(select(UserIdentity))
    assert (identity.issuer, identity.subject, identity.user_id) == (
        provider.issuer, "emp-1", user.id)
    entry = fresh(db).scalar(select(AuditEntry).where(AuditEntry.target_id == user.id))
    assert entry.action == "role_change" and entry.data["role"] == "employee"


def test_a_returning_person_gets_the_same_account_whose_role_follows_the_provider(
        db, sso_app, provider):
    provider.users["p-2"] = {"preferred_username": "sam", "email": "sam@acme.example",
                             "email_verified": True, ROLE_CLAIM: "member"}
    assert sign_in(sso_app.test_client(), "p-2").status_code == 303
    first = fresh(db).scalar(select(User).where(User.username == "sam"))
    assert first.role == "member"

    # Promoted at the provider (and the email changed there): the same account.
    provider.users["p-2"].update({ROLE_CLAIM: "moderator", "email": "samuel@acme.example"})
    browser = sso_app.test_client()
    assert sign_in(browser, "p-2").status_code == 303
    assert me(browser)["username"] == "sam"
    assert count(db, User) == 1 and count(db, UserIdentity) == 1
    assert fresh(db).get(User, first.id).role == "moderator"

    # Demoted: an unknown value means member.
    provider.users["p-2"][ROLE_CLAIM] = "superuser"
    assert sign_in(sso_app.test_client(), "p-2").status_code == 303
    assert fresh(db).get(User, first.id).role == "member"
    changes = fresh(db).scalars(select(AuditEntry).where(AuditEntry.action == "role_change")
                                .order_by(AuditEntry.id)).all()
    assert [(e.data["previous"], e.data["role"]) for e in changes] == [
        ("member", "moderator"), ("moderator", "member")]


def test_an_unverified_provider_email_never_links_to_an_existing_account(
        db, sso_app, provider, make_user):
    owner = make_user(username="carol", email="carol@acme.example")
    for verified in (False, "true", None):
        provider.users["attacker"] = {"email": "Carol@acme.example", "email_verified": verified,
                                      ROLE_CLAIM: "admin"}
        browser = sso_app.test_client()
        resp = sign_in(browser, "attacker")
        assert resp.status_code == 403
        assert "already uses this email address" in resp.get_data(as_text=True)
        assert me(browser) is None
    assert count(db, User) == 1 and count(db, UserIdentity) == 0
    assert count(db, UserSession) == 0
    assert fresh(db).get(User, owner.id).role == "member"


def test_a_verified_provider_email_links_only_when_the_local_one_is_verified(
        db, sso_app, provider, make_user):
    owner = make_user(username="dave", email="dave@acme.example")
    db.session.execute(update(User).where(User.id == owner.id).values(email_verified_at=None))
    db.session.commit()
    provider.users["d-1"] = {"email": "dave@acme.example", "email_verified": True}
    browser = sso_app.test_client()
    assert sign_in(browser, "d-1").status_code == 403  # this site never verified it
    assert count(db, UserIdentity) == 0 and me(browser) is None

    db.session.execute(update(User).where(User.id == owner.id)
                       .values(email_verified_at=utcnow()))
    db.session.commit()
    assert sign_in(browser, "d-1").status_code == 303
    assert me(browser)["username"] == "dave"
    assert count(db, User) == 1
    assert fresh(db).scalar(select(UserIdentity.user_id)) == owner.id


def test_usernames_are_made_valid_unique_and_never_reserved(db, sso_app, provider, make_user):
    make_user(username="kim")
    provider.users.update({
        "a": {"preferred_username": "kim", "email": "kim@one.example"},
        "b": {"preferred_username": "Admin", "email": "x@two.example"},
        "c": {"email": "o'brien+tag@three.example", "name": "Line\u202ebreak"},
        "d": {},
    })
    for sub in "abcd":
        assert sign_in(sso_app.test_client(), sub).status_code == 303
    rows = fresh(db).execute(select(User.username, User.display_name, User.email)
                             .join(UserIdentity, UserIdentity.user_id == User.id)
                             .order_by(UserIdentity.id)).all()
    assert [tuple(r) for r in rows] == [
        ("kim2", "kim2", "kim@one.example"), ("member", "member", "x@two.example"),
        ("o_brien_tag", "o_brien_tag", "o'brien+tag@three.example"),
        ("member2", "member2", None)]


def test_a_suspended_account_stays_suspended(db, sso_app, provider, make_user):
    provider.users["s-1"] = {"preferred_username": "eve", "email": "eve@acme.example"}
    assert sign_in(sso_app.test_client(), "s-1").status_code == 303
    eve = fresh(db).scalar(select(User).where(User.username == "eve"))
    moderator = make_user(role="moderator")
    sanctions.sanction(db.session, eve, by=moderator, action="suspend", reason="spam")
    db.session.commit()
    browser = sso_app.test_client()
    resp = sign_in(browser, "s-1")
    assert resp.status_code == 403 and "suspended" in resp.get_data(as_text=True)
    assert me(browser) is None
