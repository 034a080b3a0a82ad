"""People: administration of accounts (list, roles), a member's export and erasure, and
the retention of personal data (community/people/retention.py)."""

from __future__ import annotations


def init_app(app) -> None:
    from . import presence, views

    app.register_blueprint(views.bp)
    app.after_request(presence.touch)
