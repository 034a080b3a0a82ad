"""Pages read their forms and query strings through the API's schemas: a value a schema
refuses comes back next to its field with what the person typed, never a 500, never a
silently different action; a page number that is not one shows page 1 everywhere."""

from __future__ import annotations

import pytest
from webtools import submit, text

from community.escalation import cases
from community.models import Sanction, WatchedWord
from community.models.escalation import CaseNote
from community.search.outbox import drain_outbox

NOTE = "Called the customer back about the refund. " * 240  # ~10,300 characters


def test_a_case_note_too_long_comes_back_on_the_case_page_with_its_text(db, make_thread,
                                                                         make_user, browser):
    case = cases.open_case(db.session, make_thread(), by=None, source="manual")
    db.session.commit()
    staff = browser(make_user(role="employee"))
    resp = submit(staff, f"/cases/{case.id}/notes", {"body": NOTE, "next": "thread"})
    page = text(resp)
    assert resp.status_code == 422
    assert NOTE.strip() in page  # the note is back in its box, not lost
    assert 'id="body-errors"' in page and "10000 characters" in page
    assert 'aria-describedby="body-errors"' in page
    assert db.session.query(CaseNote).filter_by(case_id=case.id).count() == 0


def test_a_watched_word_refused_keeps_what_was_typed_next_to_the_field(db, make_user, browser):
    admin = browser(make_user(role="admin"))
    word = "overlong-" * 12  # 108 characters: over the 100 a watched word may have
    resp = submit(admin, "/moderation/words", {"word": word, "action": "censor",
                                               "replacement": "***"})
    page = text(resp)
    assert resp.status_code == 422
    assert f'value="{word}"' in page and 'value="***"' in page
    assert '<option value="censor" selected>' in page
    assert 'id="word-errors"' in page and "100 characters" in page
    assert db.session.query(WatchedWord).count() == 0


def test_a_sanction_with_a_duration_that_is_not_a_number_is_refused_not_made_permanent(
        db, make_user, browser):
    target = make_user()
    moderator = browser(make_user(role="moderator"))
    resp = submit(moderator, f"/users/{target.username}/sanction",
                  {"action": "suspend", "days": "seven", "reason": "Spam"})
    assert resp.status_code == 422
    assert "days" in text(resp)
    assert db.session.query(Sanction).filter_by(user_id=target.id).count() == 0


def test_an_answer_refused_by_the_schema_keeps_the_text(make_thread, make_user, browser):
    thread = make_thread()
    member = browser(make_user())
    body = "My answer, with a NUL byte\x00 pasted in from a terminal."
    resp = submit(member, f"/threads/{thread.id}/answer", {"body": body})
    assert resp.status_code == 422
    assert "My answer, with a NUL byte" in text(resp) and 'id="body-errors"' in text(resp)


@pytest.mark.parametrize("page", ["abc", "-3", "0", "1.5", "99999999999999999999"])
def test_a_bad_page_number_shows_page_one_on_every_page(page, app, db, make_space, make_thread,
                                                        make_user, browser):
    space = make_space(slug="big")
    make_thread(space=space, title="A thread about grinding coffee beans")
    db.session.commit()  # the indexer's own session needs SQLite's write lock
    drain_outbox(app)
    moderator = browser(make_user(role="moderator"))
    for url in ("/spaces/big", "/leaderboard", "/notifications", "/cases", "/triage",
                "/moderation", "/moderation/audit", "/search?q=coffee"):
        sep = "&" if "?" in url else "?"
        resp = moderator.get(f"{url}{sep}page={page}")
        assert resp.status_code == 200, (url, text(resp)[:300])
        if url in ("/spaces/big", "/search?q=coffee"):  # page 1's list, not an empty one
            assert "A thread about grinding coffee beans" in text(resp), url


@pytest.mark.parametrize("page", ["abc", "-3", "0", "99999999999999999999"])
def test_a_bad_page_number_is_a_400_naming_the_field_on_the_api(page, client):
    resp = client.get(f"/api/v1/threads?page={page}")
    assert resp.status_code == 400
    assert list(resp.get_json()["error"]["fields"]) == ["page"]


def test_filters_a_page_cannot_use_are_left_out_and_the_rest_kept(make_user, browser):
    moderator = browser(make_user(role="moderator"))
    resp = moderator.get("/moderation/audit?target_id=abc&actor=someone&since=yesterday")
    page = text(resp)
    assert resp.status_code == 200
    assert 'name="actor" value="someone"' in page
    assert 'name="target_id" value=""' in page and 'name="since" value=""' in page
