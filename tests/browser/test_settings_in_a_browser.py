"""The settings page on a phone, in French: a real browser 390 px wide."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from community.models import User

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def test_a_french_member_changes_their_settings_on_a_phone(live_server, new_page, make_user, db):
    member = make_user(username="camille")
    member.locale = "fr"
    db.session.commit()
    member_id = member.id
    db.session.rollback()  # give SQLite's write lock back to the server

    page = new_page(locale="fr-FR", viewport={"width": 390, "height": 844})
    page.goto(f"{live_server}/login")
    page.get_by_label("Nom d'utilisateur ou e-mail").fill("camille")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Paramètres").click()
    expect(page.get_by_role("heading", name="Paramètres", level=1)).to_be_visible()
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_label("Nom affiché").fill("Camille Claudel")
    page.get_by_label("Présentation").fill("Je torréfie mon **café**.")
    page.get_by_label("Fuseau horaire").select_option("Europe/Paris")
    page.get_by_role("button", name="Enregistrer le profil").click()
    expect(page.get_by_text("Votre profil est enregistré.")).to_be_visible()
    expect(page.get_by_label("Nom affiché")).to_have_value("Camille Claudel")

    # A wrong current password: the message is under the field, in French.
    page.get_by_label("Mot de passe actuel").fill("pas-le-bon-mot")
    page.get_by_label("Nouveau mot de passe").fill("un-nouveau-secret")
    page.get_by_role("button", name="Changer le mot de passe").click()
    expect(page.locator("#current_password-errors")).to_have_text("Ce n’est pas votre mot de passe actuel.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    picture = io.BytesIO()
    Image.new("RGB", (400, 300), (120, 60, 20)).save(picture, "JPEG")
    page.get_by_label("Nouvelle photo").set_input_files(
        {"name": "moi.jpg", "mimeType": "image/jpeg", "buffer": picture.getvalue()})
    page.get_by_role("button", name="Envoyer la photo").click()
    expect(page.get_by_text("Votre photo est enregistrée.")).to_be_visible()
    avatar = page.get_by_role("img", name="Votre photo")
    expect(avatar).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", avatar.element_handle()) == 128

    db.session.expire_all()
    stored = db.session.get(User, member_id)
    assert (stored.display_name, stored.timezone) == ("Camille Claudel", "Europe/Paris")
    assert stored.avatar_version
    db.session.rollback()
