"""Uploads: files attached to posts (API.md "Uploads", docs/API-EXTENSIONS.md).

``service`` checks and stores a file (images redrawn by ``community/images.py``, other
types recognised by their bytes in ``filetypes``); ``links`` keeps which threads and
replies show each upload in step with their saved Markdown; ``views`` serves them under
the permission rule of ``permissions.can_read_upload``; ``purge`` deletes uploads no
post shows; ``subscribers`` deletes an erased account's uploads.
"""

from __future__ import annotations


def init_app(app) -> None:
    from . import links, subscribers, views  # noqa: F401  (mapper events, event subscribers)

    app.register_blueprint(views.bp)
