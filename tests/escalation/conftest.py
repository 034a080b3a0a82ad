"""Fixtures for escalation: an injected clock, groups, fresh request contexts."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import pytest

from community.extensions import db as _db
from community.models import Thread

_here = str(Path(__file__).resolve().parent)
if _here not in sys.path:
    sys.path.insert(0, _here)

from escalation_clock import T0  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_contexts(fresh_context_per_request):
    """Every request here runs in its own app context (tests/conftest.py)."""


@pytest.fixture
def question(db, make_thread, make_space):
    """A question created at a chosen moment (``created=``), in a customer-facing space."""

    def make(*, created: datetime = T0, space=None, tags=None, author=None, title=None):
        kwargs = {"tags": tags or [], "space": space or make_space()}
        if author is not None:
            kwargs["author"] = author
        if title is not None:
            kwargs["title"] = title
        thread = make_thread(**kwargs)
        thread.created_at = created
        thread.last_activity_at = created
        db.session.commit()
        return db.session.get(Thread, thread.id)

    return make


@pytest.fixture
def make_group(db, make_user):
    from community.escalation.groups import save_group

    def make(*, slug="rnd", name="R&D", tags=(), spaces=(), members=(), leads=(), away=()):
        admin = make_user(role="admin")
        group = save_group(_db.session, by=admin, slug=slug, name=name, tags=list(tags),
                           spaces=list(spaces), members=[u.username for u in members],
                           leads=[u.username for u in leads],
                           out_of_office=[u.username for u in away])
        _db.session.commit()
        return group

    return make
