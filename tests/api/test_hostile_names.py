"""Names and titles: NFC, no control or bidirectional characters (422 naming the field),
reserved usernames and their look-alikes refused at sign-up, names isolated where shown."""

from __future__ import annotations

import pytest
from api_helpers import assert_error
from sqlalchemy import select

from community.models import User

PASSWORD = "correct-horse-battery"  # tests/conftest.py

HOSTILE = [
    "Evil\u202etxt.exe\r\nX-Injected: 1",  # right-to-left override, CR/LF header injection
    "Line\nbreak", "Carriage\rreturn", "Tab\there", "Bell\x07", "Escape\x1b[31m",
    "\u2066Isolated\u2069", "Right\u200fmark", "Zero\u200bwidth", "Line\u2028separator",
    "Para\u2029separator", "Soft\u00adhyphen", "\ufeffBOM", "Arabic\u061cmark", "Del\x7f",
    "Next\x85line", "\u202dOverride\u202c",
]
FRIENDLY = ["José Álvarez", "محمد علي", "Zoë 👩\u200d💻", "می\u200cخواهم", "李小龍", "O'Brien-Smith"]


def _register(client, username, *, display_name=None, email=None):
    body = {"username": username, "email": email or f"{abs(hash(username))}@example.test",
            "password": PASSWORD}
    if display_name is not None:
        body["display_name"] = display_name
    return client.post("/api/v1/auth/register", json=body)


@pytest.mark.parametrize("name", HOSTILE)
def test_a_display_name_with_control_characters_is_refused(client, db, name):
    resp = _register(client, "newcomer", display_name=name)
    err = assert_error(resp, 422, "validation_error", field="display_name")
    assert "U+" in err["fields"]["display_name"][0]
    assert db.session.scalar(select(User.id).where(User.username == "newcomer")) is None


@pytest.mark.parametrize("name", FRIENDLY)
def test_real_names_in_any_script_are_kept(client, db, name):
    resp = _register(client, f"user{abs(hash(name)) % 10**6}", display_name=name)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["display_name"] == name


def test_names_are_stored_in_nfc(client, db):
    resp = _register(client, "jose", display_name="Jose\u0301  ")
    assert resp.status_code == 201 and resp.get_json()["display_name"] == "José"


@pytest.mark.parametrize("username", ["alice\n", "alice\r\n", "al\u202eice", "alice\t", "ali ce"])
def test_a_username_with_a_line_break_or_control_is_refused(client, db, username):
    assert_error(_register(client, username), 422, "validation_error", field="username")


@pytest.mark.parametrize("title", HOSTILE)
def test_a_thread_title_with_control_characters_is_refused(member_client, make_space, make_thread,
                                                           db, title):
    space = make_space()
    long_title = title + " and some words to pass the length check"
    resp = member_client.post("/api/v1/threads", json={
        "space": space.slug, "kind": "question", "title": long_title,
        "body": "A body long enough to be a real question."})
    assert_error(resp, 422, "validation_error", field="title")
    thread = make_thread(author=member_client.user, title="A perfectly ordinary title")
    resp = member_client.patch(f"/api/v1/threads/{thread.id}", json={"title": long_title})
    assert_error(resp, 422, "validation_error", field="title")
    db.session.refresh(thread)
    assert thread.title == "A perfectly ordinary title"


RESERVED = ["admin", "Admin", "ADMIN", "4dmin", "adm1n", "ad_min", "ad.min", "a-d-m-i-n",
            "administrator", "Adm1n1strat0r", "moderator", "m0derat0r", "support", "supp0rt",
            "staff", "5taff", "system", "sy5tem", "root", "r00t", "continuum", "C0ntinuum",
            "adrnin"]


@pytest.mark.parametrize("username", RESERVED)
def test_reserved_usernames_and_look_alikes_cannot_be_registered(client, db, username):
    err = assert_error(_register(client, username), 422, "validation_error", field="username")
    assert "reserved" in err["fields"]["username"][0]


def test_a_fullwidth_admin_is_refused_too(client, db):
    # Not a valid username at all (ASCII only), and reserved once NFKC-folded.
    assert_error(_register(client, "ＡＤＭＩＮ"), 422, "validation_error", field="username")


@pytest.mark.parametrize("username", ["adminton", "rooted", "staffing", "modem", "alice",
                                      "supporter", "systematic"])
def test_ordinary_names_near_reserved_ones_are_free(client, db, username):
    assert _register(client, username).status_code == 201
    assert client.get(f"/api/v1/users/{username}").get_json()["username"] == username


def test_the_reserved_list_is_a_setting(app, client, db):
    app.config["RESERVED_USERNAMES"] = ["barista*"]
    assert_error(_register(client, "Bar1sta_Bob"), 422, "validation_error", field="username")
    assert _register(client, "admin").status_code == 201


def test_operators_still_create_the_demo_admin_from_the_command_line(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["community", "create-user", "admin", "--email", "a@example.test",
                                 "--password", PASSWORD, "--role", "admin"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.role).where(User.username == "admin")) == "admin"
