"""gunicorn's settings for Continuum in production.

    flask --app wsgi community serve --production --host 0.0.0.0 --port 8000 --workers 4
    # which runs:
    gunicorn -c python:community.production -b 0.0.0.0:8000 -w 4 'community:create_app()'

gunicorn reads the lower-case names below (any `gunicorn` option on the command line
or in GUNICORN_CMD_ARGS overrides them) and calls the hooks. This module is imported by
gunicorn's master before any worker exists and before gevent patches the standard
library in the workers, so it imports nothing at the top: the hooks import the
application lazily, in the worker.

Why these values (docs/ARCHITECTURE.md, "Production serving"):

- gevent workers: Flask-SocketIO's supported asynchronous server under gunicorn, one
  greenlet per connection, so an open websocket costs a few kilobytes, not a thread.
  python-engineio uses simple-websocket under gevent (gevent-websocket is not needed).
  psycopg 3 (3.1.14 on) waits for PostgreSQL cooperatively under gevent by itself.
- Socket.IO's async mode must match the worker: ``raw_env`` sets it before the app is
  created (an environment setting, so it wins over instance/config.py).
- graceful_timeout: on SIGTERM a worker stops accepting, finishes what is in flight and
  exits. Open websockets are closed at once (``post_worker_init``): the drain would
  otherwise wait the whole timeout for them. Their clients reconnect to another process
  and fetch what they missed over HTTP.
"""

from __future__ import annotations

import os

worker_class = "gevent"
# Several workers in one gunicorn need websocket-only clients (SOCKETIO_TRANSPORTS):
# gunicorn spreads connections over its workers without sticky sessions, and Socket.IO's
# long-polling sends each client's requests to the process holding its session.
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
worker_connections = 1000  # connections (sockets included) one worker serves at once
timeout = 60  # a worker silent this long (a blocked event loop) is replaced
graceful_timeout = 30  # in-flight requests get this long after SIGTERM
# Seconds an idle connection stays open. Behind a load balancer that reuses connections,
# set it above the balancer's idle timeout (--keep-alive 75 for a 60 s one), or the
# balancer may send a request down a connection gunicorn just closed (a 502).
keepalive = 5
# Request lines and headers: gunicorn's own limits, kept explicit.
limit_request_line = 8190
limit_request_fields = 100
accesslog = "-"
errorlog = "-"
# Client addresses behind a load balancer: the app's TRUSTED_PROXY_COUNT (ProxyFix).
# gunicorn's own forwarded_allow_ips stays at its default (local proxies only), which
# only sets the URL scheme from X-Forwarded-Proto.
raw_env = ["COMMUNITY_SOCKETIO_ASYNC_MODE=gevent"]
proc_name = "continuum-web"


def post_worker_init(worker):
    """Close this worker's Socket.IO connections as soon as it is told to stop: a websocket
    is a request that never ends, and gunicorn would wait graceful_timeout for it."""
    stop = worker.handle_exit

    def handle_exit(sig, frame):
        stop(sig, frame)
        import gevent

        gevent.spawn(_close_sockets)

    worker.handle_exit = handle_exit
    import signal

    signal.signal(signal.SIGTERM, handle_exit)


def _close_sockets():
    from . import realtime

    realtime.disconnect_all()


def worker_exit(server, worker):
    """Write the analytics counts this worker buffered (a crash loses them; a stop does not)."""
    app = getattr(worker, "wsgi", None)
    if app is None or not hasattr(app, "extensions"):
        return
    from .services import tracking

    tracking.flush_now(app)
