"""An administrator changes a flood limit in French on a phone (390 px, a real browser):
a wrong value is refused under the field with the text kept, the right one is saved and
the change shows with its before and after, and in the audit log."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from community.models import AuditEntry, SiteSetting

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def test_a_french_admin_changes_a_flood_limit_on_a_phone(live_server, new_page, make_user, db):
    admin = make_user(role="admin", username="margaux")
    admin.locale = "fr"
    db.session.commit()
    db.session.rollback()  # give SQLite's write lock back to the server

    page = new_page(locale="fr-FR", viewport={"width": 390, "height": 844})
    page.goto(f"{live_server}/login")
    page.get_by_label("Nom d'utilisateur ou e-mail").fill("margaux")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{live_server}/admin")
    page.get_by_role("link", name="Paramètres du site").click()
    expect(page.get_by_role("heading", name="Paramètres du site", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    flood = page.locator("#section-flood_limits")
    answers = flood.get_by_role("group", name="Réponses")
    box = answers.get_by_label("tout le monde, par compte")
    expect(box).to_have_value("1 per 5 second")
    box.fill("5 toutes les minutes")
    flood.get_by_role("button", name="Enregistrer « Limites anti-flood »").click()
    expect(page.locator("#post-errors")).to_contain_text("séparées par « ; »")
    expect(page.locator("#section-flood_limits").get_by_role("group", name="Réponses")
           .get_by_label("tout le monde, par compte")).to_have_value("5 toutes les minutes")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    box = page.locator("#section-flood_limits").get_by_role("group", name="Réponses") \
        .get_by_label("tout le monde, par compte")
    box.fill("5 per minute")
    page.locator("#section-flood_limits").get_by_role(
        "button", name="Enregistrer « Limites anti-flood »").click()
    expect(page.get_by_text("Limites anti-flood : enregistré.")).to_be_visible()
    change = page.locator(".settings-change").first
    expect(change).to_contain_text("Paramètres du site modifiés")
    expect(change.locator("del")).to_have_text("1 per 5 second")
    expect(change.locator("ins")).to_have_text("5 per minute")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("link", name="Toutes les modifications dans le journal d'audit").click()
    expect(page.locator(".audit-entry").first).to_contain_text("Paramètres du site modifiés")
    expect(page.locator(".audit-entry").first).to_contain_text("margaux")

    db.session.expire_all()
    assert db.session.get(SiteSetting, "FLOOD_LIMITS").value["post"] == "5 per minute"
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "site_settings_update")).one()
    assert entry.data["after"] == {"post": "5 per minute"}
    db.session.rollback()
