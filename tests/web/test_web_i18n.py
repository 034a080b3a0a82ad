"""English and French: complete catalogues, the browser's choice and the switch."""

from __future__ import annotations

from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from webtools import submit, text

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "community" / "translations"
FR_PO = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po"
FR_MO = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.mo"


def _key(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _translated(message) -> bool:
    if isinstance(message.string, (tuple, list)):
        return all(s.strip() for s in message.string)
    return bool(message.string and message.string.strip())


def test_every_message_has_a_french_translation():
    with FR_PO.open("rb") as fh:
        catalog = read_po(fh, locale="fr")
    ids = [m.id for m in catalog if m.id]
    assert len(ids) > 100
    missing = [m.id for m in catalog if m.id and (not _translated(m) or m.fuzzy)]
    assert missing == []
    # Placeholders match: a French string never drops or renames a %(name)s.
    assert [(m.id, errors) for m, errors in catalog.check()] == []
    # Each message once: gettext's msgfmt refuses a file with a message written twice
    # (Babel silently keeps the last), and two entries drift apart when one is edited.
    definitions = [line for line in FR_PO.read_text(encoding="utf-8").splitlines()
                   if line.startswith("msgid ")]
    assert len(definitions) - 1 == len(ids)  # - 1: the header's empty msgid


def test_the_compiled_catalogue_matches_the_po_file():
    def entries(catalog):
        return {_key(m.id): _key(m.string) for m in catalog if m.id}

    with FR_PO.open("rb") as fh:
        po = entries(read_po(fh, locale="fr"))
    with FR_MO.open("rb") as fh:
        mo = entries(read_mo(fh))
    assert po == mo


def test_the_catalogue_covers_every_string_in_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    CommandLineInterface().run([
        "pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "lazy_gettext",
        "-k", "_l", "-o", str(pot), str(ROOT),
    ])
    with pot.open("rb") as fh:
        wanted = {_key(m.id) for m in read_po(fh) if m.id}
    with FR_PO.open("rb") as fh:
        have = {_key(m.id) for m in read_po(fh, locale="fr") if m.id and _translated(m)}
    assert sorted(map(str, wanted - have)) == []


def test_a_french_browser_gets_the_french_home_page(make_space, client):
    make_space(slug="aide")
    page = text(client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}))
    assert '<html lang="fr">' in page
    assert "Accueil" in page and "Questions sans réponse" in page and "Se connecter" in page
    english = text(client.get("/", headers={"Accept-Language": "en"}))
    assert "Unanswered questions" in english
    # A header longer than any browser's is still read (it skips the parsed-header cache).
    long = ",".join(f"x{i:03d};q=0.1" for i in range(30)) + ",fr;q=0.9"
    assert len(long) > 200
    assert '<html lang="fr">' in text(client.get("/", headers={"Accept-Language": long}))
    assert '<html lang="en">' in text(client.get("/"))  # no header: the default


def test_the_language_switch_is_stored_in_the_session(client):
    client.get("/")
    resp = submit(client, "/lang", {"lang": "fr", "next": "/login"})
    assert resp.status_code == 303 and resp.headers["Location"] == "/login"
    page = text(client.get("/login", headers={"Accept-Language": "en"}))
    assert "Mot de passe" in page and '<html lang="fr">' in page
    submit(client, "/lang", {"lang": "en"})
    assert "Password" in text(client.get("/login", headers={"Accept-Language": "fr"}))
    # An unknown language changes nothing.
    submit(client, "/lang", {"lang": "xx"})
    assert "Password" in text(client.get("/login"))


def test_errors_and_validation_messages_are_translated(make_user, client):
    client.get("/")
    submit(client, "/lang", {"lang": "fr"})
    assert "Page introuvable" in text(client.get("/nowhere"))
    resp = submit(client, "/login", {"login": "nobody", "password": "whatever-it-is"})
    assert "Identifiant ou mot de passe incorrect." in text(resp)


def test_the_switch_stores_a_signed_in_members_language_on_the_account(db, make_user, browser):
    from community.models import User

    member = make_user()
    first = browser(member)
    submit(first, "/lang", {"lang": "fr"})
    db.session.expire_all()
    assert db.session.get(User, member.id).locale == "fr"
    # Another browser of the same member, set to English, gets French pages.
    other = browser(member)
    page = text(other.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}))
    assert '<html lang="fr">' in page and "Accueil" in page
    # A guest's switch stores nothing anywhere but its own session.
    guest = browser()
    submit(guest, "/lang", {"lang": "en"})
    db.session.expire_all()
    assert db.session.get(User, member.id).locale == "fr"


def test_pages_of_a_member_with_no_stored_language_follow_the_browser(make_user, browser):
    member = browser(make_user())
    assert '<html lang="fr">' in text(member.get("/", headers={"Accept-Language": "fr"}))
    assert '<html lang="en">' in text(member.get("/", headers={"Accept-Language": "en"}))


def test_marshmallow_field_errors_reach_a_french_reader_in_french(make_user, make_space,
                                                                   client_for):
    make_space(slug="help")
    api = client_for(make_user())
    fr = {"Accept-Language": "fr"}
    resp = api.post("/api/v1/threads", headers=fr,
                    json={"space": "help", "kind": "sideways", "body": "A body long enough to be a real one."})
    fields = resp.get_json()["error"]["fields"]
    assert fields["title"] == ["Ce champ est obligatoire."]
    assert fields["kind"][0].startswith("Choisissez parmi : ")
    resp = api.get("/api/v1/threads?page=abc", headers=fr)
    assert resp.get_json()["error"]["fields"]["page"] == ["Saisissez un nombre entier."]
    english = api.post("/api/v1/threads", json={"space": "help", "body": "x" * 40})
    assert english.get_json()["error"]["fields"]["title"] == ["This field is required."]
