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
    assert re.search(r"an answer is expected by \w+ 12:00 UTC\.", guest_page)
    reader = login(app.test_client(), tokyo)
    page = reader.get(url).get_data(as_text=True)
    assert re.search(r"an answer is expected by \w+ 21:00 ", page), page
    assert "12:00 UTC" not in page
