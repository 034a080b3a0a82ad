"""Settings: defaults here, then instance/config.py, then COMMUNITY_* env vars, then a test mapping."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class Defaults:
    SECRET_KEY: str | None = None  # generated once into instance/secret_key when unset
    SQLALCHEMY_DATABASE_URI: str | None = None  # sqlite:///<instance>/community.db when unset
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SEARCH_INDEX_DIR: str | None = None  # <instance>/search-index when unset
    SOCKETIO_MESSAGE_QUEUE: str | None = None
    SOCKETIO_QUEUE_TIMEOUT = 1.0  # seconds to connect to / hear from Redis before giving up
    # Frames one socket may send: a burst, then a steady rate; a flood ends the connection.
    REALTIME_FRAMES_PER_SECOND = 10
    REALTIME_FRAME_BURST = 30
    DATABASE_BUSY_TIMEOUT = 15  # seconds a write waits for SQLite's lock before a 503

    MAX_CONTENT_LENGTH = 1024 * 1024  # 1 MiB: SECURITY.md
    MAX_JSON_DEPTH = 32

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_CHECK_DEFAULT = False  # community.security decides where CSRF applies
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Sign-in (browser form and API token): attempts per account from one address, a
    # ceiling per address generous enough for a whole office behind one NAT, and
    # failures per account from anywhere (SECURITY.md, after Discourse).
    LOGIN_RATE_LIMIT_PER_ACCOUNT_AND_IP = "6 per minute"
    LOGIN_RATE_LIMIT_PER_IP = "60 per minute;300 per hour"
    LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR = 100
    REGISTER_RATE_LIMIT = "10 per hour"
    # Usernames self-registration refuses, and their look-alikes (case, digits for
    # letters, separators, compatibility forms); `*` matches anything: "staff*".
    RESERVED_USERNAMES = [
        "admin", "administrator", "moderator", "mod", "support", "staff", "system",
        "root", "continuum", "help", "security", "official", "team", "noreply",
    ]

    BABEL_DEFAULT_LOCALE = "en"
    LANGUAGES = ["en", "fr"]

    PASSWORD_MIN_LENGTH = 10
    # Werkzeug's scrypt (n=2^15): memory-hard, ~0.2 s a hash on this machine.
    PASSWORD_HASH_METHOD = "scrypt"
    TITLE_LENGTH = (15, 255)
    BODY_LENGTH = (20, 32000)
    POST_LENGTH = (2, 32000)
    MAX_TAGS = 5
    PER_PAGE = 20
    MAX_PER_PAGE = 100

    # Reputation levels: (number, name, minimum reputation). DESIGN.md defaults.
    LEVELS = [
        (1, "Newcomer", 1),
        (2, "Participant", 50),
        (3, "Contributor", 250),
        (4, "Expert", 1000),
        (5, "Champion", 3000),
    ]
    # Reputation needed by members for gated actions; staff have them all.
    PRIVILEGES = {"upvote": 1, "downvote": 125, "edit_others": 1000, "close": 2000}

    # Rendered thread content per process (community/web/page_cache.py): entries kept
    # (0 turns the cache off) and the longest an entry lives, which bounds only
    # clock-driven text such as a case's "expected by"; data changes show at once.
    PAGE_CACHE_ENTRIES = 512
    PAGE_CACHE_TTL = 120

    DEMO_IMPORT_DIR: str | None = None  # set by `make run` to ship the coffee dump
    SERVE_BACKGROUND_INTERVAL = 2.0


def load(app, test_config: dict | None) -> None:
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("COMMUNITY")
    if test_config:
        app.config.update(test_config)

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'community.db'}"
    if not app.config.get("SEARCH_INDEX_DIR"):
        app.config["SEARCH_INDEX_DIR"] = str(instance / "search-index")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance / "secret_key")


def _instance_secret(path: Path) -> str:
    # A per-installation key kept beside the database, so sessions survive restarts
    # without anyone having to invent a secret for the quick start.
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
