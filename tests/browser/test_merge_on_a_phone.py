"""A French moderator merges two questions on a phone (a real browser 390 px wide): the
confirmation says what will move, the merge says it is done, and the merged question
shows as a question of the target, not as an answer to accept."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def test_a_french_moderator_merges_a_question_on_a_phone(live_server, new_page, make_user,
                                                        make_thread, make_post, db):
    mod = make_user(username="mireille", role="moderator")
    mod.locale = "fr"
    source = make_thread(title="Mon moulin à café grince beaucoup")
    target = make_thread(title="Le moulin grince en mouture fine")
    make_post(thread=source, body="Nettoyez les meules avec des pastilles de riz.")
    make_post(thread=target, body="Un grincement veut dire que le support est sec.")
    db.session.commit()
    source_id, target_id = source.id, target.id
    db.session.rollback()  # give SQLite's write lock back to the server

    page = new_page(locale="fr-FR", viewport={"width": 390, "height": 844})
    page.goto(f"{live_server}/login")
    page.get_by_label("Nom d'utilisateur ou e-mail").fill("mireille")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    def fits():
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url

    page.goto(f"{live_server}/threads/{source_id}")
    page.get_by_text("Modérer", exact=True).click()
    page.get_by_label("Cible (identifiant d'espace ou numéro de sujet)").fill(str(target_id))
    page.get_by_role("button", name="Fusionner avec").click()

    expect(page.get_by_role("heading", name="Fusionner cette question dans une autre ?")).to_be_visible()
    expect(page.get_by_text("1 réponse", exact=True)).to_be_visible()
    expect(page.locator(".merge-pair")).to_contain_text("Le moulin grince en mouture fine")
    fits()
    page.get_by_role("button", name="Fusionner", exact=True).click()

    expect(page.get_by_text("« Mon moulin à café grince beaucoup » a été fusionnée dans cette question")).to_be_visible()
    assert f"/threads/{target_id}" in page.url
    block = page.locator(".merged-question")
    expect(block).to_contain_text("Mon moulin à café grince beaucoup")
    expect(block.get_by_role("button", name="Accepter cette réponse")).to_have_count(0)
    expect(page.get_by_role("heading", name="Question fusionnée")).to_be_visible()
    fits()
    # The bell's SVG icon is drawn (a mask in the text colour), not an emoji box.
    bell = page.locator(".icon-bell")
    page.wait_for_load_state("load")  # the stylesheet too, not only the document
    assert "bell.svg" in bell.evaluate("e => getComputedStyle(e).maskImage || getComputedStyle(e).webkitMaskImage")
    assert bell.bounding_box()["width"] > 0
