"""Fixtures for curation: a question with a case, notes at chosen moments (browsers:
tests/conftest.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from community.escalation import cases
from community.extensions import db as _db
from community.models import Post, Thread, utcnow


@pytest.fixture(autouse=True)
def _fresh_contexts(fresh_context_per_request):
    """Every request here runs in its own app context (tests/conftest.py)."""


@pytest.fixture
def timeline(db, make_thread, make_user, make_post):
    """A discussion with a case: two replies and two internal notes written between and
    after them, at moments an hour apart (reply, note, reply, note)."""
    employee = make_user(role="employee")
    thread = make_thread(kind="discussion", title="Our printer loses its network settings")
    start = utcnow() - timedelta(hours=10)
    first = make_post(thread=thread, body="First reply: it happens after every update.")
    second = make_post(thread=thread, body="Second reply: same here since Tuesday.")
    _db.session.get(Post, first.id).created_at = start
    _db.session.get(Post, second.id).created_at = start + timedelta(hours=2)
    case = cases.open_case(_db.session, _db.session.get(Thread, thread.id), by=employee,
                           source="manual")
    one = cases.add_note(_db.session, case, by=employee, now=start + timedelta(hours=1),
                         body="NOTE-ALPHA firmware 3.2 resets the DHCP lease table")
    two = cases.add_note(_db.session, case, by=employee, now=start + timedelta(hours=3),
                         body="NOTE-BRAVO fix planned for 3.3, tell nobody yet")
    _db.session.commit()
    return {"thread": thread, "case": case, "employee": employee, "posts": (first, second),
            "notes": (one, two)}
