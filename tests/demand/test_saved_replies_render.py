"""Filling a saved reply for a thread: the documented placeholders, unknown ones kept,
names escaped so that the posted answer shows them as typed, in the asker's language."""

from __future__ import annotations

from community.models import SavedReply
from community.replies.placeholders import fill


def _saved(db, en, fr="Bonjour {asker}") -> SavedReply:
    reply = SavedReply(title="Greeting", body_en=en, body_fr=fr)
    db.session.add(reply)
    db.session.commit()
    return reply


def test_placeholders_are_filled_and_unknown_ones_stay(db, make_user, make_thread, make_space,
                                                       client_for):
    asker = make_user()
    asker.display_name = "Ada Lovelace"
    db.session.commit()
    space = make_space(name="Printers")
    thread = make_thread(author=asker, space=space, title="Why does my printer jam?")
    staff = make_user(role="employee")
    staff.display_name = "Sam from Support"
    db.session.commit()
    reply = _saved(db, "Hi {asker}, I am {my_name}. About “{thread_title}” in {space}: "
                       "{unknown} and {ASKER} stay.")
    got = client_for(staff).get(f"/api/v1/saved-replies/{reply.id}/render?thread={thread.id}")
    assert got.get_json() == {
        "id": reply.id, "title": "Greeting", "locale": "en",
        "body": "Hi Ada Lovelace, I am Sam from Support. About “Why does my printer jam?” in "
                "Printers: {unknown} and {ASKER} stay."}


def test_the_askers_language_wins_else_the_staff_members(db, make_user, make_thread,
                                                         client_for):
    french = make_user()
    french.locale = "fr"
    english_default = make_user()
    staff = make_user(role="employee")
    staff.locale = "fr"
    db.session.commit()
    reply = _saved(db, "Hello {asker}", "Bonjour {asker}")
    api = client_for(staff)
    for asker, locale in ((french, "fr"), (english_default, "fr")):
        thread = make_thread(author=asker)
        got = api.get(f"/api/v1/saved-replies/{reply.id}/render?thread={thread.id}",
                      headers={"Accept-Language": "en"}).get_json()
        assert got["locale"] == locale
        assert got["body"].startswith("Bonjour ")
    staff.locale = None
    english_asker = make_user()
    english_asker.locale = "en"
    db.session.commit()
    thread = make_thread(author=english_asker)
    assert api.get(f"/api/v1/saved-replies/{reply.id}/render?thread={thread.id}").get_json()[
        "body"].startswith("Hello ")


def test_markup_in_a_display_name_stays_text_once_posted(db, make_user, make_thread, client_for):
    asker = make_user()
    asker.display_name = "**Bo** <script>alert(1)</script> [x](javascript:alert(1))"
    db.session.commit()
    thread = make_thread(author=asker)
    reply = _saved(db, "Hello {asker}, here is the fix.")
    staff = client_for(make_user(role="employee"))
    body = staff.get(f"/api/v1/saved-replies/{reply.id}/render?thread={thread.id}"
                     ).get_json()["body"]
    assert "<script>" not in body
    posted = staff.post(f"/api/v1/threads/{thread.id}/posts", json={"body": body})
    assert posted.status_code == 201
    html = posted.get_json()["body_html"]
    assert "<script" not in html and "<strong>" not in html and "href=" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "**Bo**" in html


def test_fill_escapes_block_syntax_and_line_breaks():
    assert fill("{asker}", {"asker": "# Big\n\n    code"}) == "\\# Big code"
    assert fill("{asker} {my_name}", {"asker": "1. One"}) == "1\\. One {my_name}"
    assert fill("{thread_title}!", {"thread_title": "a_b*c"}) == "a\\_b\\*c!"
