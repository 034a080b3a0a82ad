"""Ideas linked to demand: staff link an idea to the questions and cases that asked for
it (``service``); the idea page counts the customers behind them and, when it ships,
they are told (``subscribers``). Pages in ``views``, the API in
``community/api/demand.py``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from ..notifications import registry
    from . import subscribers, views  # noqa: F401  (subscribers listen to idea statuses)

    registry.register(
        "idea_shipped_for_you", label=_l("An idea I asked for ships"),
        text=_l("An idea you asked for has shipped: “%(title)s”"), email="daily",
        recipients=_l("the askers of the questions and cases linked to the idea"), rank=10)
    app.register_blueprint(views.bp)
    app.jinja_env.globals.update(idea_demand=views.panel)
