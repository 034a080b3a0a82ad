"""Tags and the administration pages on a phone, in French: a real browser 390 px wide."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def test_a_french_admin_curates_tags_and_spaces_on_a_phone(live_server, new_page, make_user,
                                                           make_space, make_thread, db):
    admin = make_user(username="odile", role="admin")
    admin.locale = "fr"
    space = make_space(slug="torrefaction", name="Torréfaction")
    make_thread(space=space, tags=["torrefacteur"], title="Quel torréfacteur pour débuter ?")
    make_thread(space=space, tags=["torrefacteurs"], title="Mon torréfacteur fume beaucoup")
    db.session.commit()
    db.session.rollback()  # give SQLite's write lock back to the server

    page = new_page(locale="fr-FR", viewport={"width": 390, "height": 844})
    page.goto(f"{live_server}/login")
    page.get_by_label("Nom d'utilisateur ou e-mail").fill("odile")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    def fits():
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url

    page.goto(f"{live_server}/admin")
    expect(page.get_by_role("link", name="Mots surveillés")).to_be_visible()
    fits()
    page.goto(f"{live_server}/admin/spaces")
    fits()
    page.goto(f"{live_server}/tags")
    fits()
    page.get_by_role("link", name="torrefacteurs").click()
    page.wait_for_url("**/tags/torrefacteurs")  # measured once the tag's page is there
    fits()
    page.get_by_text("Gérer cette étiquette").click()
    page.get_by_label("Description").fill("Les machines qui torréfient le café vert.")
    page.get_by_role("button", name="Enregistrer la description").click()
    expect(page.get_by_text("La description a été enregistrée.")).to_be_visible()
    page.get_by_text("Gérer cette étiquette").click()
    page.get_by_label("Fusionner cette étiquette dans").fill("torrefacteur")
    page.get_by_role("button", name="Fusionner…").click()
    expect(page.get_by_text("1 sujet sera réétiqueté avec torrefacteur.")).to_be_visible()
    fits()
    page.get_by_role("button", name="Fusionner", exact=True).click()
    expect(page.get_by_text("torrefacteurs a été fusionnée dans torrefacteur : 1 sujet réétiqueté.")).to_be_visible()
    assert page.url.endswith("/tags/torrefacteur")
    expect(page.locator("p.lead")).to_have_text("Les machines qui torréfient le café vert.")
    page.get_by_role("button", name="Suivre").click()
    expect(page.get_by_role("button", name="Ne plus suivre")).to_be_visible()
    fits()
