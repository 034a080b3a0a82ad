"""Fixtures: a real database file (or the PostgreSQL server named by
COMMUNITY_TEST_DATABASE_URL), role clients and factories with keyword-only arguments."""

from __future__ import annotations

import itertools
import os
import shutil

import pytest
from flask import has_app_context, template_rendered
from flask.testing import FlaskClient
from sqlalchemy import text

from community import create_app
from community.extensions import db as _db
from community.models import Post, Space, Thread, User
from community.services import accounts, spaces, threads

PG_BASE_URL = os.environ.get("COMMUNITY_TEST_DATABASE_URL")


def _worker_database(base_url: str | None) -> str | None:
    """One PostgreSQL database per pytest-xdist worker, so parallel tests never share tables."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not base_url or not worker:
        return base_url
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url = make_url(base_url)
    name = f"{url.database}_{worker}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


PG_URL = _worker_database(PG_BASE_URL)
PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


class ApiClient(FlaskClient):
    """A test client that sends a bearer token with every request when it has one."""

    token: str | None = None

    def open(self, *args, **kwargs):
        if self.token:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("Authorization", f"Bearer {self.token}")
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)


def _reset_postgres(app) -> None:
    with app.app_context():
        _db.create_all()
        tables = ", ".join(f'"{t.name}"' for t in _db.metadata.sorted_tables)
        _db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        # The PostgreSQL search backend's index (its own tables): each test starts
        # without one, as with a fresh Whoosh directory.
        _db.session.execute(text("DROP TABLE IF EXISTS search_document, search_word, "
                                 "search_document_build, search_word_build"))
        _db.session.commit()


def _test_config(tmp_path) -> dict:
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret",
        "RATELIMIT_ENABLED": False,
        # A cheap hash keeps hundreds of test accounts fast; production uses scrypt.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SQLALCHEMY_DATABASE_URI": PG_URL or f"sqlite:///{tmp_path / 'community.db'}",
        "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
        # Counts are written when a test says so (tracking.flush_now): a background write
        # in the middle of a test would show up in its query counts.
        "ANALYTICS_FLUSH_INTERVAL": 3600,
    }


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> str | None:
    """An empty schema built once per worker: each test starts from a copy of this file
    instead of running CREATE TABLE for every table again."""
    if PG_URL:
        return None
    folder = tmp_path_factory.mktemp("template")
    app = create_app(_test_config(folder))
    with app.app_context():
        _db.create_all()
        _db.session.remove()
        _db.engine.dispose()  # closing the last connection checkpoints the WAL into the file
    return str(folder / "community.db")


@pytest.fixture
def app(request, tmp_path, _sqlite_template):
    """Settings a test may add by indirect parametrization (tests/search runs its
    contract tests over both search backends this way)."""
    if _sqlite_template:
        shutil.copyfile(_sqlite_template, tmp_path / "community.db")
    app = create_app({**_test_config(tmp_path), **getattr(request, "param", {})})
    app.test_client_class = ApiClient
    if PG_URL:
        _reset_postgres(app)
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def limited_app(app):
    """The `app` fixture's configuration (same database and index) with the rate limits on."""
    keys = ("TESTING", "INSTANCE_PATH", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI",
            "SEARCH_INDEX_DIR", "PASSWORD_HASH_METHOD", "ANALYTICS_FLUSH_INTERVAL")
    limited = create_app({**{k: app.config[k] for k in keys}, "RATELIMIT_ENABLED": True,
                          "RATELIMIT_STORAGE_URI": "memory://"})
    yield limited
    with limited.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def fresh_context_per_request(app):
    """Each request gets its own application context, as in production.

    The ``db`` fixture keeps an app context pushed for the whole test, and Flask reuses
    a pushed context for requests: ``g`` (Flask-Login's cached user, Flask-WTF's CSRF
    token) and the SQLAlchemy session would then leak from one browser to the next.
    Suites that drive pages as several people use it (autouse in their conftest).
    """
    base = app.test_client_class

    class FreshContextClient(base):
        def open(self, *args, **kwargs):
            if has_app_context():
                # End the test's own transaction: outside a request it holds SQLite's
                # write lock, and it expires what the test holds so it reads fresh rows.
                _db.session.commit()
            with self.application.app_context():
                return super().open(*args, **kwargs)

    app.test_client_class = FreshContextClient
    yield
    app.test_client_class = base


@pytest.fixture
def db(app):
    with app.app_context():
        yield _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(db):
    def make(*, role: str = "member", username: str | None = None, reputation: int | None = None,
             password: str = PASSWORD, email: str | None = None) -> User:
        username = username or f"{role}{next(_seq)}"
        user = accounts.register_user(db.session, username=username,
                                      email=email or f"{username}@example.test",
                                      password=password, role=role)
        if reputation is not None:
            user.reputation = reputation
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_space(db):
    def make(*, slug: str | None = None, visibility: str = "public", name: str | None = None) -> Space:
        slug = slug or f"space-{next(_seq)}"
        space = spaces.create_space(db.session, slug=slug, name=name or slug.title(),
                                    visibility=visibility)
        db.session.commit()
        return space

    return make


@pytest.fixture
def make_thread(db, make_user, make_space):
    def make(*, space: Space | None = None, author: User | None = None, kind: str = "question",
             title: str | None = None, body: str = "A body long enough to be a real question.",
             tags: list[str] | None = None) -> Thread:
        space = space or make_space()
        author = author or make_user()
        thread = threads.create_thread(db.session, space, by=author, kind=kind,
                                       title=title or f"How do I do thing number {next(_seq)}?",
                                       body=body, tags=tags or [])
        db.session.commit()
        return thread

    return make


@pytest.fixture
def make_post(db, make_user):
    def make(*, thread: Thread, author: User | None = None,
             body: str = "Here is an answer that helps.") -> Post:
        author = author or make_user()
        post = threads.create_post(db.session, thread, by=author, body=body)
        db.session.commit()
        return post

    return make


@pytest.fixture
def client_for(app, db):
    """An API client authenticated as ``user`` with a real bearer token."""

    def make(user: User | None) -> ApiClient:
        c = app.test_client()
        if user is not None:
            c.token = accounts.issue_token(db.session, user)
            db.session.commit()
        return c

    return make


@pytest.fixture
def login(db):
    """Signs ``user`` in on a browser-like client through the real sign-in form."""

    def do(client: FlaskClient, user: User, password: str = PASSWORD):
        client.get("/login")
        token = csrf_token(client)
        resp = client.post("/login", data={"login": user.username, "password": password,
                                           "csrf_token": token})
        assert resp.status_code in (302, 303), resp.data[:500]
        return client

    return do


def csrf_token(client: FlaskClient) -> str:
    """The CSRF token of the client's session, as a page would embed it."""
    resp = client.get("/csrf-token")
    return resp.get_json()["csrf_token"]


def _signed_in_api_client(make_user, client_for, role: str) -> ApiClient:
    user = make_user(role=role)
    c = client_for(user)
    c.user = user
    return c


@pytest.fixture
def member_client(make_user, client_for):
    """An API client signed in (bearer token) as a fresh member; ``.user`` is that member."""
    return _signed_in_api_client(make_user, client_for, "member")


@pytest.fixture
def employee_client(make_user, client_for):
    """An API client signed in as a fresh employee; ``.user`` is that employee."""
    return _signed_in_api_client(make_user, client_for, "employee")


@pytest.fixture
def moderator_client(make_user, client_for):
    """An API client signed in as a fresh moderator; ``.user`` is that moderator."""
    return _signed_in_api_client(make_user, client_for, "moderator")


@pytest.fixture
def admin_client(make_user, client_for):
    """An API client signed in as a fresh admin; ``.user`` is that admin."""
    return _signed_in_api_client(make_user, client_for, "admin")


@pytest.fixture
def renders(app):
    """The names of the templates rendered, in order (a cached page renders none)."""

    names: list[str] = []

    def record(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    yield names
    template_rendered.disconnect(record, app)


@pytest.fixture
def browser(app, login, fresh_context_per_request):
    """A new browser, signed in as ``user`` when one is given (asking for ``lang`` as
    its Accept-Language, if given); each request in its own app context, as in
    production."""

    def make(user=None, *, lang: str | None = None):
        c = app.test_client()
        if lang:
            c.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
        if user is not None:
            login(c, user)
        return c

    return make
