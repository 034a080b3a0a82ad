"""Site settings: the rule tables (levels, privileges, reputation rules, flood limits,
escalation delays, the SLA calendar) edited by administrators in the browser and through
the API, each falling back to its configured default.

The effective values are read through ``community.site_rules`` (a low layer, so
permissions and every feature can read them); this package holds the sections'
fields and checks (``sections``), the verbs that change them with an audit entry
(``service``), the page (``views``); the API is ``community/api/site_settings.py``.
"""

from __future__ import annotations


def init_app(app) -> None:
    from . import views

    app.register_blueprint(views.bp)
