"""Helpers for the real-time tests: real server processes (`flask --app wsgi community serve`) on a shared SQLite file,
seeded in-process, and python-socketio's real client."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
import socketio

from community import create_app
from community.extensions import db as _db
from community.services import accounts, spaces, threads

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).with_name("flask"))
PASSWORD = "correct-horse-battery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, env: dict, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._log_file = log.open("wb")  # closed in stop(): an unclosed file warns, and warnings fail
        self.proc = subprocess.Popen(
            [FLASK, "--app", "wsgi", "community", "serve", "--port", str(self.port)],
            cwd=ROOT, env=env, stdout=self._log_file, stderr=subprocess.STDOUT)
        deadline = time.time() + 90  # a loaded 2-core machine imports slowly
        while time.time() < deadline:
            if self.proc.poll() is not None:
                self._log_file.close()
                raise RuntimeError(f"server exited: {log.read_text()[-3000:]}")
            try:
                if requests.get(self.url + "/api/v1/spaces", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        self._log_file.close()
        raise RuntimeError(f"server did not start: {log.read_text()[-3000:]}")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log_file.close()


class World:
    """The seeded database, the server(s), and helpers to act on them."""

    def __init__(self, tmp: Path, extra_env: dict | None = None):
        self.tmp = tmp
        self.db_url = f"sqlite:///{tmp / 'community.db'}"
        self.env = {
            **os.environ,
            "COMMUNITY_INSTANCE_PATH": str(tmp / "instance"),
            "COMMUNITY_SQLALCHEMY_DATABASE_URI": self.db_url,
            "COMMUNITY_SEARCH_INDEX_DIR": str(tmp / "search-index"),
            "COMMUNITY_SECRET_KEY": "realtime-test-secret",
            "COMMUNITY_RATELIMIT_ENABLED": "false",
            "COMMUNITY_REALTIME_CREDENTIAL_CHECK_INTERVAL": "0.5",
            **(extra_env or {}),
        }
        self.env.pop("FLASK_RUN_FROM_CLI", None)
        self.app = create_app({"INSTANCE_PATH": str(tmp / "instance"), "SECRET_KEY": "realtime-test-secret",
                               "SQLALCHEMY_DATABASE_URI": self.db_url,
                               "SEARCH_INDEX_DIR": str(tmp / "search-index")})
        with self.app.app_context():
            _db.create_all()
        self.servers: list[Server] = []
        self.clients: list[socketio.Client] = []
        self.websockets: list = []

    def start(self, env: dict | None = None) -> Server:
        server = Server({**self.env, **(env or {})}, self.tmp / f"server{len(self.servers)}.log")
        self.servers.append(server)
        return server

    def user(self, username: str, role: str = "member") -> dict:
        with self.app.app_context():
            user = accounts.register_user(_db.session, username=username, password=PASSWORD,
                                          email=f"{username}@example.test", role=role)
            token = accounts.issue_token(_db.session, user)
            _db.session.commit()
            return {"id": user.id, "username": username, "token": token}

    def space(self, slug: str, visibility: str = "public") -> None:
        with self.app.app_context():
            spaces.create_space(_db.session, slug=slug, name=slug.title(), visibility=visibility)
            _db.session.commit()

    def api(self, who: dict | None, method: str, path: str, server: Server | None = None, **kw):
        server = server or self.servers[0]
        headers = {"Authorization": f"Bearer {who['token']}"} if who else {}
        return requests.request(method, server.url + "/api/v1" + path, headers=headers,
                                timeout=10, **kw)

    def thread(self, who: dict, space: str, title: str, kind: str = "question") -> int:
        resp = self.api(who, "POST", "/threads", json={
            "space": space, "kind": kind, "title": title,
            "body": "Enough words to make this a proper question body."})
        assert resp.status_code == 201, resp.text
        return resp.json()["id"]

    def seed_thread(self, author_id: int, space_slug: str, title: str) -> int:
        """A thread written straight to the database (no server needed)."""
        from sqlalchemy import select

        from community.models import Space, User

        with self.app.app_context():
            space = _db.session.scalar(select(Space).where(Space.slug == space_slug))
            author = _db.session.get(User, author_id)
            thread = threads.create_thread(_db.session, space, by=author, kind="question",
                                           title=title, body="Enough words for a question body.")
            _db.session.commit()
            return thread.id

    def socket(self, *, token: str | None = None, server: Server | None = None,
               headers: dict | None = None, auth=None) -> tuple[socketio.Client, list]:
        server = server or self.servers[0]
        client = socketio.Client(reconnection=False)
        self.clients.append(client)  # even one refused at connect: drop_clients closes its socket
        received: list = []
        client.on("notification", lambda data: received.append(("notification", time.time(), data)))
        client.on("thread_activity",
                  lambda data: received.append(("thread_activity", time.time(), data)))
        if auth is None and token is not None:
            auth = {"token": token}
        try:
            client.connect(server.url, auth=auth, headers=headers or {}, transports=["websocket"],
                           wait_timeout=10)
        finally:
            # python-engineio forgets its websocket without closing it when the server ends
            # the connection (a ResourceWarning, which fails a test): hold it to close it.
            if getattr(client.eio, "ws", None) is not None:
                self.websockets.append(client.eio.ws)
        return client, received

    def drop_clients(self) -> None:
        """Disconnect every client at once: each close waits up to 3 s for the server."""
        clients, self.clients = self.clients, []

        def close(client):
            try:
                client.disconnect()
            except Exception:
                pass

        workers = [threading.Thread(target=close, args=(c,)) for c in clients]
        for w in workers:
            w.start()
        for w in workers:
            w.join(10)
        websockets, self.websockets = self.websockets, []
        for ws in websockets:
            ws.shutdown()  # closes the socket at once; a no-op when it is closed already

    def close(self) -> None:
        self.drop_clients()
        for server in self.servers:
            server.stop()
        with self.app.app_context():
            _db.session.remove()
            _db.engine.dispose()


def wait_for(predicate, timeout: float = 3.0, step: float = 0.02):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()
