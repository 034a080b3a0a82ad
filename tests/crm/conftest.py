"""CRM fixtures: organisations, questions asked at a chosen moment, fresh request
contexts, and an installation allowing loopback webhook targets (the tests' receivers)."""

from __future__ import annotations

from datetime import datetime

import pytest

from community.extensions import db as _db
from community.models import Thread
from community.organisations import service as organisations


@pytest.fixture
def app(app):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    app.config["WEBHOOK_ALLOWED_HOSTS"] = ["127.0.0.1"]
    return app


@pytest.fixture(autouse=True)
def _fresh_contexts(fresh_context_per_request):
    """Every request here runs in its own app context (tests/conftest.py)."""


@pytest.fixture
def make_organisation(db, make_user):
    """An organisation (through the service, audited) with the given members."""

    def make(*, name: str, tier: str = "standard", external_ref: str | None = None,
             members=()):
        admin = make_user(role="admin")
        org = organisations.create(_db.session, by=admin, name=name, tier=tier,
                                   external_ref=external_ref)
        for user in members:
            organisations.set_membership(_db.session, user, org, by=admin)
        _db.session.commit()
        return org

    return make


@pytest.fixture
def question(db, make_thread):
    """A question whose creation time is ``created`` (the SLA tests' clock)."""

    def make(*, author, created: datetime | None = None, title: str | None = None, tags=None):
        thread = make_thread(author=author, title=title, tags=tags)
        if created is not None:
            thread.created_at = thread.last_activity_at = created
            _db.session.commit()
        return _db.session.get(Thread, thread.id)

    return make
