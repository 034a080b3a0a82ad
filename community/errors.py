"""Domain errors and the single place that turns any error into a response."""

from __future__ import annotations

import errno
import logging

from flask import g, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationFailed(DomainError):
    status, code = 422, "validation_error"


class PermissionDenied(DomainError):
    status, code = 403, "forbidden"


class NotFound(DomainError):
    status, code = 404, "not_found"


class Conflict(DomainError):
    status, code = 409, "conflict"


class InvalidTransition(Conflict):
    pass


class PayloadTooLarge(DomainError):
    status, code = 413, "payload_too_large"


class Unavailable(DomainError):
    """A dependency (an object store) failed or did not answer in time: try again later."""

    status, code = 503, "unavailable"


class BadRequest(DomainError):
    status, code = 400, "bad_request"


class Unauthorized(BadRequest):
    status, code = 401, "unauthorized"


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "bad_request",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def asks_for_json() -> bool:
    """A page's script that prefers JSON to HTML (the vote buttons)."""
    accept = request.accept_mimetypes
    best = accept.best_match(["text/html", "application/json"])
    return best == "application/json" and accept[best] > accept["text/html"]


def error_response(status: int, message: str, fields: dict | None = None, headers=None):
    if wants_json():
        payload = {"error": {"code": HTTP_CODES.get(status, "error"), "message": message}}
        if fields:
            payload["error"]["fields"] = fields
        resp = jsonify(payload)
    else:
        resp = render_template("error.html", status=status, message=message, fields=fields or {})
        resp = (resp, status)
        from flask import make_response

        resp = make_response(resp)
    resp.status_code = status
    for key, value in headers or []:
        resp.headers[key] = value
    return resp


# Seconds a client should wait before it tries again: a lock passes quickly, space
# on a full disk has to be freed by someone.
RETRY_AFTER_BUSY = 5
RETRY_AFTER_FULL = 60
_BUSY_CODES = ("SQLITE_BUSY", "SQLITE_LOCKED")
_PG_BUSY = {"55P03", "40P01", "57014"}  # lock_not_available, deadlock_detected, query_canceled
_PG_FULL = {"53100"}  # disk_full


def storage_unavailable(exc: BaseException) -> str | None:
    """"busy" when the database's write lock could not be had in time, "full" when the
    disk (or the file size limit) is reached, None for anything else. Both pass by
    themselves, so the client is told to try again rather than shown a crash."""
    if isinstance(exc, PoolTimeout):
        return "busy"  # every connection of this process stayed in use for pool_timeout
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, OSError) and orig.errno in (errno.ENOSPC, errno.EFBIG):
        return "full"
    name = getattr(orig, "sqlite_errorname", "") or ""
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if name.startswith(_BUSY_CODES) or state in _PG_BUSY:
        return "busy"
    if name.startswith("SQLITE_FULL") or state in _PG_FULL:
        return "full"
    return None


def _unavailable_response(kind: str):
    from .extensions import login_manager

    # Who is asking is read from the database, which cannot answer now (locked) or may
    # fail again: this one answer is rendered for a guest and never stored by anyone.
    g._login_user = login_manager.anonymous_user()
    if kind == "busy":
        message = _("The site is busy: nothing was saved. Try again in a few seconds.")
        retry = RETRY_AFTER_BUSY
    else:
        message = _("The server is out of storage space: nothing was saved. Try again later.")
        retry = RETRY_AFTER_FULL
    return error_response(503, message, headers=[("Retry-After", str(retry)),
                                                 ("Cache-Control", "no-store")])


def _http_message(exc: HTTPException) -> str:
    messages = {
        400: _("The request could not be understood."),
        401: _("Sign in to do this."),
        403: _("You are not allowed to do this."),
        404: _("Nothing was found at this address."),
        405: _("This method is not allowed here."),
        413: _("The request body is too large."),
        429: _("Too many requests: slow down and try again later."),
    }
    return messages.get(exc.code or 500, exc.description or exc.name)


def init_app(app) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        return error_response(exc.status, exc.message, exc.fields)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        headers = []
        if exc.code == 429:
            retry = getattr(exc, "retry_after", None)
            resp = exc.get_response()
            value = resp.headers.get("Retry-After") or retry
            if value:
                headers.append(("Retry-After", str(value)))
        elif exc.code == 405:
            allow = exc.get_response().headers.get("Allow")
            if allow:
                headers.append(("Allow", allow))
        return error_response(exc.code or 500, _http_message(exc), headers=headers)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        from .extensions import db

        db.session.rollback()
        return error_response(500, _("Something went wrong on our side. Nothing was saved."))

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeout)
    @app.errorhandler(OSError)
    def _storage(exc: Exception):
        kind = storage_unavailable(exc)
        if kind is None:
            return _unexpected(exc)
        # The driver's message only: SQLAlchemy's carries the statement's parameters.
        log.warning("%s %s: storage %s (%s)", request.method, request.path, kind,
                    getattr(exc, "orig", None) or exc)
        from .extensions import db

        db.session.rollback()
        return _unavailable_response(kind)
