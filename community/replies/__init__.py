"""Saved replies: canned answers for staff, in English and French, everyone's or one
expert group's, with a few placeholders (``placeholders``). Managed at
/admin/saved-replies (``views``); the answer form's picker reads the API in
``community/api/replies.py``."""

from __future__ import annotations


def init_app(app) -> None:
    from . import views

    app.register_blueprint(views.bp)
