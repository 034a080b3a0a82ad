"""Customer organisations: the companies members belong to, and the support tier each
bought (its first-response target: ``ORGANISATION_TIERS``, applied by
``escalation.cases`` when a case opens). Staff-only knowledge everywhere.

Verbs in ``service``; the admin page in ``views``; the API in
``community/api/organisations.py``.
"""

from __future__ import annotations


def init_app(app) -> None:
    from . import views

    app.register_blueprint(views.bp)
