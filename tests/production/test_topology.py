"""The production topology, started for real: Redis, two gunicorn web processes
(`community serve --production`), one `community worker`, on the suite's database (a
SQLite file, or a fresh PostgreSQL database when COMMUNITY_TEST_DATABASE_URL is set),
migrated with `flask db upgrade`; then one journey through it and a graceful stop.

Redis comes from COMMUNITY_TEST_REDIS_URL when set, else .ci/redis.sh starts one (and
installs Debian's redis-server if missing). Nothing is skipped.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
import socketio
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.realtime.live_server import ROOT, free_port, wait_for

FLASK = str(Path(sys.executable).with_name("flask"))
PASSWORD = "correct-horse-battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def redis_url():
    url = os.environ.get("COMMUNITY_TEST_REDIS_URL")
    if url:
        yield url
        return
    env = {**os.environ, "REDISTEST_PORT": str(free_port())}
    env["REDISTEST_DIR"] = f"/tmp/continuum-redis-topology-{env['REDISTEST_PORT']}"
    result = subprocess.run(["bash", str(ROOT / ".ci" / "redis.sh"), "start"], env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"could not start redis-server: {result.stderr[-2000:]}"
    yield result.stdout.strip().splitlines()[-1]
    subprocess.run(["bash", str(ROOT / ".ci" / "redis.sh"), "stop"], env=env, timeout=60)


@pytest.fixture
def database_url(tmp_path):
    base = os.environ.get("COMMUNITY_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'community.db'}"
        return
    name = f"continuum_topology_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class Process:
    """A process of the topology, its output in a file (closed in stop: warnings fail)."""

    def __init__(self, name: str, argv: list[str], env: dict, tmp: Path):
        self.name = name
        self.log = tmp / f"{name}.log"
        self._log_file = self.log.open("wb")
        self.proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=self._log_file,
                                     stderr=subprocess.STDOUT)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log_file.close()


class Web(Process):
    """``community serve --production``, or the gunicorn command line it runs."""

    def __init__(self, name: str, workers: int, env: dict, tmp: Path, *, through_cli: bool):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        if through_cli:
            argv = [FLASK, "--app", "wsgi", "community", "serve", "--production",
                    "--port", str(self.port), "--workers", str(workers)]
        else:
            argv = [sys.executable, "-m", "gunicorn", "--config", "python:community.production",
                    "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
                    "community:create_app()"]
        super().__init__(name, argv, env, tmp)

    def health(self) -> dict | None:
        try:
            resp = requests.get(self.url + "/healthz", timeout=2)
        except requests.RequestException:
            return None
        return {"code": resp.status_code, **resp.json()}


@pytest.fixture
def topology(tmp_path, database_url, redis_url):
    env = {**os.environ,
           "COMMUNITY_INSTANCE_PATH": str(tmp_path / "instance"),
           "COMMUNITY_SQLALCHEMY_DATABASE_URI": database_url,
           "COMMUNITY_SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
           "COMMUNITY_SECRET_KEY": "topology-test-secret",
           "COMMUNITY_SOCKETIO_MESSAGE_QUEUE": redis_url,
           # Rate limits counted once for every process, as in production.
           "COMMUNITY_RATELIMIT_STORAGE_URI": redis_url,
           "COMMUNITY_SOCKETIO_TRANSPORTS": '["websocket"]',
           "COMMUNITY_SEARCH_INDEXER_INTERVAL": "0.2",
           # Counted searches are written only when a web process stops (worker_exit).
           "COMMUNITY_ANALYTICS_FLUSH_INTERVAL": "3600",
           "COMMUNITY_PUBLIC_URL": "http://community.example.test"}
    env.pop("FLASK_RUN_FROM_CLI", None)
    migrated = subprocess.run([FLASK, "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    _create_space(database_url, tmp_path / "seed-instance", "coffee")
    processes = {"web1": Web("web1", 2, env, tmp_path, through_cli=True),
                 "web2": Web("web2", 1, env, tmp_path, through_cli=False),
                 "worker": Process("worker", [FLASK, "--app", "wsgi", "community", "worker"],
                                   env, tmp_path)}
    clients: list[socketio.Client] = []
    try:
        for web in (processes["web1"], processes["web2"]):
            up = wait_for(lambda web=web: (web.health() or {}).get("code") == 200, timeout=90,
                          step=0.2)
            assert up, web.output()
        yield {**processes, "database_url": database_url}, clients
    finally:
        for client in clients:
            if client.connected:
                client.disconnect()
            if getattr(client.eio, "ws", None) is not None:
                client.eio.ws.shutdown()
        for process in processes.values():
            process.stop()


def _create_space(url: str, instance: Path, slug: str) -> None:
    from community import create_app
    from community.extensions import db
    from community.services import spaces

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x",
                      "INSTANCE_PATH": str(instance)})
    with app.app_context():
        spaces.create_space(db.session, slug=slug, name=slug.title(), visibility="public")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _sign_up(web: Web, username: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(web.url + "/register", timeout=10)
    token = CSRF.search(page.text)[1]
    resp = browser.post(web.url + "/register", timeout=10, data={
        "csrf_token": token, "username": username, "email": f"{username}@example.test",
        "password": PASSWORD, "display_name": username.title()})
    assert resp.status_code == 200, resp.text[-2000:]
    assert browser.get(web.url + "/api/v1/me", timeout=10).json()["username"] == username
    return browser


def _csrf(browser: requests.Session, web: Web) -> str:
    return browser.get(web.url + "/csrf-token", timeout=10).json()["csrf_token"]


def _socket(clients: list, web: Web, browser: requests.Session) -> list:
    client = socketio.Client(reconnection=False)
    clients.append(client)
    received: list = []
    client.on("notification", received.append)
    cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
    client.connect(web.url, headers={"Cookie": cookie}, transports=["websocket"],
                   wait_timeout=10)
    return received


def _accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        return False
    return True


def _verbs(received: list, thread_id: int) -> list[str]:
    return [n["verb"] for n in received if n.get("thread_id") == thread_id]


def test_two_web_processes_a_worker_redis_and_a_graceful_stop(topology):
    processes, clients = topology
    web1, web2, worker = processes["web1"], processes["web2"], processes["worker"]
    for web in (web1, web2):
        health = web.health()
        assert health["code"] == 200
        assert (health["database"], health["realtime"]) == ("ok", "ok")
        assert "redis" not in json.dumps(health)  # states, never addresses or errors

    # Bob signs up on web 2, follows the space and listens there.
    bob = _sign_up(web2, "bob")
    resp = bob.post(web2.url + "/spaces/coffee/follow", data={"csrf_token": _csrf(bob, web2)},
                    timeout=10)
    assert resp.status_code == 200
    bob_hears = _socket(clients, web2, bob)

    # Alice signs up on web 1 and asks there: web 1 publishes, web 2 delivers to Bob.
    alice = _sign_up(web1, "alice")
    ask = alice.get(web1.url + "/ask", timeout=10)
    word = f"portafilter{uuid.uuid4().hex[:6]}"
    resp = alice.post(web1.url + "/ask", timeout=10, data={
        "csrf_token": CSRF.search(ask.text)[1], "space": "coffee", "kind": "question",
        "title": f"Which {word} suits a small espresso machine?",
        "body": "I am choosing between two baskets and would like advice from owners."})
    assert resp.status_code == 200, resp.text[-2000:]
    thread_id = int(re.search(r"/threads/(\d+)", resp.url)[1])
    assert f"Which {word} suits" in resp.text
    assert wait_for(lambda: _verbs(bob_hears, thread_id), timeout=5) == ["thread_created"], \
        web1.output()

    # Alice listens on web 2; Bob answers through web 1 (his session works on every process).
    alice_hears = _socket(clients, web2, alice)
    resp = bob.post(web1.url + f"/threads/{thread_id}/answer", timeout=10, data={
        "csrf_token": _csrf(bob, web1), "body": "The double basket, with a 58 mm tamper."})
    assert resp.status_code == 200 and "58 mm tamper" in resp.text
    assert wait_for(lambda: _verbs(alice_hears, thread_id), timeout=5) == ["answer_posted"], \
        web1.output()

    # The worker indexes the question; web 2 finds it.
    searches = []

    def found():
        page = bob.get(web2.url + "/search", params={"q": word}, timeout=10)
        searches.append(page.status_code)
        return f"/threads/{thread_id}" in page.text
    assert wait_for(found, timeout=20, step=0.3), worker.output()

    # SIGTERM while a request is in flight (its body still arriving): it completes, and
    # web 1 stops accepting and exits 0.
    body = json.dumps({"login": "alice", "password": PASSWORD}).encode()
    with socket.create_connection(("127.0.0.1", web1.port), timeout=15) as slow:
        slow.sendall(b"POST /api/v1/auth/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/json\r\nConnection: close\r\n"
                     b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body[:10])
        time.sleep(0.5)
        web1.proc.send_signal(signal.SIGTERM)
        assert wait_for(lambda: not _accepts(web1.port), timeout=10, step=0.1)
        slow.sendall(body[10:])
        answer = b""
        while chunk := slow.recv(65536):
            answer += chunk
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), answer[:500]
    assert json.loads(payload)["user"]["username"] == "alice"
    assert web1.proc.wait(20) == 0, web1.output()

    # Web 2 has two open websockets: it closes them at SIGTERM instead of waiting for them.
    started = time.time()
    web2.proc.send_signal(signal.SIGTERM)
    assert web2.proc.wait(20) == 0, web2.output()
    assert time.time() - started < 10
    assert not any(client.connected for client in clients)
    # ...and it wrote the searches it had counted in memory before exiting.
    engine = create_engine(processes["database_url"])
    with engine.connect() as conn:
        counted = conn.execute(text(
            "SELECT SUM(n) FROM analytics_counter WHERE kind = 'search'")).scalar()
    engine.dispose()
    assert counted == len(searches) and set(searches) == {200}

    # The worker ends its loops after the pass in hand and exits 0.
    worker.proc.send_signal(signal.SIGTERM)
    assert worker.proc.wait(30) == 0, worker.output()
    assert "worker stopped\n" in worker.output()
