"""Socket.IO handlers: who is connecting, the rooms the server picks, pushes.

A socket authenticates once, at connect, with the session cookie or
``auth={"token": ...}``; a bad or revoked credential is refused, no credential at
all is a guest. The server joins a signed-in socket to ``user:<id>`` by itself and
to ``thread:<id>:<audience>`` when it asks to watch a thread it may read; clients
name no room. Every process re-checks its sockets' credentials every few seconds, so
a logout, a revoked token or a suspension elsewhere ends them too.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import current_app, request, session
from flask_login import user_logged_out
from flask_socketio import ConnectionRefusedError, join_room, leave_room
from sqlalchemy import select

from . import permissions as perm
from .events import AccountErased, CredentialsReset, UserSuspended, after_commit
from .extensions import db, socketio
from .models import ApiToken, Thread, User, UserSession, token_digest
from .services import accounts

log = logging.getLogger(__name__)

# sid -> {"user_id", "cred": (kind, hash) | None, "audience", "role", "threads": set}
_sockets: dict[str, dict] = {}
_lock = threading.Lock()
_sweeper_started = False
MAX_ID = 2**63 - 1


def _audience(user: User | None) -> str:
    if user is None:
        return "guest"
    if user.is_moderator:
        return "moderator"
    return "staff" if user.is_staff else "member"


def _bearer() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _authenticate(auth) -> tuple[User | None, tuple[str, str] | None]:
    if auth is not None and not isinstance(auth, dict):
        raise ConnectionRefusedError("unauthorized")
    token = (auth or {}).get("token")
    if token is None:
        token = _bearer()
    if token is not None:
        if not isinstance(token, str) or not 0 < len(token) <= 256:
            raise ConnectionRefusedError("unauthorized")
        user = accounts.load_token(db.session, token)
        if user is None:
            raise ConnectionRefusedError("unauthorized")
        return user, ("token", token_digest(token))
    key = session.get("_user_id")
    if key is None:
        return None, None
    if not isinstance(key, str) or not 0 < len(key) <= 256:
        raise ConnectionRefusedError("unauthorized")
    user = accounts.load_session(db.session, key)
    if user is None:  # a signed-out or forged session: not silently a guest
        raise ConnectionRefusedError("unauthorized")
    return user, ("session", token_digest(key))


@socketio.on("connect")
def _connect(auth=None):
    user, cred = _authenticate(auth)
    sid = request.sid
    with _lock:
        _sockets[sid] = {"user_id": user.id if user else None, "cred": cred,
                         "audience": _audience(user), "role": user.role if user else None,
                         "threads": set()}
    if user is not None:
        join_room(f"user:{user.id}")
    _start_sweeper(current_app._get_current_object())
    return True


@socketio.on("disconnect")
def _disconnect(reason=None):
    with _lock:
        _sockets.pop(request.sid, None)


def _thread_id(data) -> int | None:
    if not isinstance(data, dict):
        return None
    value = data.get("thread_id")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        return None
    return value


@socketio.on("watch_thread")
def _watch_thread(data=None):
    thread_id = _thread_id(data)
    if thread_id is None:
        return {"ok": False, "error": "bad_request"}
    state = _sockets.get(request.sid)
    if state is None:
        return {"ok": False, "error": "unauthorized"}
    user = db.session.get(User, state["user_id"]) if state["user_id"] else None
    thread = db.session.get(Thread, thread_id)
    if thread is None or not perm.can_read_thread(user, thread):
        return {"ok": False, "error": "not_found"}  # same answer as a missing thread
    if thread_id not in state["threads"] and len(state["threads"]) >= current_app.config[
            "REALTIME_MAX_WATCHED_THREADS"]:
        return {"ok": False, "error": "too_many"}
    state["threads"].add(thread_id)
    join_room(f"thread:{thread_id}:{_audience(user)}")
    return {"ok": True}


@socketio.on("unwatch_thread")
def _unwatch_thread(data=None):
    thread_id = _thread_id(data)
    if thread_id is None:
        return {"ok": False, "error": "bad_request"}
    state = _sockets.get(request.sid)
    if state is not None:
        state["threads"].discard(thread_id)
    for audience in ("guest", "member", "staff", "moderator"):
        leave_room(f"thread:{thread_id}:{audience}")
    return {"ok": True}


@socketio.on_error_default
def _on_error(exc):
    # One client's bad frame is answered and logged; it never reaches other sockets.
    log.warning("socket event failed: %r", exc)
    return {"ok": False, "error": "bad_request"}


def _disconnect_where(predicate) -> int:
    with _lock:
        sids = [sid for sid, state in _sockets.items() if predicate(state)]
    return _disconnect_sids(sids)


def _disconnect_sids(sids) -> int:
    for sid in sids:
        try:
            socketio.server.disconnect(sid, namespace="/")
        except Exception:
            log.warning("could not disconnect %s", sid, exc_info=True)
        with _lock:
            _sockets.pop(sid, None)
    return len(sids)


def disconnect_user(user_id: int) -> int:
    """End this process's sockets of a user now (suspension); others follow at their sweep."""
    return _disconnect_where(lambda s: s["user_id"] == user_id)


@after_commit(UserSuspended)
@after_commit(CredentialsReset)
def _disconnect_suspended(ev: UserSuspended | CredentialsReset) -> None:
    # This process's sockets go at once; other processes' at their credential sweep.
    disconnect_user(ev.user_id)


@after_commit(AccountErased)
def _disconnect_erased(ev: AccountErased) -> None:
    disconnect_user(ev.user_id)


def disconnect_all() -> int:
    """End every socket of this process (a stopping gunicorn worker): their clients
    reconnect to another process and fetch what they missed."""
    return _disconnect_where(lambda _state: True)


def disconnect_credential(kind: str, raw: str) -> int:
    digest = token_digest(raw)
    return _disconnect_where(lambda s: s["cred"] == (kind, digest))


def _on_logout(sender, user=None, **_extra):
    key = getattr(user, "session_key", None)
    if key:
        disconnect_credential("session", key)


def sweep() -> int:
    """Disconnect sockets whose credential was revoked or whose owner's role changed."""
    with _lock:
        snapshot = {sid: dict(state) for sid, state in _sockets.items() if state["cred"]}
    if not snapshot:
        return 0
    sessions = {c[1] for c in (s["cred"] for s in snapshot.values()) if c[0] == "session"}
    tokens = {c[1] for c in (s["cred"] for s in snapshot.values()) if c[0] == "token"}
    valid: set[tuple[str, str]] = set()
    for kind, model, column, hashes in (("session", UserSession, UserSession.key_hash, sessions),
                                         ("token", ApiToken, ApiToken.token_hash, tokens)):
        items = sorted(hashes)
        for i in range(0, len(items), 500):
            valid |= {(kind, h) for h in db.session.scalars(select(column).where(
                column.in_(items[i:i + 500]), model.revoked_at.is_(None)))}
    user_ids = sorted({s["user_id"] for s in snapshot.values()})
    roles = {}
    for i in range(0, len(user_ids), 500):
        roles.update(dict(db.session.execute(select(User.id, User.role).where(
            User.id.in_(user_ids[i:i + 500]))).all()))
    db.session.rollback()
    stale = {sid for sid, s in snapshot.items()
             if s["cred"] not in valid or roles.get(s["user_id"]) != s["role"]}
    return _disconnect_sids(stale)


def _start_sweeper(app) -> None:
    global _sweeper_started
    with _lock:
        if _sweeper_started:
            return
        _sweeper_started = True

    def loop():
        interval = float(app.config["REALTIME_CREDENTIAL_CHECK_INTERVAL"])
        while True:
            time.sleep(interval)
            try:
                with app.app_context():
                    sweep()
                    db.session.remove()
            except Exception:
                log.exception("socket credential sweep failed")

    socketio.start_background_task(loop)


def health() -> str:
    """'ok' when pushes can go out (the message queue answers, if there is one)."""
    url = current_app.config["SOCKETIO_MESSAGE_QUEUE"]
    if not url:
        return "ok"
    import redis

    # A client of its own, closed at once: a load balancer asks every few seconds.
    try:
        with redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1) as client:
            client.ping()
    except Exception:
        return "degraded"
    return "ok"


# ---- what one connection may send ----

_buckets: dict[str, list[float]] = {}  # eio sid -> [tokens, last refill]
_buckets_lock = threading.Lock()


def _allow(eio_sid: str, rate: float, burst: float) -> bool:
    """A token bucket per connection: ``burst`` frames at once, ``rate`` a second after."""
    now = time.monotonic()
    with _buckets_lock:
        bucket = _buckets.get(eio_sid)
        if bucket is None:
            if len(_buckets) > 10_000:  # forget connections idle for a minute
                for key in [k for k, (_t, last) in _buckets.items() if now - last > 60]:
                    del _buckets[key]
            bucket = _buckets[eio_sid] = [burst, now]
        bucket[0] = min(burst, bucket[0] + (now - bucket[1]) * rate)
        bucket[1] = now
        if bucket[0] < 1:
            return False
        bucket[0] -= 1
        return True


def _guard_frames(server, rate: float, burst: float) -> None:
    """Every Socket.IO frame passes here first: a flood ends the connection, and a frame
    that is not Socket.IO is one line in the log (the library logs a traceback)."""
    dispatch = server._handle_eio_message

    def guarded(eio_sid, data):
        if not _allow(eio_sid, rate, burst):
            log.warning("socket %s sent more than %s frames a second: disconnected", eio_sid, rate)
            with _buckets_lock:
                _buckets.pop(eio_sid, None)
            server.eio.disconnect(eio_sid)
            return None
        try:
            return dispatch(eio_sid, data)
        except Exception as exc:  # handlers' own errors never get here (_on_error)
            detail = (str(exc).splitlines() or [""])[0][:200]
            log.warning("socket %s sent a malformed frame: %s %s", eio_sid,
                        type(exc).__name__, detail)
            return None

    server.eio.on("message", guarded)


def init_app(app) -> None:
    user_logged_out.connect(_on_logout, weak=False)
    _guard_frames(socketio.server, float(app.config["REALTIME_FRAMES_PER_SECOND"]),
                  float(app.config["REALTIME_FRAME_BURST"]))
