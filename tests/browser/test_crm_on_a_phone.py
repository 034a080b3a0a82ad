"""Organisations and the CRM side of cases on a phone, in French: a real browser 390 px
wide, an admin from the organisations page to the case of a premium customer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from community.escalation import cases

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def test_a_french_admin_sets_up_a_premium_customer_and_links_its_case_on_a_phone(
        live_server, new_page, make_user, make_thread, db):
    admin = make_user(username="odile_crm", role="admin")
    admin.locale = "fr"
    customer = make_user(username="client_acme")
    thread = make_thread(author=customer, title="Le moulin se bloque chaque matin, pourquoi ?")
    case_id = cases.open_case(db.session, thread, by=None, source="manual").id
    db.session.commit()
    db.session.rollback()  # give SQLite's write lock back to the server

    page = new_page(locale="fr-FR", viewport={"width": 390, "height": 844})
    page.goto(f"{live_server}/login")
    page.get_by_label("Nom d'utilisateur ou e-mail").fill("odile_crm")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    def fits():
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url

    page.goto(f"{live_server}/admin")
    page.get_by_role("link", name="Organisations").click()
    fits()
    page.get_by_label("Nom", exact=True).fill("Acme Café")
    page.get_by_label("Niveau de service").select_option("premium")
    page.get_by_label("Référence CRM (facultative)").fill("ACC-42")
    page.get_by_role("button", name="Créer l’organisation").click()
    expect(page.get_by_text("L’organisation a été créée : ajoutez ses membres ici.")).to_be_visible()
    fits()
    page.get_by_label("Membres (noms d’utilisateur, séparés par des espaces ou des virgules)").fill(
        "client_acme")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("L’organisation a été enregistrée.")).to_be_visible()

    page.goto(f"{live_server}/triage?tier=premium")
    expect(page.get_by_text("Acme Café · Premium")).to_be_visible()
    fits()
    page.goto(f"{live_server}/cases/{case_id}")
    expect(page.get_by_text("Acme Café · Premium")).to_be_visible()
    page.get_by_label("Référence CRM", exact=True).fill("SF-0042")
    page.get_by_role("button", name="Enregistrer les informations CRM").click()
    expect(page.locator("code", has_text="SF-0042")).to_be_visible()
    fits()
