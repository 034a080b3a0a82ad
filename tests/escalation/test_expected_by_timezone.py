"""A case's "an answer is expected by" is shown in the reader's own time zone."""

from __future__ import annotations

import re
from datetime import timedelta

from community.models import Case, Thread, User, utcnow


def test_expected_by_follows_the_readers_time_zone(app, db, make_thread, make_user, client_for,
                                                   login, make_group):
    asker = make_user()
    make_group(slug="rnd", name="R&D", tags=["router"])
    thread = make_thread(author=asker, tags=["router"])
    stored = db.session.get(Thread, thread.id)
    stored.created_at -= timedelta(hours=3)
    db.session.commit()
    assert client_for(asker).post(f"/api/v1/threads/{thread.id}/escalate",
                                  json={"reason": "urgent please"}).status_code == 201
    case = db.session.query(Case).filter_by(thread_id=thread.id).one()
    # Two days ahead at 12:00 UTC: 21:00 in Tokyo.
    case.first_response_due_at = (utcnow() + timedelta(days=2)).replace(
        hour=12, minute=0, second=0, microsecond=0)
    tokyo = make_user(username="tokyoite")
    db.session.get(User, tokyo.id).timezone = "Asia/Tokyo"
    db.session.commit()
    url = f"/threads/{thread.id}"
    guest_page = app.test_client().get(url).get_data(as_text=True)
    # The day, its date, the time and the zone: "Mon 9 Dec 12:00 UTC".
    assert re.search(r"an answer is expected by \w{3} \d{1,2} \w{3} 12:00 UTC\.", guest_page)
    reader = login(app.test_client(), tokyo)
    page = reader.get(url).get_data(as_text=True)
    assert re.search(r"an answer is expected by \w{3} \d{1,2} \w{3} 21:00 JST\.", page), page
    assert "12:00 UTC" not in page


def test_the_status_line_names_the_zone_in_french_too(app, db, make_thread, make_user, login,
                                                      make_group):
    from datetime import UTC, datetime

    from community.escalation import service

    make_group(slug="rnd", name="R&D", tags=["router"])
    thread = make_thread(tags=["router"])
    case = service.escalate(db.session, thread, by=make_user(role="moderator"))
    case.first_response_due_at = datetime(2030, 12, 2, 15, 0, tzinfo=UTC)  # a Monday
    parisian = make_user(username="parisien")
    stored = db.session.get(User, parisian.id)
    stored.timezone, stored.locale = "Europe/Paris", "fr"
    db.session.commit()
    page = login(app.test_client(), parisian).get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "une réponse est attendue d’ici lun. 2 déc. 16:00 CET." in page, page
    stored.locale, stored.timezone = "en", "Asia/Kolkata"
    db.session.commit()
    page = login(app.test_client(), parisian).get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "an answer is expected by Mon 2 Dec 20:30 IST." in page
