"""HTML pages: server-rendered Jinja, thin views over the services and queries."""

from __future__ import annotations


def register(app) -> None:
    from . import (
        account_email,
        articles,
        auth,
        avatars,
        content,
        discovery,
        feeds,
        health,
        helpers,
        oidc,
        pages,
        settings,
    )

    helpers.init_app(app)
    discovery.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(oidc.bp)
    app.register_blueprint(account_email.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(content.bp)
    app.register_blueprint(articles.bp)
    app.register_blueprint(settings.bp)
    app.register_blueprint(avatars.bp)
    app.register_blueprint(feeds.bp)
