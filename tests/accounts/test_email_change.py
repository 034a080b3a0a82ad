"""Changing the account's email: the new address is unverified until its link is
followed, the old one is told; bad addresses are refused with the field named."""

from __future__ import annotations

from mailtools import link, parts, token_of
from sqlalchemy import func, select

from community.models import AccountEmail, User
from tests.web.webtools import submit, text


def test_a_new_address_is_verified_by_its_link_and_the_old_one_is_told(
        db, make_user, client_for, deliver, mailbox, client):
    user = make_user(email="old.box@example.test")
    api = client_for(user)
    resp = api.patch("/api/v1/me", json={"email": "New.Box@example.test"})
    assert resp.status_code == 200
    assert (resp.get_json()["email"], resp.get_json()["email_verified"]) == (
        "New.Box@example.test", False)
    deliver()

    (notice,) = mailbox.to("old.box@example.test")
    plain, html = parts(notice)
    assert "New.Box@example.test" in plain and "New.Box@example.test" in html
    assert "/verify-email/" not in plain  # nothing to follow from the old mailbox
    (verify,) = mailbox.to("New.Box@example.test")
    url = link(verify, "/verify-email/")
    assert client.post("/api/v1/auth/verify-email", json={"token": token_of(url)}).status_code == 200
    assert api.get("/api/v1/me").get_json()["email_verified"] is True
    # Signing in and resetting follow the new address.
    assert client.post("/api/v1/auth/token", json={
        "login": "new.box@example.test", "password": "correct-horse-battery"}).status_code == 200


def test_a_link_sent_to_the_previous_address_dies_with_the_change(
        db, make_user, client_for, deliver, mailbox, client):
    user = make_user(email="first@example.test")
    api = client_for(user)
    api.patch("/api/v1/me", json={"email": "second@example.test"})
    deliver()
    first_link = link(mailbox.to("second@example.test")[0], "/verify-email/")
    api.patch("/api/v1/me", json={"email": "third@example.test"})
    resp = client.post("/api/v1/auth/verify-email", json={"token": token_of(first_link)})
    assert resp.status_code == 400
    assert api.get("/api/v1/me").get_json()["email_verified"] is False


def test_a_taken_or_malformed_address_is_refused_naming_the_field_and_changes_nothing(
        db, make_user, client_for, deliver, mailbox):
    make_user(email="Taken@Example.test")
    user = make_user(email="mine@example.test")
    api = client_for(user)
    for value in ("taken@example.TEST", "not an address", "a@b", "x" * 250 + "@example.test",
                  None, 42):
        resp = api.patch("/api/v1/me", json={"email": value})
        assert resp.status_code == 422, value
        assert list(resp.get_json()["error"]["fields"]) == ["email"], value
    me = api.get("/api/v1/me").get_json()
    assert (me["email"], me["email_verified"]) == ("mine@example.test", True)
    deliver()
    assert mailbox.messages == []
    assert db.session.scalar(select(func.count()).select_from(AccountEmail)) == 0


def test_the_same_address_in_another_case_is_not_a_change(db, make_user, client_for, deliver,
                                                          mailbox):
    user = make_user(email="case@example.test")
    resp = client_for(user).patch("/api/v1/me", json={"email": "Case@Example.test"})
    assert resp.status_code == 200 and resp.get_json()["email_verified"] is True
    deliver()
    assert mailbox.messages == []


def test_the_settings_page_changes_the_address_in_french(
        app, db, make_user, login, deliver, mailbox):
    user = make_user(email="page@example.test")
    db.session.get(User, user.id).locale = "fr"
    db.session.commit()
    browser = login(app.test_client(), user)
    page = text(browser.get("/settings/email"))
    assert "Changer mon adresse e-mail" in page and "page@example.test" in page
    bad = submit(browser, "/settings/email", {"email": "pas une adresse"})
    assert bad.status_code == 422
    assert "Saisissez une adresse e-mail valide." in text(bad) and 'value="pas une adresse"' in text(bad)
    done = submit(browser, "/settings/email", {"email": "page2@example.test"})
    assert done.status_code == 303
    page = text(browser.get("/settings/email"))
    assert "page2@example.test" in page and "Pas encore confirmée" in page
    assert "Renvoyer le lien" in page
    deliver()
    (notice,) = mailbox.to("page@example.test")
    assert "a été modifiée" in notice["Subject"]
    (verify,) = mailbox.to("page2@example.test")
    assert "Confirmez votre adresse" in verify["Subject"]
