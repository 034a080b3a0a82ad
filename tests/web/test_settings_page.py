"""/settings through its real forms: profile, time zone, language, picture and password."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from PIL import Image
from webtools import submit, text, token_of

from community.models import User

PASSWORD = "correct-horse-battery"  # tests/conftest.py


def png(size=(120, 80)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def profile_form(**fields) -> dict:
    return {"display_name": "Marie Curie", "bio": "", "timezone": "", "locale": "", **fields}


def test_the_profile_form_saves_each_field_and_shows_it_back(browser, make_user, db):
    member = make_user(username="marie")
    c = browser(member)
    page = text(c.get("/settings"))
    assert 'name="display_name" value="' in page and "/settings/email" in page
    resp = submit(c, "/settings/profile", profile_form(
        display_name="Marie Skłodowska", bio="Two **Nobel** prizes. <img src=x onerror=alert(1)>",
        timezone="Europe/Paris", locale="en"))
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/settings")
    page = text(c.get("/settings"))
    assert "Your profile is saved." in page
    assert 'value="Marie Skłodowska"' in page
    assert "<option selected>Europe/Paris</option>" in page
    assert '<option value="en" selected>' in page
    assert "Two **Nobel** prizes." in page  # the Markdown as written, in the textarea
    profile = text(c.get("/users/marie"))
    assert "<strong>Nobel</strong>" in profile
    assert "&lt;img src=x onerror=alert(1)&gt;" in profile and "<img src" not in profile
    db.session.expire_all()
    stored = db.session.get(User, member.id)
    assert (stored.display_name, stored.timezone, stored.locale) == (
        "Marie Skłodowska", "Europe/Paris", "en")
    # Back to the defaults: the empty choices store nothing.
    submit(c, "/settings/profile", profile_form(display_name="Marie"))
    db.session.expire_all()
    stored = db.session.get(User, member.id)
    assert (stored.timezone, stored.locale, stored.bio, stored.bio_html) == (None, None, None, None)


def test_errors_are_shown_next_to_their_field_and_what_was_typed_is_kept(browser, make_user, db):
    member = make_user(username="henri")
    c = browser(member)
    resp = submit(c, "/settings/profile", profile_form(
        display_name="Henri\u202e", bio="Kept " + "x" * 600, timezone="Nowhere/Atlantis"))
    assert resp.status_code == 422
    page = text(resp)
    for field in ("display_name", "bio", "timezone"):
        assert f'aria-describedby="{field}-errors"' in page
        assert f'<ul class="field-errors" id="{field}-errors">' in page
    assert "U+202E" in page and "Kept xxx" in page
    db.session.expire_all()
    assert db.session.get(User, member.id).display_name == "henri"


def test_the_password_form_ends_other_sessions_and_tokens_but_not_this_one(
        app, browser, make_user, client_for, db):
    member = make_user(username="paul")
    here, elsewhere = browser(member), browser(member)
    api = client_for(member)
    resp = submit(here, "/settings/password", {"current_password": PASSWORD,
                                               "new_password": "brand-new-secret"})
    assert resp.status_code == 303
    assert "Your password is changed." in text(here.get("/settings"))
    assert elsewhere.get("/settings").status_code in (302, 303)
    assert api.get("/api/v1/me").status_code == 401
    fresh = browser()
    fresh.get("/login")
    assert submit(fresh, "/login", {"login": "paul", "password": PASSWORD}).status_code == 401
    assert submit(fresh, "/login", {"login": "paul",
                                    "password": "brand-new-secret"}).status_code == 303


def test_a_wrong_current_password_on_the_form_changes_nothing(browser, make_user, client_for, db):
    member = make_user(username="olga")
    here, elsewhere = browser(member), browser(member)
    api = client_for(member)
    before = member.password_hash
    resp = submit(here, "/settings/password", {"current_password": "not-the-password",
                                               "new_password": "brand-new-secret"})
    assert resp.status_code == 422
    page = text(resp)
    assert '<ul class="field-errors" id="current_password-errors">' in page
    assert "This is not your current password." in page
    assert 'brand-new-secret' not in page  # passwords are never sent back
    db.session.expire_all()
    assert db.session.get(User, member.id).password_hash == before
    assert elsewhere.get("/settings").status_code == 200
    assert api.get("/api/v1/me").status_code == 200


def test_the_picture_form_replaces_the_initial_everywhere_it_was(app, browser, make_user, db):
    member = make_user(username="ines")
    c = browser(member)
    assert 'class="avatar" aria-hidden="true">I<' in text(c.get("/users/ines"))
    resp = c.post("/settings/avatar", data={"csrf_token": token_of(c),
                                            "file": (io.BytesIO(png()), "me.png")},
                  content_type="multipart/form-data")
    assert resp.status_code == 303
    profile = text(browser().get("/users/ines"))
    src = re.search(r'<img class="avatar" src="([^"]+)"', profile)[1]
    assert browser().get(src).mimetype == "image/webp"
    assert src in text(c.get("/settings"))
    # A file that is no picture: the error is on the field, the old picture stays.
    resp = c.post("/settings/avatar", data={"csrf_token": token_of(c),
                                            "file": (io.BytesIO(b"GIF89a not really"), "x.png")},
                  content_type="multipart/form-data")
    assert resp.status_code == 422
    assert '<ul class="field-errors" id="file-errors">' in text(resp)
    assert src in text(browser().get("/users/ines"))


def test_every_settings_form_needs_the_csrf_token(browser, make_user, db):
    member = make_user(username="carl")
    c = browser(member)
    for url, data in (("/settings/profile", profile_form(display_name="Forged")),
                      ("/settings/password", {"current_password": PASSWORD,
                                              "new_password": "forged-password-1"}),
                      ("/settings/avatar", {})):
        assert c.post(url, data=data).status_code == 400, url
    db.session.expire_all()
    assert db.session.get(User, member.id).display_name == "carl"


def test_dates_are_shown_in_the_readers_time_zone(app, browser, make_user, make_thread, db):
    author = make_user(username="late")
    thread = make_thread(author=author, title="Which grinder for a late night espresso?")
    when = datetime(2026, 12, 7, 23, 30, tzinfo=UTC)
    thread.created_at = author.created_at = when
    db.session.commit()
    paris, utc = make_user(username="parisian"), make_user(username="londoner")
    paris.timezone = "Europe/Paris"
    db.session.commit()
    url = f"/threads/{thread.id}"
    for _ in range(2):  # the second time from the cache: each reader keeps their own zone
        assert "Dec 7, 2026, 11:30\u202fPM" in text(browser(utc).get(url))
        paris_page = text(browser(paris).get(url))
        assert "Dec 8, 2026, 12:30\u202fAM" in paris_page
        assert "11:30\u202fPM" not in paris_page
    # "Member since" is a day, in the reader's zone too.
    assert ">December 7, 2026</time>" in text(browser().get("/users/late"))  # a guest: UTC
    assert ">December 8, 2026</time>" in text(browser(paris).get("/users/late"))


def test_a_french_member_gets_the_settings_page_in_french(browser, make_user, db):
    member = make_user(username="amelie")
    member.locale = "fr"
    db.session.commit()
    c = browser(member)
    page = text(c.get("/settings"))
    assert '<html lang="fr">' in page
    for words in ("Paramètres", "Nom affiché", "Fuseau horaire", "Mot de passe actuel",
                  "Préférences de notification", "Enregistrer le profil"):
        assert words in page, words
    resp = submit(c, "/settings/password", {"current_password": "nope-nope-nope",
                                            "new_password": "brand-new-secret"})
    assert "Ce n’est pas votre mot de passe actuel." in text(resp)
