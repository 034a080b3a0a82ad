"""Continuum: create_app() wires the parts together and does nothing else."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask
from werkzeug.routing import BaseConverter, ValidationError

ROOT = Path(__file__).resolve().parent.parent


class IdConverter(BaseConverter):
    """Positive database ids only: -1, abc or a 30-digit number are a plain 404."""

    regex = r"[1-9][0-9]{0,9}"

    def to_python(self, value: str) -> int:
        ident = int(value)
        if ident > 2**31 - 1:
            # Ids are 32-bit INTEGER columns: PostgreSQL refuses a larger bind (a 500).
            raise ValidationError()
        return ident

    def to_url(self, value) -> str:
        return str(int(value))


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(
            (config or {}).get("INSTANCE_PATH")
            or os.environ.get("COMMUNITY_INSTANCE_PATH")
            or ROOT / "instance"
        ),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.url_map.converters["id"] = IdConverter

    from . import config as settings

    settings.load(app, config)
    logging.basicConfig(level=app.config["LOG_LEVEL"])

    from . import (
        analytics,
        cli,
        database,
        demand,
        errors,
        escalation,
        events,
        gamification,
        i18n,
        moderation,
        notifications,
        organisations,
        people,
        pusher,
        replies,
        search,
        security,
        site_rules,
        sitesettings,
        sso,
        tags,
        uploads,
        webhooks,
    )
    from .extensions import db, limiter, migrate, socketio

    database.configure_engine(app)
    db.init_app(app)
    with app.app_context():
        database.install_sqlite_hooks(db.engine, app.config["DATABASE_BUSY_TIMEOUT"])
    events.install()
    site_rules.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    limiter.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    sso.init_app(app)
    queue_url = app.config["SOCKETIO_MESSAGE_QUEUE"]
    socketio.init_app(
        app,
        message_queue=queue_url,
        client_manager=pusher.client_manager(
            queue_url, float(app.config["SOCKETIO_QUEUE_TIMEOUT"])),
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        transports=pusher.transports(app.config["SOCKETIO_TRANSPORTS"]),
        max_http_buffer_size=1_000_000,
    )
    pusher.pages_past_socketio(app)

    from .api import register as register_api
    from .web import register as register_web

    register_api(app)
    register_web(app)
    # Each feature registers its blueprints and subscribes to the domain events.
    # analytics and webhooks after escalation: their subscribers read what escalation's
    # just wrote.
    for feature in (gamification, notifications, search, escalation, moderation, people,
                    organisations, analytics, tags, uploads, webhooks, demand, replies,
                    sitesettings):
        feature.init_app(app)
    cli.init_app(app)
    return app
