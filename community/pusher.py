"""Socket.IO pushes, and a message queue that never holds up the code that pushes.

A push is a hint (the notification is the database row, and a client refetches on
reconnect). It reaches this process's sockets at once, in memory; with a message
queue (``SOCKETIO_MESSAGE_QUEUE``) it must also be published to Redis for the other
processes, and that is a network call: a Redis that accepts connections and never
answers would hold whoever publishes. So publications go to an outgoing queue that
one background thread per process sends, through a Redis client with connect and
read timeouts and no retries of its own. While Redis does not answer, they wait
(bounded in number and age) and leave in order once it answers again.
"""

from __future__ import annotations

import collections
import logging
import os
import threading
import time
import uuid

import socketio as sio
from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger(__name__)

MAX_QUEUED = 10_000
MAX_AGE = 600.0  # seconds: an older toast is noise; the bell shows the row anyway
RETRY_MAX = 5.0


def push(room: str, event: str, payload: dict) -> None:
    """Deliver to this process's sockets now and queue the publication for the others."""
    from .extensions import socketio

    try:
        socketio.emit(event, payload, to=room, namespace="/")
    except Exception:  # a push is a hint: the row stays and the client refetches
        log.warning("push to %s failed", room, exc_info=True)


class QueueUnavailable(Exception):
    pass


class TimeoutRedisManager(sio.RedisManager):
    """python-socketio's Redis manager whose publications never block the caller.

    The stock manager publishes in the caller's thread with redis-py's defaults (no
    read timeout; three retries backing off up to 10 s each) and drops the message
    after two failures. Here ``_publish`` only queues; the outbox thread publishes with
    timeouts and keeps the message until Redis takes it. The listening connection
    keeps no read timeout (it waits for messages in its own thread, where a silent
    Redis only delays delivery) but gets a connect timeout and TCP keepalive."""

    def __init__(self, url: str, *, timeout: float = 1.0, **kwargs):
        super().__init__(url, **kwargs)
        self._timeout = timeout
        self._outbox: collections.deque = collections.deque()
        self._cond = threading.Condition()
        self._owner_pid: int | None = None
        self._publisher = None
        self._seen: collections.deque = collections.deque(maxlen=1000)

    def _redis_connect(self):
        module = self._get_redis_module()
        listener = module.Redis.from_url(self.redis_url, socket_connect_timeout=self._timeout,
                                         socket_keepalive=True)
        self.pubsub = listener.pubsub(ignore_subscribe_messages=True)
        self.redis = listener
        self.connected = True

    def _publishing_client(self):
        if self._publisher is None:
            self._publisher = self._get_redis_module().Redis.from_url(
                self.redis_url, socket_timeout=self._timeout,
                socket_connect_timeout=self._timeout, retry=Retry(NoBackoff(), 0))
        return self._publisher

    def _publish(self, data):
        # An id lets receivers drop a copy: a publication that timed out may still have
        # reached Redis, which runs it when it wakes up, and it is sent again.
        data["msg_id"] = uuid.uuid4().hex
        with self._cond:
            if len(self._outbox) >= MAX_QUEUED:
                self._outbox.popleft()
                log.warning("message queue outbox full: the oldest publication was dropped")
            self._outbox.append((time.monotonic(), data))
            if self._owner_pid != os.getpid():  # first publication, or a forked worker
                self._owner_pid = os.getpid()
                self._publisher = None
                threading.Thread(target=self._drain, name="socketio-publisher",
                                 daemon=True).start()
            self._cond.notify()

    def _handle_emit(self, message):
        msg_id = message.get("msg_id")
        if msg_id is not None:
            if msg_id in self._seen:
                return
            self._seen.append(msg_id)
        return super()._handle_emit(message)

    def _send(self, data) -> None:
        try:
            self._publishing_client().publish(self.channel, self.json.dumps(data))
        except Exception as exc:
            self._publisher = None  # a fresh connection next time
            raise QueueUnavailable(str(exc)) from exc

    def _drain(self) -> None:
        delay = 0.1
        while True:
            with self._cond:
                while not self._outbox:
                    self._cond.wait()
                item = self._outbox[0]
            queued_at, data = item
            if time.monotonic() - queued_at <= MAX_AGE:
                try:
                    self._send(data)
                except QueueUnavailable as exc:
                    log.warning("message queue unavailable (%s): %d publications wait",
                                exc, len(self._outbox))
                    time.sleep(delay)
                    delay = min(delay * 2, RETRY_MAX)
                    continue
            delay = 0.1
            with self._cond:
                if self._outbox and self._outbox[0] is item:
                    self._outbox.popleft()

    def waiting(self) -> int:
        return len(self._outbox)


def transports(value) -> list[str]:
    """``SOCKETIO_TRANSPORTS`` checked: a non-empty list of "websocket" and "polling"."""
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",")]
    if not value or not isinstance(value, list) or not set(value) <= {"websocket", "polling"}:
        raise ValueError(f"SOCKETIO_TRANSPORTS must list 'websocket' and/or 'polling', not {value!r}")
    return list(dict.fromkeys(value))


def client_manager(url: str | None, timeout: float):
    """The Socket.IO client manager for ``SOCKETIO_MESSAGE_QUEUE`` (None: this process only)."""
    if not url:
        return None
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"SOCKETIO_MESSAGE_QUEUE must be a redis:// URL, not {url!r}")
    # Flask-SocketIO's channel name, so processes of the previous release still hear us.
    return TimeoutRedisManager(url, timeout=timeout, channel="flask-socketio")


def pages_past_socketio(app) -> None:
    """Send every request outside the Socket.IO path straight to Flask.

    Flask-SocketIO's middleware copies the WSGI environ of every request, and
    engine.io's builds a class for it under gunicorn (about 20 µs a page, for
    websockets only). Call right after ``socketio.init_app``."""
    middleware = app.wsgi_app
    pages = middleware.wsgi_app  # Flask's own, which the middleware wraps
    prefix = middleware.engineio_path
    if middleware.static_files:
        return  # it serves files outside its path too: keep it in front of everything

    def wsgi_app(environ, start_response):
        if environ.get("PATH_INFO", "").startswith(prefix):
            return middleware(environ, start_response)
        return pages(environ, start_response)

    app.wsgi_app = wsgi_app
