"""Whatever goes wrong between the browser, the provider and the site: a clear page in
the reader's language, never a 500, nobody signed in and nothing created."""

from __future__ import annotations

import socket

import pytest
from oidc_provider import CLIENT_ID, CLIENT_SECRET
from sqlalchemy import func, select
from ssotools import ROLE_CLAIM, at_provider, callback_path, query, sign_in, to_provider

from community.models import User, UserIdentity, UserSession


def nothing_created(db) -> bool:
    db.session.commit()
    return all(db.session.scalar(select(func.count()).select_from(m)) == 0
               for m in (User, UserIdentity, UserSession))


def signed_out(client) -> bool:
    return client.get("/api/v1/me").status_code == 401


@pytest.fixture
def person(provider):
    provider.users["p"] = {"preferred_username": "pat", "email": "pat@acme.example",
                           "email_verified": True, ROLE_CLAIM: "admin"}
    return "p"


@pytest.mark.parametrize("fault", ["forged_signature", "expired", "wrong_audience",
                                   "wrong_issuer"])
def test_an_id_token_that_fails_a_check_signs_nobody_in(db, sso_app, provider, person, fault):
    provider.faults.add(fault)
    browser = sso_app.test_client()
    resp = sign_in(browser, person)
    assert resp.status_code == 400
    assert "could not be verified" in resp.get_data(as_text=True)
    assert signed_out(browser) and nothing_created(db)


def test_a_tampered_state_is_refused(db, sso_app, provider, person):
    browser = sso_app.test_client()
    back = at_provider(to_provider(browser), person)
    tampered = callback_path(back).replace(f"state={query(back)['state']}", "state=forged")
    resp = browser.get(tampered)
    assert resp.status_code == 400 and "Start again" in resp.get_data(as_text=True)
    assert signed_out(browser) and nothing_created(db)


def test_a_callback_from_another_browser_is_refused(db, sso_app, provider, person):
    victim, attacker = sso_app.test_client(), sso_app.test_client()
    back = at_provider(to_provider(attacker), person)
    assert victim.get(callback_path(back)).status_code == 400  # login CSRF
    assert signed_out(victim) and nothing_created(db)


def test_a_replayed_callback_or_id_token_is_refused(db, sso_app, provider, person):
    first = sso_app.test_client()
    back = at_provider(to_provider(first), person)
    assert first.get(callback_path(back)).status_code == 303
    # The same answer again: its state was used up.
    assert first.get(callback_path(back)).status_code == 400

    # The provider (or someone in between) hands out the first sign-in's ID token to a
    # second one: its nonce is not this sign-in's.
    provider.users["other"] = {"preferred_username": "olga", "email": "olga@acme.example"}
    provider.faults.add("replay_id_token")
    second = sso_app.test_client()
    resp = sign_in(second, "other")
    assert resp.status_code == 400 and signed_out(second)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_consent_denied_at_the_provider(db, sso_app, provider, person):
    browser = sso_app.test_client()
    back = at_provider(to_provider(browser), None, action="deny")
    assert query(back)["error"] == "access_denied"
    resp = browser.get(callback_path(back))
    assert resp.status_code == 400 and "cancelled" in resp.get_data(as_text=True)
    assert signed_out(browser) and nothing_created(db)


def test_a_provider_that_is_down_gets_a_clear_page(db, sso_app, provider, make_sso_app, app):
    provider.faults.add("down")
    resp = sso_app.test_client().get("/auth/oidc/login")
    assert resp.status_code == 502 and "did not answer" in resp.get_data(as_text=True)

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    gone = make_sso_app(OIDC_ISSUER=f"http://127.0.0.1:{port}", OIDC_CLIENT_ID=CLIENT_ID,
                        OIDC_CLIENT_SECRET=CLIENT_SECRET, OIDC_TIMEOUT=2.0)
    resp = gone.test_client().get("/auth/oidc/login", headers={"Accept-Language": "fr"})
    assert resp.status_code == 502
    assert "Le fournisseur de connexion n’a pas répondu" in resp.get_data(as_text=True)
    assert nothing_created(db)


def test_refusal_pages_are_in_french(db, sso_app, provider, person):
    provider.faults.add("expired")
    resp = sign_in(sso_app.test_client(), person, **{"Accept-Language": "fr"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "Vous n’êtes pas connecté" in page
    assert "n’a pas pu être vérifiée" in page


def test_without_configuration_there_is_no_button_and_no_pages(client):
    assert client.get("/auth/oidc/login").status_code == 404
    assert client.get("/auth/oidc/callback?code=x&state=y").status_code == 404
    assert "/auth/oidc/login" not in client.get("/login").get_data(as_text=True)


def test_the_sign_in_page_offers_the_provider(sso_app):
    page = sso_app.test_client().get("/login?next=/search").get_data(as_text=True)
    assert "Sign in with Acme" in page and "/auth/oidc/login?next=/search" in page
