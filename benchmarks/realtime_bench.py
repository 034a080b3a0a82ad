"""Real-time delivery: from the HTTP request that answers a question to the
`notification` frame at every one of N followers' sockets.

For each server mode (threading with simple-websocket via `community serve`, and
gevent), N python-socketio clients (asyncio, websocket transport) connect with
bearer tokens; each round one HTTP POST answers the thread they all follow, and
every client records when its notification arrives. In the same run, a minimal
Flask-SocketIO app with nothing else in the path emits one message per user room to
the same N clients: the raw figure the whole path is compared with.

    python -m benchmarks.realtime_bench [--clients 1000] [--rounds 5] [--modes threading,gevent]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# ---- servers ----

def serve_minimal(port: int, mode: str) -> None:
    """Raw Flask-SocketIO: clients join user:<n> at connect; GET /emit sends one per room."""
    if mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
    from flask import Flask, request
    from flask_socketio import SocketIO, join_room

    app = Flask(__name__)
    sio = SocketIO(app, async_mode=mode)

    @sio.on("connect")
    def connect(auth=None):
        join_room(f"user:{int((auth or {}).get('user', 0))}")

    @app.get("/emit")
    def emit():
        n = int(request.args["n"])
        stamp = time.time()
        for i in range(1, n + 1):
            sio.emit("notification", {"id": i, "verb": "raw", "sent": stamp}, to=f"user:{i}")
        return "ok"

    @app.get("/up")
    def up():
        return "ok"

    sio.run(app, host="127.0.0.1", port=port, allow_unsafe_werkzeug=True, log_output=False)


def serve_app_gevent(port: int) -> None:
    """`community serve` under gevent: monkey-patched first, as a gevent deployment must be."""
    from gevent import monkey

    monkey.patch_all()
    os.environ["COMMUNITY_SOCKETIO_ASYNC_MODE"] = '"gevent"'
    from community import create_app
    from community.extensions import socketio
    from community.notifications.delivery import run_mailer

    app = create_app()
    socketio.start_background_task(run_mailer, app)
    socketio.run(app, host="127.0.0.1", port=port, log_output=False)


def wait_up(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


# ---- data ----

def seed(tmp: Path, n: int) -> dict:
    from sqlalchemy import insert, select

    from community import create_app
    from community.extensions import db
    from community.models import ApiToken, Follow, Space, User, token_digest
    from community.services import accounts, threads

    url = f"sqlite:///{tmp / 'community.db'}"
    app = create_app({"INSTANCE_PATH": str(tmp / "instance"), "SECRET_KEY": "bench",
                      "SQLALCHEMY_DATABASE_URI": url, "SEARCH_INDEX_DIR": str(tmp / "index")})
    with app.app_context():
        db.create_all()
        asker = accounts.register_user(db.session, username="asker", email="a@x.test",
                                       password="bench-password-1")
        answerer = accounts.register_user(db.session, username="answerer", email="b@x.test",
                                          password="bench-password-1")
        db.session.add(Space(slug="bench", name="Bench", visibility="public"))
        db.session.flush()
        db.session.execute(insert(User), [
            {"username": f"f{i}", "username_lower": f"f{i}", "email": f"f{i}@x.test",
             "display_name": f"Follower {i}", "role": "member"} for i in range(n)])
        ids = list(db.session.scalars(select(User.id).where(User.username.like("f%")).order_by(User.id)))
        tokens = [secrets.token_urlsafe(24) for _ in ids]
        db.session.execute(insert(ApiToken), [{"user_id": uid, "token_hash": token_digest(t)}
                                              for uid, t in zip(ids, tokens, strict=True)])
        space = db.session.scalar(select(Space).where(Space.slug == "bench"))
        thread = threads.create_thread(db.session, space, by=asker, kind="question",
                                       title="How fast do notifications arrive?",
                                       body="A question every follower is waiting on.")
        db.session.flush()
        db.session.execute(insert(Follow), [{"user_id": uid, "target_type": "thread",
                                             "target_id": thread.id} for uid in ids])
        answerer_token = accounts.issue_token(db.session, answerer)
        db.session.commit()
        out = {"url": url, "thread_id": thread.id, "tokens": tokens, "answerer": answerer_token}
        db.engine.dispose()
    return out


# ---- clients ----

class Crowd:
    def __init__(self):
        self.clients = []
        self.arrivals: dict[int, list[float]] = {}

    async def connect(self, url: str, auths: list[dict], batch: int = 50) -> float:
        import socketio

        started = time.time()

        async def one(i, auth):
            client = socketio.AsyncClient(reconnection=False)
            arrivals = self.arrivals.setdefault(i, [])

            @client.on("notification")
            async def _on(data, arrivals=arrivals):
                if data.get("verb") in ("answer_posted", "raw"):
                    arrivals.append(time.time())

            await client.connect(url, auth=auth, transports=["websocket"], wait_timeout=30)
            self.clients.append(client)

        for start in range(0, len(auths), batch):
            await asyncio.gather(*(one(start + k, a) for k, a in enumerate(auths[start:start + batch])))
        return time.time() - started

    async def wait(self, expected: int, timeout: float) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if sum(1 for a in self.arrivals.values() if len(a) >= expected) == len(self.arrivals):
                return
            await asyncio.sleep(0.01)

    def latest(self, round_no: int, t0: float) -> list[float]:
        return [a[round_no] - t0 for a in self.arrivals.values() if len(a) > round_no]

    async def close(self) -> None:
        await asyncio.gather(*(c.disconnect() for c in self.clients), return_exceptions=True)


async def measure(crowd: Crowd, n: int, rounds: int, trigger) -> dict:
    lat: list[float] = []
    spans, missing = [], 0
    for r in range(rounds):
        t0 = time.time()
        await asyncio.get_running_loop().run_in_executor(None, trigger)
        await crowd.wait(r + 1, timeout=30)
        got = crowd.latest(r, t0)
        missing += n - len(got)
        lat += got
        if got:
            spans.append(max(got))
        await asyncio.sleep(0.5)
    return {"p50_ms": round(pct(lat, 50) * 1000, 1), "p99_ms": round(pct(lat, 99) * 1000, 1),
            "max_ms": round(max(lat) * 1000, 1),
            "deliveries_per_s": int(n / statistics.median(spans)) if spans else 0,
            "missed": missing}


def run_mode(mode: str, n: int, rounds: int, tmp: Path) -> dict[str, dict]:
    data = seed(tmp / mode, n)
    env = {**os.environ, "COMMUNITY_INSTANCE_PATH": str(tmp / mode / "instance"),
           "COMMUNITY_SQLALCHEMY_DATABASE_URI": data["url"],
           "COMMUNITY_SEARCH_INDEX_DIR": str(tmp / mode / "index"),
           "COMMUNITY_SECRET_KEY": "bench", "COMMUNITY_RATELIMIT_ENABLED": "false"}
    env.pop("FLASK_RUN_FROM_CLI", None)
    results = {}
    # The whole path: HTTP answer -> commit -> fan-out rows -> push to N followers.
    port = free_port()
    if mode == "threading":
        cmd = [str(Path(sys.executable).with_name("flask")), "--app", "wsgi", "community",
               "serve", "--port", str(port)]
    else:
        cmd = [sys.executable, "-m", "benchmarks.realtime_bench", "--serve-app", str(port)]
    log = open(tmp / f"{mode}-app.log", "wb")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_up(f"http://127.0.0.1:{port}/api/v1/spaces", proc)
        crowd = Crowd()
        connect_s = asyncio.run(_connect_and_measure(crowd, f"http://127.0.0.1:{port}",
                                                     [{"token": t} for t in data["tokens"]],
                                                     n, rounds, _answer(port, data), results,
                                                     f"{mode}: full path ({n} followers)"))
        results[f"{mode}: full path ({n} followers)"]["connect_s"] = round(connect_s, 1)
    finally:
        proc.terminate()
        proc.wait(20)
    # The raw figure: Flask-SocketIO alone, one emit per user room.
    port = free_port()
    log = open(tmp / f"{mode}-raw.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.realtime_bench", "--serve-minimal",
                             str(port), "--mode", mode], cwd=ROOT, stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        wait_up(f"http://127.0.0.1:{port}/up", proc)
        crowd = Crowd()

        def trigger():
            urllib.request.urlopen(f"http://127.0.0.1:{port}/emit?n={n}", timeout=60).read()

        connect_s = asyncio.run(_connect_and_measure(crowd, f"http://127.0.0.1:{port}",
                                                     [{"user": i + 1} for i in range(n)],
                                                     n, rounds, trigger, results,
                                                     f"{mode}: raw per-user emit ({n} clients)"))
        results[f"{mode}: raw per-user emit ({n} clients)"]["connect_s"] = round(connect_s, 1)
    finally:
        proc.terminate()
        proc.wait(20)
    return results


def _answer(port: int, data: dict):
    counter = iter(range(1, 10_000))

    def trigger():
        import json

        body = json.dumps({"body": f"Answer number {next(counter)}: under a second, measured."})
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/threads/{data['thread_id']}/posts",
            data=body.encode(), method="POST",
            headers={"Authorization": f"Bearer {data['answerer']}",
                     "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            assert resp.status == 201

    return trigger


async def _connect_and_measure(crowd, url, auths, n, rounds, trigger, results, name) -> float:
    connect_s = await crowd.connect(url, auths)
    await asyncio.sleep(1.0)
    results[name] = await measure(crowd, n, rounds, trigger)
    await crowd.close()
    return connect_s


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--modes", default="threading,gevent")
    parser.add_argument("--serve-minimal", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve-app", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="threading", help=argparse.SUPPRESS)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)
    if args.serve_minimal:
        serve_minimal(args.serve_minimal, args.mode)
        return 0
    if args.serve_app:
        serve_app_gevent(args.serve_app)
        return 0
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="rtbench-") as tmp:
        for mode in args.modes.split(","):
            print(f"-- {mode}: {args.clients} clients, {args.rounds} rounds", flush=True)
            results.update(run_mode(mode, args.clients, args.rounds, Path(tmp)))
            for name, figures in results.items():
                if name.startswith(mode):
                    print(f"   {name}: {figures}", flush=True)
    verdict = []
    for mode in args.modes.split(","):
        full = results.get(f"{mode}: full path ({args.clients} followers)")
        raw = results.get(f"{mode}: raw per-user emit ({args.clients} clients)")
        if full and raw and raw["p99_ms"]:
            ratio = full["p99_ms"] / raw["p99_ms"]
            verdict.append(f"{mode}: full-path p99 = {ratio:.2f}x raw p99 "
                           f"({'within' if ratio <= 2 else 'OVER'} the 2x target)")
    note = ("Time from the HTTP POST that answers a question to the `notification` frame at "
            "each follower's socket (python-socketio asyncio clients, websocket transport, "
            "same machine). " + "; ".join(verdict) + ".")
    print(note)
    if not args.no_record:
        from benchmarks.record import record

        record("Realtime", results, command="python -m benchmarks.realtime_bench " +
               " ".join(a for a in (argv or sys.argv[1:])), note=note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
