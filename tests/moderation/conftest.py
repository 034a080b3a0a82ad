"""Moderation fixtures: an app with the rate limits on, and a few shortcuts."""

from __future__ import annotations

import pytest

import community.realtime  # noqa: F401  (its socket handlers must exist before any app binds)


@pytest.fixture
def old_member(make_user, db):
    """A member past the new-member window (older than a day, with accepted posts)."""
    from datetime import timedelta

    from community.models import utcnow

    def make(**kwargs):
        user = make_user(**kwargs)
        user.created_at = utcnow() - timedelta(days=30)
        db.session.commit()
        return user

    return make
