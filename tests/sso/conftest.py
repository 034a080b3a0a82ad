"""Single sign-on against a real OpenID Connect provider on loopback (provider.py)."""

from __future__ import annotations

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, running
from ssotools import CALLBACK, ROLE_CLAIM

from community import create_app
from community.extensions import db as _db


@pytest.fixture
def provider():
    p = Provider()
    p.client.redirect_uri = CALLBACK
    with running(p):
        yield p


class _Browser(FlaskClient):
    def open(self, *args, **kwargs):
        if has_app_context():
            # The test's own transaction (outside a request it holds SQLite's write
            # lock) ends before the site is asked anything.
            _db.session.commit()
        return super().open(*args, **kwargs)


def _sso_app(app, **extra):
    keys = ("TESTING", "INSTANCE_PATH", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI",
            "SEARCH_INDEX_DIR", "PASSWORD_HASH_METHOD", "RATELIMIT_ENABLED")
    made = create_app({k: app.config[k] for k in keys} | extra)
    made.test_client_class = _Browser
    return made


@pytest.fixture
def sso_app(app, provider):
    """The `app` fixture's database, with single sign-on through `provider`.
    Its requests run in its own app context, apart from the test's `db` one."""
    made = _sso_app(app, OIDC_ISSUER=provider.issuer, OIDC_CLIENT_ID=CLIENT_ID,
                    OIDC_CLIENT_SECRET=CLIENT_SECRET, OIDC_ROLE_CLAIM=ROLE_CLAIM,
                    OIDC_PROVIDER_NAME="Acme", OIDC_TIMEOUT=3.0)
    yield made
    with made.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def make_sso_app(app):
    made = []

    def make(**extra):
        made.append(_sso_app(app, **extra))
        return made[-1]

    yield make
    for one in made:
        with one.app_context():
            _db.session.remove()
            _db.engine.dispose()


