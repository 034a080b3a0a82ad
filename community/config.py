"""Settings: defaults here, then instance/config.py, then COMMUNITY_* env vars, then a test mapping.

Every default lives in this module and nowhere else: code reads a setting by subscript, so a
setting without a default here is a KeyError at once rather than a silent second
default. Sections are mixins, one per feature; ``Wiring`` holds framework switches that
are design decisions, everything else is documented in README.md "Configuration"
(tests/test_config_defaults.py holds the two to each other).
"""

from __future__ import annotations

import copy
import os
import secrets
from pathlib import Path

from . import lengths


class Wiring:
    """Framework switches fixed by design (SECURITY.md); not deployment choices."""

    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_CHECK_DEFAULT = False  # community.security decides where CSRF applies
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    WTF_CSRF_FIELD_NAME = "csrf_token"  # Flask-WTF's own default, read by community.security
    RATELIMIT_HEADERS_ENABLED = True
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).parent / "translations")
    SOCKETIO_ASYNC_MODE = "threading"
    MAX_CONTENT_LENGTH = 1024 * 1024  # 1 MiB: SECURITY.md
    MAX_JSON_DEPTH = 32
    # Werkzeug's scrypt (n=2^15): memory-hard, ~0.2 s a hash on this machine.
    PASSWORD_HASH_METHOD = "scrypt"


class Core:
    SECRET_KEY: str | None = None  # generated once into instance/secret_key when unset
    SQLALCHEMY_DATABASE_URI: str | None = None  # sqlite:///<instance>/community.db when unset
    DATABASE_BUSY_TIMEOUT = 15  # seconds a write waits for SQLite's lock before a 503
    DATABASE_STATISTICS_INTERVAL = 24 * 3600  # seconds between planner-statistics runs
    LOG_LEVEL = "WARNING"
    BABEL_DEFAULT_LOCALE = "en"
    # Dates for guests and for members who chose no time zone (an IANA name).
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ["en", "fr"]
    DEMO_IMPORT_DIR: str | None = None  # set by `make run` to ship the coffee dump
    SERVE_BACKGROUND_INTERVAL = 2.0
    # `community worker` on SIGTERM: how long the background passes in hand may take to
    # finish before it exits anyway (below the service manager's own kill timeout).
    WORKER_STOP_TIMEOUT = 20.0
    # Rendered thread content per process (community/web/page_cache.py): entries kept
    # (0 turns the cache off) and the longest an entry lives, which bounds only
    # clock-driven text such as a case's "expected by"; data changes show at once.
    PAGE_CACHE_ENTRIES = 512
    PAGE_CACHE_TTL = 120


class Accounts:
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
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
    PASSWORD_MIN_LENGTH = 10
    # Account emails (community/services/account_email.py): how long a link works,
    # how often one may be asked for (per typed address and per IP for resets, per
    # account for verification emails, which an email change also sends), and whether
    # writing waits for a verified address.
    PASSWORD_RESET_TTL = 3600
    EMAIL_VERIFICATION_TTL = 48 * 3600
    PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS = "3 per hour"
    PASSWORD_RESET_RATE_LIMIT_PER_IP = "20 per hour"
    VERIFICATION_EMAIL_RATE_LIMIT = "3 per 10 minutes;10 per day"
    EMAIL_TOKEN_RATE_LIMIT = "30 per hour"  # links followed (reset or verify) per IP
    REQUIRE_EMAIL_VERIFICATION = False


class SingleSignOn:
    # OpenID Connect (community/sso): unset issuer, client id or secret means no single
    # sign-on, and its pages are 404s. The discovery document is read from
    # <issuer>/.well-known/openid-configuration.
    OIDC_ISSUER: str | None = None
    OIDC_CLIENT_ID: str | None = None
    OIDC_CLIENT_SECRET: str | None = None
    OIDC_SCOPES = "openid email profile"
    # A claim whose value is a role name (member, employee, moderator, admin; anything
    # else is member), applied at every sign-in. None: roles are managed here only.
    OIDC_ROLE_CLAIM: str | None = None
    OIDC_PROVIDER_NAME: str | None = None  # the button says "Sign in with <this>"
    OIDC_TIMEOUT = 5.0  # seconds to connect to, then to hear from, the provider
    # False: staff (employee, moderator, admin) must sign in through the provider; their
    # password is refused on the sign-in page and for API tokens.
    LOCAL_LOGIN_STAFF = True
class Profiles:
    BIO_MAX_LENGTH = 500  # characters of Markdown
    # Password changes per account (right or wrong): guessing the current password
    # from a stolen session is as slow as signing in.
    PASSWORD_CHANGE_RATE_LIMIT = "5 per minute;20 per hour"
    AVATAR_MAX_BYTES = 5 * 1024 * 1024
    # Width x height an uploaded avatar may declare; larger is refused before decoding.
    AVATAR_MAX_PIXELS = 40_000_000
    AVATAR_SIZES = [32, 64, 128, 256]  # square WebP renditions kept per avatar
    AVATAR_STORAGE_DIR: str | None = None  # <instance>/avatars when unset


class Content:
    TITLE_LENGTH = (lengths.TITLE_MIN, lengths.TITLE_MAX)
    BODY_LENGTH = (lengths.BODY_MIN, lengths.BODY_MAX)
    POST_LENGTH = (lengths.POST_MIN, lengths.POST_MAX)
    MAX_TAGS = 5
    PER_PAGE = 20
    MAX_PER_PAGE = 100


class Search:
    # "whoosh" (an index on this machine's disk) or "postgres" (full-text search in the
    # PostgreSQL database, shared by every machine; needs unaccent and pg_trgm)
    SEARCH_BACKEND = "whoosh"
    SEARCH_INDEX_DIR: str | None = None  # <instance>/search-index when unset
    SEARCH_ARRAY_CACHE_MB = 128
    SEARCH_BATCH_SIZE = 500
    SEARCH_INDEXER_INTERVAL = 0.5
    SEARCH_REINDEX_PROCS = 1
    SEARCH_SUGGEST_BELOW = 3  # fewer hits than this on page 1 offers a spelling suggestion
    SEARCH_GUEST_RATE_LIMIT = "15 per minute"


class Realtime:
    SOCKETIO_MESSAGE_QUEUE: str | None = None
    SOCKETIO_QUEUE_TIMEOUT = 1.0  # seconds to connect to / hear from Redis before giving up
    # What browsers may use, in the order they try (the server accepts only these):
    # ["websocket"] lets several processes serve without sticky sessions.
    SOCKETIO_TRANSPORTS = ["websocket", "polling"]
    # Frames one socket may send: a burst, then a steady rate; a flood ends the connection.
    REALTIME_FRAMES_PER_SECOND = 10
    REALTIME_FRAME_BURST = 30
    REALTIME_CREDENTIAL_CHECK_INTERVAL = 2.0
    REALTIME_MAX_WATCHED_THREADS = 50


class Moderation:
    MODERATION_FLAG_THRESHOLD = 3
    MODERATION_MIN_FLAG_WEIGHT = 0.25
    MODERATION_TRUSTED_REPUTATION = 3000  # Champion
    NEW_MEMBER_HOURS = 24
    NEW_MEMBER_POSTS = 3
    NEW_MEMBER_MAX_LINKS = 2
    NEW_MEMBER_MAX_MENTIONS = 2
    NEW_MEMBER_LINKS_NEED_APPROVAL = True
    # Everyone (staff exempt), per user.
    FLOOD_LIMITS = {"post": "1 per 5 second", "thread": "20 per day", "vote": "50 per day",
                    "flag": "30 per hour", "search": "60 per minute"}
    # New members, on top of those.
    NEW_MEMBER_LIMITS = {"post": "1 per 30 second;10 per day",
                         "thread": "1 per 2 minute;3 per day"}
    # Per IP address, whoever is signed in there.
    FLOOD_LIMITS_PER_IP = {"post": "60 per minute", "thread": "60 per hour",
                           "vote": "300 per hour", "flag": "100 per hour"}
    TRUSTED_PROXY_COUNT = 0  # X-Forwarded-For is believed only behind this many proxies


class Notifications:
    NOTIFY_MAX_MENTIONS = 10  # people notified per post; more @names are ignored
    MAIL_SMTP_HOST: str | None = None  # None: write .eml files to MAIL_OUTBOX_DIR
    MAIL_SMTP_PORT = 25
    MAIL_SMTP_STARTTLS = False
    MAIL_SMTP_USER: str | None = None
    MAIL_SMTP_PASSWORD: str | None = None
    MAIL_FROM = "Continuum <noreply@localhost>"
    MAIL_OUTBOX_DIR: str | None = None  # <instance>/outbox when unset
    # The start of absolute links in emails; unset: the host of the request that queued
    # the email (notification emails, sent later by the worker, then use the dev address).
    PUBLIC_URL: str | None = None
    DIGEST_HOUR = 7  # UTC hour from which the day's digest goes out
    EMAIL_CLAIM_TIMEOUT = 600  # seconds: an email still 'sending' after this goes back to the queue


class MailIn:
    # Replies by email (`community mail-in`): the domain of the reply addresses
    # reply+<token>@<domain> in notification emails' Reply-To; None: no reply addresses.
    MAIL_REPLY_DOMAIN: str | None = None
    MAIL_REPLY_TOKEN_DAYS = 30  # days a reply address keeps working
    MAIL_IN_MAX_BYTES = 10 * 1024 * 1024  # largest message the listener accepts (SIZE)


class Gamification:
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
    # Overrides by key of the tables in gamification/rules.py and gamification/badges.py.
    REPUTATION_RULES: dict = {}
    BADGE_THRESHOLDS: dict = {}
    REPUTATION_DAILY_VOTE_CAP: int | None = 200  # points from votes a day; None: no cap
    AMBASSADOR_WINDOW_DAYS = 90
    AMBASSADOR_TOP_SHARE = 0.01
    AMBASSADOR_MIN_POINTS = 200
    AMBASSADOR_REVIEW_INTERVAL = 24 * 3600


class Escalation:
    # Overrides by key of the rule tables in escalation/rules.py (DESIGN.md values).
    ESCALATION: dict = {}
    ESCALATION_SPACES: dict = {}
    ESCALATION_SLA: dict = {}
    ESCALATION_CALENDAR: dict = {}
    ESCALATION_SWEEP_INTERVAL = 60.0
    ESCALATION_NOTIFY_EACH = 5


class Organisations:
    # Customer tiers (the keys are the only tiers an organisation may have), each with
    # its first-response target in business hours on the ESCALATION_CALENDAR. A case of
    # a member of such an organisation is due at this target, or sooner when its
    # priority's own target (ESCALATION_SLA) is shorter.
    ORGANISATION_TIERS: dict = {
        "standard": {"first_response_hours": 8},
        "premium": {"first_response_hours": 2},
    }


class Analytics:
    # Contributions in a period that make an account a "heavy" contributor (the 1 of 90-9-1).
    ANALYTICS_HEAVY_CONTRIBUTIONS = 10
    # Seconds a process keeps counted searches, clicks and page views before writing them.
    ANALYTICS_FLUSH_INTERVAL = 10.0
    # Seconds a process reuses the figures of one query (API.md: figures reflect a
    # commit within 60 s; capped at 30 since a cached figure may hold another; 0 turns
    # the cache off), and how many queries.
    ANALYTICS_CACHE_SECONDS = 30.0
    ANALYTICS_CACHE_ENTRIES = 64


class People:
    LAST_SEEN_INTERVAL_MINUTES = 5  # "last seen" is written at most this often per account
    SESSION_IP_RETENTION_DAYS = 30  # a browser session's sign-in address is blanked after this
    SEARCH_LOG_RETENTION_DAYS = 90  # searches that found nothing are deleted after this
    RETENTION_PURGE_INTERVAL = 24 * 3600  # seconds between retention purges of `serve`/`worker`
    ERASURE_JOB_INTERVAL = 30.0  # seconds between looks for erased accounts' content to remove
    ERASURE_JOB_MAX_ATTEMPTS = 5  # a job failing this often is left for an operator


class Discovery:
    # URLs in one sitemap file; the sitemaps protocol allows at most 50,000.
    SITEMAP_URLS_PER_FILE = 50_000
    FEED_ENTRIES = 30  # newest threads in an Atom feed
    PREVIEW_RATE_LIMIT = "60 per minute"  # Markdown previews per account


class Webhooks:
    # Targets on loopback, private, link-local or reserved addresses are refused unless
    # this is true (API.md; test suites set it). Checked on the address connected to.
    WEBHOOK_ALLOW_PRIVATE = False
    # Host names (or "*.example.com") webhooks may point to; empty: any public host.
    WEBHOOK_ALLOWED_HOSTS: list = []
    WEBHOOK_TIMEOUT = 10.0  # seconds to connect, then to hear back (API.md)
    WEBHOOK_RETRY_HOURS = 24  # a delivery is retried with backoff this long, then failed
    WEBHOOK_RETRY_BASE = 30.0  # seconds before the first retry; doubles each time, with jitter
    WEBHOOK_DISABLE_AFTER = 50  # failed attempts in a row that disable a webhook
    WEBHOOK_CLAIM_TIMEOUT = 120  # seconds: a delivery still 'sending' after this is retried


class Drafts:
    # Saves and discards per account (autosave writes every few seconds while typing).
    DRAFT_RATE_LIMIT = "60 per minute;1000 per hour"
    DRAFT_RETENTION_DAYS = 30  # a draft untouched this long is deleted by the retention purge


class Uploads:
    # Files attached to posts (community/uploads). Images (PNG, JPEG, GIF, WebP) are
    # always accepted and redrawn; these other types are stored as sent and served as
    # attachments (known: pdf, txt, log, csv, md). A list, or "pdf,txt" from the env.
    UPLOAD_TYPES = ["pdf", "txt", "log", "csv"]
    UPLOAD_MAX_MB = 8  # largest file; a body over twice this is refused before parsing
    # Width x height an image may declare; larger is a 422 before any pixel is decoded.
    UPLOAD_MAX_PIXELS = 50_000_000
    UPLOAD_IMAGE_MAX_SIDE = 2048  # longer sides are scaled down to this
    UPLOAD_THUMBNAIL_SIDE = 320
    # Per member over the last 24 hours: files and megabytes.
    UPLOAD_DAILY_COUNT = 50
    UPLOAD_DAILY_MB = 200
    UPLOAD_RATE_LIMIT = "20 per minute"  # per account, on top of the daily allowance
    UPLOAD_ORPHAN_HOURS = 24  # an upload no post shows after this long is deleted
    UPLOAD_PURGE_INTERVAL = 3600.0  # seconds between the worker's orphan purges
    UPLOAD_STORAGE = "folder"  # "folder" or "s3"
    UPLOAD_STORAGE_DIR: str | None = None  # <instance>/uploads when unset
    # "s3": any S3-compatible store. Unset keys: boto3's own chain (AWS_* env, profile).
    UPLOAD_S3_BUCKET: str | None = None
    UPLOAD_S3_ENDPOINT_URL: str | None = None  # None: AWS itself
    UPLOAD_S3_REGION: str | None = None
    UPLOAD_S3_ACCESS_KEY_ID: str | None = None
    UPLOAD_S3_SECRET_ACCESS_KEY: str | None = None
    UPLOAD_S3_PREFIX = ""  # put before every key, e.g. "continuum/"
    UPLOAD_S3_TIMEOUT = 5.0  # seconds to connect to, then to hear from, the store


class Defaults(Wiring, Core, Accounts, SingleSignOn, Profiles, Content, Search, Realtime,
               Moderation, Notifications, MailIn, Gamification, Escalation, Organisations,
               Analytics, People, Discovery, Webhooks, Drafts, Uploads):
    """Every setting the application reads, with its default."""


def settings(section: type = Defaults) -> dict:
    """The settings a section (or all of Defaults) defines, with their defaults."""
    return {name: getattr(section, name) for name in dir(section) if name.isupper()}


def load(app, test_config: dict | None) -> None:
    # A copy per app: a test or a request that changes a dict setting changes only its app.
    app.config.from_mapping(copy.deepcopy(settings()))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("COMMUNITY")
    if test_config:
        app.config.update(test_config)

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'community.db'}"
    if not app.config["SEARCH_INDEX_DIR"]:
        app.config["SEARCH_INDEX_DIR"] = str(instance / "search-index")
    if not app.config["MAIL_OUTBOX_DIR"]:
        app.config["MAIL_OUTBOX_DIR"] = str(instance / "outbox")
    if not app.config["AVATAR_STORAGE_DIR"]:
        app.config["AVATAR_STORAGE_DIR"] = str(instance / "avatars")
    if not app.config["UPLOAD_STORAGE_DIR"]:
        app.config["UPLOAD_STORAGE_DIR"] = str(instance / "uploads")
    if not app.config["SECRET_KEY"]:
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
