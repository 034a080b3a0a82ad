"""Each section refuses what it cannot apply, naming the field, and changes nothing:
through the API (field named section.field) and on the page (the message under the
field, the text as typed kept)."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token
from tests.sitesettings.conftest import URL, setting_audits, stored_rows

REFUSED = [
    # Thresholds must increase from one level to the next.
    ({"levels": {"min_3": 40}}, "levels.min_3", "increase"),
    ({"levels": {"name_2": "  "}}, "levels.name_2", "name"),
    ({"levels": {"name_2": "Bad\u202ename"}}, "levels.name_2", "U+202E"),
    ({"privileges": {"downvote": -5}}, "privileges.downvote", "0"),
    ({"privileges": {"downvote": "lots"}}, "privileges.downvote", "whole number"),
    ({"reputation": {"answer_upvoted": 5000}}, "reputation.answer_upvoted", "1000"),
    ({"flood_limits": {"post": "5 every minute"}}, "flood_limits.post", "per minute"),
    ({"flood_limits": {"thread_new": "0 per hour"}}, "flood_limits.thread_new", "at least 1"),
    ({"escalation": {"no_answer_hours": 0}}, "escalation.no_answer_hours", "0.01"),
    ({"escalation": {"warn_percent": 100}}, "escalation.warn_percent", "99"),
    ({"calendar": {"timezone": "Mars/Olympus_Mons"}}, "calendar.timezone", "time zone"),
    ({"calendar": {"start_0": "18:00", "end_0": "09:00"}}, "calendar.end_0", "end after"),
    ({"calendar": {"start_1": "9h"}}, "calendar.start_1", "HH:MM"),
    ({"calendar": {"holidays": ["2026-12-25", "2026-02-30"]}}, "calendar.holidays", "2026-02-30"),
    ({"calendar": {f"open_{d}": False for d in range(7)}}, "calendar.open_0", "at least one day"),
]


@pytest.mark.parametrize(("body", "field", "words"), REFUSED)
def test_the_api_names_the_refused_field_and_changes_nothing(admin_client, db, body, field,
                                                             words):
    before = admin_client.get(URL).get_json()
    resp = admin_client.patch(URL, json={**body, "privileges": {"upvote": 3}}
                              if "privileges" not in body else body)
    assert resp.status_code == 422
    error = resp.get_json()["error"]
    assert list(error["fields"]) == [field]
    assert words in " ".join(error["fields"][field])
    # Not even the valid part of the request was applied.
    assert stored_rows(db) == {} and setting_audits(db) == []
    assert admin_client.get(URL).get_json() == before


def _admin_browser(app, make_user, login):
    admin = make_user(role="admin")
    c = app.test_client()
    login(c, admin)
    return c


def test_the_page_keeps_what_was_typed_and_says_what_is_wrong(app, db, make_user, login):
    c = _admin_browser(app, make_user, login)
    form = {"csrf_token": csrf_token(c), "timezone": "Europe/Atlantis", "holidays": "2026-12-25\nnot-a-day"}
    for d in range(7):
        form.update({f"start_{d}": "09:00", f"end_{d}": "17:00"})
    form.update({"open_0": "1", "open_1": "1"})
    resp = c.post("/admin/settings/calendar", data=form)
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert 'id="timezone-errors"' in page and "This time zone does not exist." in page
    assert 'id="holidays-errors"' in page and "not-a-day is not a date" in page
    assert 'value="Europe/Atlantis"' in page  # the text as typed
    assert "2026-12-25\nnot-a-day</textarea>" in page
    assert stored_rows(db) == {} and setting_audits(db) == []


def test_the_page_refuses_levels_that_do_not_increase_in_french(app, db, make_user, login):
    c = _admin_browser(app, make_user, login)
    form = {"csrf_token": csrf_token(c)}
    for n, name, floor in app.config["LEVELS"]:
        form.update({f"name_{n}": name, f"min_{n}": str(floor)})
    form["min_4"] = "200"  # below level 3's 250
    resp = c.post("/admin/settings/levels", data=form, headers={"Accept-Language": "fr"})
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert 'id="min_4-errors"' in page and "Les seuils doivent augmenter" in page
    assert 'value="200"' in page
    assert stored_rows(db) == {}
