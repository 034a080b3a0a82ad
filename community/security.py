"""Who is asking (session cookie or bearer token), CSRF policy and response headers."""

from __future__ import annotations

import time

from flask import current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature
from werkzeug.exceptions import RequestEntityTooLarge

from .extensions import csrf, db, login_manager
from .services import accounts

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Set on every response unless the view set its own (name, its lower case, value).
SECURITY_HEADERS = tuple((name, name.lower(), value) for name, value in (
    ("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"), ("Referrer-Policy", "strict-origin-when-cross-origin")))
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Forms a guest sends without a CSRF token (the same form checks a member's).
GUEST_FORMS = frozenset({"auth.set_language"})
# Entries kept of checked cookies and of signed CSRF tokens (one each per live session),
# emptied when full.
KEPT_MAX = 4096
# Room for a multipart body's boundaries and headers around an uploaded file.
MULTIPART_ROOM = 64 * 1024


def upload_limit(setting: str, unit: int = 1):
    """Lets a view take a file larger than MAX_CONTENT_LENGTH: up to twice the size
    named by ``setting`` (in ``unit`` bytes) is read, so the view can say "at most N MB" next to the field;
    beyond that the request is a 413 before anything is parsed. Put it right under the
    route decorator."""

    def mark(view):
        view.upload_limit_setting = (setting, unit)
        return view

    return mark


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def refuse_oversized_stream() -> None:
    """A body sent without Content-Length (chunked) is cut at MAX_CONTENT_LENGTH by
    Werkzeug without an error, and the cut bytes then read as bad JSON or a partial
    form. Read it once here (what is read stays cached for the view) and refuse it
    whole when more follows the limit."""
    environ = request.environ
    # Without Content-Length or Transfer-Encoding a request has no body (RFC 9112,
    # 6.3): most requests, every page view, are done here.
    if "HTTP_TRANSFER_ENCODING" not in environ or "wsgi.input_terminated" not in environ:
        return
    limit = request.max_content_length
    if limit is None or request.content_length is not None:
        return
    if len(request.get_data(cache=True)) >= limit and request.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed cookie, with its signer built once per set of keys rather than on
    every request, no signer at all for a request without the cookie (a guest's), and
    a cookie checked once: a browser sends the same one on every request until the
    session changes, and checking its signature and decoding it cost about 60 µs."""

    _signer: tuple = (None, None)

    def __init__(self):
        # cookie -> (the signer that checked it, its data, when it was signed)
        self._verified: dict[str, tuple] = {}

    def get_signing_serializer(self, app):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        made_for, signer = self._signer
        if made_for != keys:
            signer = super().get_signing_serializer(app)
            self._signer = (keys, signer)
        return signer

    def open_session(self, app, request):
        if not app.secret_key:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        signer = self.get_signing_serializer(app)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        found = self._verified.get(cookie)
        # Expired as itsdangerous decides it: older than max_age seconds.
        if found is not None and found[0] is signer and int(time.time()) - found[2] <= max_age:
            return self.session_class(found[1])
        try:
            data, signed = signer.loads(cookie, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        # Only flat values: the session each request gets is a copy of the kept data,
        # and a list in it (flashed messages) would be shared and changed in place.
        if isinstance(data, dict) and all(isinstance(v, str | int | float | None)
                                          for v in data.values()):
            if len(self._verified) >= KEPT_MAX:
                self._verified.clear()
            self._verified[cookie] = (signer, dict(data), int(signed.timestamp()))
        return self.session_class(data)


# A signed CSRF token is valid for WTF_CSRF_TIME_LIMIT (here: as long as the session);
# one this session had signed in the last few minutes is given again rather than signed
# anew (about 50 µs a page with a form). With a time limit, at most a tenth of it.
CSRF_REUSE = 300
_signed_tokens: dict[tuple, tuple[str, float]] = {}


def csrf_token() -> str:
    """Flask-WTF's ``generate_csrf`` for this request, reusing a recent signature."""
    app = current_app
    field = app.config["WTF_CSRF_FIELD_NAME"]
    if field in g:
        return g.get(field)
    limit = app.config["WTF_CSRF_TIME_LIMIT"]
    reuse = CSRF_REUSE if limit is None else min(CSRF_REUSE, limit // 10)
    # Keys change with a restart, which empties this; tests change them in place.
    secret = app.secret_key
    raw = session.get(field)
    found = _signed_tokens.get((secret, raw)) if isinstance(raw, str) else None
    if found is not None and time.time() - found[1] < reuse:
        setattr(g, field, found[0])
        return found[0]
    token = generate_csrf()
    raw = session.get(field)
    if isinstance(raw, str):
        if len(_signed_tokens) >= KEPT_MAX:
            _signed_tokens.clear()
        _signed_tokens[(secret, raw)] = (token, time.time())
    return token


def init_app(app) -> None:
    app.session_interface = SessionCookies()
    csrf.init_app(app)  # sets the WTF_CSRF_* defaults; checking stays with _csrf_policy below
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load_session_user(key: str):
        if bearer_token():
            return None  # a bearer request is judged by its token alone
        return accounts.load_session(db.session, key)

    @login_manager.request_loader
    def _load_token_user(req):
        raw = bearer_token()
        if raw is None:
            return None
        return accounts.load_token(db.session, raw)

    @app.before_request
    def _forget_previous_caller():
        # Flask-Login caches the caller on `g`, which lives as long as the app context:
        # a request that reuses an outer context (CLI, tests, Socket.IO) must not
        # inherit the previous request's user or token verdict.
        csrf_field = app.config["WTF_CSRF_FIELD_NAME"]
        # _flask_babel: the locale and time zone chosen for the previous caller.
        for name in ("_login_user", csrf_field, "csrf_valid", "unread_notifications",
                     "_flask_babel"):
            g.pop(name, None)
        if "HTTP_COOKIE" not in request.environ and "HTTP_AUTHORIZATION" not in request.environ:
            # No session, no remember cookie, no token: a guest, which Flask-Login would
            # conclude too, after hashing the address and agent for session protection.
            login_manager._update_request_context_with_user()

    @app.before_request
    def _upload_limit():
        limit = getattr(app.view_functions.get(request.endpoint), "upload_limit_setting", None)
        if limit:
            setting, unit = limit
            request.max_content_length = 2 * app.config[setting] * unit + MULTIPART_ROOM

    app.before_request(refuse_oversized_stream)  # before anything reads the form

    @app.before_request
    def _csrf_policy():
        if request.method not in UNSAFE_METHODS:
            return
        if request.path.startswith("/api/"):
            # Bearer calls carry no ambient authority; a cookie-authenticated call must
            # prove it comes from our pages. Anonymous API calls (register, token) have
            # nothing to forge.
            if bearer_token() or "_user_id" not in session:
                return
        elif request.endpoint in GUEST_FORMS and not current_user.is_authenticated:
            # A guest's choice of language is theirs alone (a cookie, nothing stored):
            # nothing to forge, and their pages then need no token nor session at all.
            return
        csrf.protect()

    @app.after_request
    def _headers(resp):
        headers = resp.headers
        # One pass over what the view set (first value wins, as Headers.get): Werkzeug's
        # lookup of a missing name raises and catches an HTTP exception, five per page.
        present: dict = {}
        for name, value in headers.items():
            present.setdefault(name.lower(), value)
        for name, lower, value in SECURITY_HEADERS:
            if lower not in present:
                headers.add(name, value)
        # A public file whose address changes with it (an avatar) may be cached by anyone;
        # a file only some may read (an upload) by the reader's own browser, revalidated.
        kept = present.get("cache-control", "").startswith(("public", "private"))
        if not kept and (current_user.is_authenticated or request.path.startswith("/api/")):
            headers["Cache-Control"] = "no-store"
        headers.add("Vary", "Cookie")
        return resp
