"""The effective value of each rule administrators may edit in the browser: their stored
override (``site_setting`` rows) when there is one, else the configured default.

Readers (permissions, levels, points, flood limits, escalation) call ``value(name)``
where they read ``current_app.config[name]`` before. A dict setting is the configured
dict with the stored keys laid over it, so a key the page does not edit keeps following
the configuration; a list setting (``LEVELS``) is replaced whole.

Every process keeps the rows in memory. Each write also stores a fresh random token
under ``VERSION_KEY``; a request reads that one row (by primary key) the first time it
asks for a rule and reloads the others only when the token changed, so a change made by
any process applies from the next request everywhere. Outside a request (the worker's
sweeps) the token is read again at most every ``RECHECK_SECONDS``. A token is compared
for equality, never ordered, so clocks (``set_clock``) play no part.
"""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any

from flask import current_app, g, has_request_context, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from .extensions import db
from .key_reads import KeyRead
from .models import SiteSetting, utcnow

# The settings a row may override (community/config.py holds their defaults).
EDITABLE = ("LEVELS", "PRIVILEGES", "REPUTATION_RULES", "FLOOD_LIMITS", "NEW_MEMBER_LIMITS",
            "FLOOD_LIMITS_PER_IP", "ESCALATION", "ESCALATION_SLA", "ESCALATION_CALENDAR")
VERSION_KEY = "_version"
RECHECK_SECONDS = 1.0
_ENVIRON_KEY = "community.site_rules"


class _Snapshot:
    """What one process knows: a token and the overrides read with it. Replaced whole,
    never changed, so a reader thread always sees a consistent pair."""

    __slots__ = ("overrides", "token")

    def __init__(self, token: str | None, overrides: dict[str, Any]):
        self.token = token
        self.overrides = overrides


class _Store:
    def __init__(self):
        self.snapshot: _Snapshot | None = None
        self.lock = threading.Lock()


def init_app(app) -> None:
    app.extensions["site_rules"] = _Store()


def _store() -> _Store:
    return current_app.extensions["site_rules"]


_TOKEN = KeyRead(select(SiteSetting.__table__.c.value)
                 .where(SiteSetting.__table__.c.key == VERSION_KEY))


def _read_token(session: Session) -> str | None:
    # Every page reads this: plain SQL (community/key_reads.py). The stored JSON text
    # is the token as far as anyone compares it.
    return _TOKEN.scalar(session.connection())


def _load(session: Session, token: str | None) -> _Snapshot:
    if token is None:
        return _Snapshot(None, {})
    rows = session.execute(select(SiteSetting.key, SiteSetting.value)
                           .where(SiteSetting.key != VERSION_KEY))
    return _Snapshot(token, {key: value for key, value in rows if key in EDITABLE})


def _checked_now() -> bool:
    """True when this request (or, outside one, this context lately) read the token."""
    if has_request_context():
        if request.environ.get(_ENVIRON_KEY):
            return True
        request.environ[_ENVIRON_KEY] = True
        return False
    last = g.get("_site_rules_checked")
    now = time.monotonic()
    if last is not None and now - last < RECHECK_SECONDS:
        return True
    g._site_rules_checked = now
    return False


def _snapshot() -> _Snapshot:
    store = _store()
    current = store.snapshot
    if current is not None and _checked_now():
        return current
    token = _read_token(db.session)
    if current is not None and current.token == token:
        return current
    with store.lock:
        # Another thread may have loaded this very token while this one waited.
        current = store.snapshot
        if current is None or current.token != token:
            current = _load(db.session, token)
            store.snapshot = current
    if has_request_context():
        request.environ[_ENVIRON_KEY] = True
    return current


def overrides() -> dict[str, Any]:
    """The stored overrides, by setting name (read-only)."""
    return _snapshot().overrides


def token() -> str | None:
    """Changes whenever any override does: part of cache keys of what the rules shape."""
    return _snapshot().token


def configured(name: str) -> Any:
    """The setting without any override: the code's default or the configuration's."""
    return current_app.config[name]


def value(name: str) -> Any:
    """The rule in force. Callers must not change what they are given."""
    base = current_app.config[name]
    stored = _snapshot().overrides.get(name)
    if stored is None:
        return base
    if isinstance(base, dict) and isinstance(stored, dict):
        return {**base, **stored}
    return stored


def write(session: Session, changes: dict[str, Any], *, by_id: int | None) -> None:
    """Store (a value) or drop (None) overrides and change the version token, in the
    caller's transaction. ``changed()`` after the commit makes this process see them."""
    now = utcnow()
    for name, stored in changes.items():
        if name not in EDITABLE:
            raise KeyError(name)
        row = session.get(SiteSetting, name)
        if stored is None:
            if row is not None:
                session.delete(row)
            continue
        if row is None:
            row = SiteSetting(key=name)
            session.add(row)
        row.value, row.updated_by_id, row.updated_at = stored, by_id, now
    marker = session.get(SiteSetting, VERSION_KEY)
    if marker is None:
        marker = SiteSetting(key=VERSION_KEY)
        session.add(marker)
    marker.value, marker.updated_by_id, marker.updated_at = secrets.token_hex(8), by_id, now


def changed() -> None:
    """After the commit of a ``write``: the rest of this request reads the new rules."""
    _store().snapshot = None
    if has_request_context():
        request.environ.pop(_ENVIRON_KEY, None)
    g.pop("_site_rules_checked", None)
