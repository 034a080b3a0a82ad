"""A French moderator on a phone (a real browser 390 px wide) makes a knowledge article
from a solved question, edits it and reads its version history."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from community.services import votes

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def test_a_french_moderator_promotes_edits_and_reads_the_history_on_a_phone(
        live_server, new_page, make_user, make_space, make_thread, make_post, db):
    mod = make_user(username="mireille", role="moderator")
    mod.locale = "fr"
    asker, answerer = make_user(username="agathe"), make_user(username="bruno")
    make_space(slug="base", name="Base de connaissances")
    question = make_thread(author=asker, title="Comment détartrer la machine à expresso ?",
                           body="Le voyant de détartrage est allumé depuis hier soir.")
    answer = make_post(thread=question, author=answerer,
                       body="Lancez le programme de détartrage avec de l'acide citrique.")
    votes.accept_answer(db.session, question, answer, by=asker)
    db.session.commit()
    question_id = question.id
    db.session.rollback()  # give SQLite's write lock back to the server

    page = new_page(locale="fr-FR", viewport={"width": 390, "height": 844})
    page.goto(f"{live_server}/login")
    page.get_by_label("Nom d'utilisateur ou e-mail").fill("mireille")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    def fits():
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url

    page.goto(f"{live_server}/threads/{question_id}")
    page.get_by_text("Modérer", exact=True).click()
    page.get_by_role("link", name="Transformer en article de la base de connaissances").click()
    expect(page.get_by_role("heading", name="Créer un article de la base de connaissances")).to_be_visible()
    expect(page.get_by_label("Article (Markdown)")).to_contain_text("acide citrique")
    fits()
    # Publishing without a space names the field and keeps the text.
    page.get_by_label("Titre").fill("Détartrer la machine à expresso")
    page.locator("#promote-space").evaluate("e => e.removeAttribute('required')")
    page.get_by_role("button", name="Publier l’article").click()
    expect(page.locator("#space-errors")).to_contain_text("Choisissez l’espace où publier l’article.")
    expect(page.get_by_label("Titre")).to_have_value("Détartrer la machine à expresso")
    page.get_by_label("Espace").select_option("base")
    page.get_by_role("button", name="Publier l’article").click()

    expect(page.get_by_role("heading", name="Détartrer la machine à expresso")).to_be_visible()
    expect(page.locator(".article-credits")).to_contain_text("Rédigé à partir des réponses de :")
    expect(page.locator(".article-credits")).to_contain_text("agathe")
    expect(page.locator(".article-credits")).to_contain_text("bruno")
    expect(page.locator(".kind-article").first).to_have_text("Article")
    assert "/articles/" in page.url
    fits()

    page.get_by_role("link", name="Modifier l’article").click()
    page.get_by_label("Article (Markdown)").fill(
        "Lancez le programme de détartrage deux fois, puis rincez bien le réservoir.")
    page.get_by_label("Ce qui a changé (affiché dans l’historique)").fill("Rinçage ajouté")
    fits()
    page.get_by_role("button", name="Publier cette version").click()
    expect(page.get_by_text("La version 2 de l’article est publiée.")).to_be_visible()
    expect(page.locator(".post-body")).to_contain_text("rincez bien le réservoir")

    page.get_by_role("link", name="Historique des versions (2)").click()
    versions = page.locator(".article-version")
    expect(versions).to_have_count(2)
    expect(versions.first).to_contain_text("Rinçage ajouté")
    fits()
    page.get_by_role("link", name="Version 1").click()
    expect(page.locator(".post-body")).to_contain_text("acide citrique")
    fits()

    page.goto(f"{live_server}/threads/{question_id}")
    expect(page.locator(".knowledge-link")).to_contain_text(
        "Cette question a un article dans la base de connaissances : Détartrer la machine à expresso")
    fits()
