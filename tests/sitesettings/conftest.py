"""Site settings fixtures: fresh request contexts, and the admin's API calls."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from community.models import AuditEntry, SiteSetting

URL = "/api/v1/admin/settings"


@pytest.fixture(autouse=True)
def _fresh_contexts(fresh_context_per_request):
    """Every request here runs in its own app context (tests/conftest.py)."""


def stored_rows(db) -> dict:
    """The stored overrides (the version marker left out), read fresh."""
    db.session.rollback()
    return {row.key: row.value for row in db.session.scalars(select(SiteSetting))
            if row.key != "_version"}


def setting_audits(db) -> list[AuditEntry]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action.in_(("site_settings_update", "site_settings_reset")))
        .order_by(AuditEntry.id)))
