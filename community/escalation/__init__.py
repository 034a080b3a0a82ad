"""Escalation: rules, routing, the SLA clock, the case state machine and the sweep."""

from __future__ import annotations


def init_app(app) -> None:
    from . import rules, subscribers, views  # noqa: F401  (subscribers register on events)

    app.register_blueprint(views.bp)

    @app.context_processor
    def _escalation():
        from flask_login import current_user

        from ..extensions import db
        from .rules import tier_labels
        from .status import thread_status

        def escalation_status(thread):
            # The status line and the staff panel share one lookup per page.
            from flask import g

            cache = g.setdefault("_escalation_status", {})
            if thread.id not in cache:
                cache[thread.id] = thread_status(db.session, current_user, thread)
            return cache[thread.id]

        def asker_organisation(thread):
            # Staff only (the panel checks): the asker's organisation, or None.
            from .tiers import organisation_of

            return organisation_of(db.session, thread.author_id)

        return {"escalation_status": escalation_status, "asker_organisation": asker_organisation,
                "organisation_tier_labels": tier_labels}
