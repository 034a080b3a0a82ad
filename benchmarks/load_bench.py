"""A load test of the whole deployment: a generated community, a mixed workload, sockets.

    python -m benchmarks load [--posts 1000000] [--duration 600] [--sockets 1000] [--search postgres]
    python -m benchmarks load --embedded [--posts 100000] ...

Production topology (the default): PostgreSQL (.ci/postgres.sh) and Redis (.ci/redis.sh)
in a throw-away folder, `community serve --production` (gunicorn, `--web-workers` gevent
workers, websocket-only Socket.IO over the Redis message queue) and one `community worker`,
with PostgreSQL's full-text search (`--search whoosh`: an index on this disk instead).
`--embedded`: the default one-process `community serve` (Werkzeug threads, SQLite, Whoosh,
background work in the same process), 100,000 posts unless `--posts` says otherwise.

1. Generates the community in bulk as an import is made (benchmarks/load_data.py:
   posts/10 threads, posts/20 accounts, threads marked imported, then the analytics
   timelines as the importer builds them) and rebuilds the search index (`community
   reindex`). Nothing else needs rebuilding: the generator writes reputation and counters
   consistently, and `community recompute` would zero the generated reputation (there is
   no ledger behind it), taking away the members' privilege to vote.
2. Connects `--sockets` python-socketio clients (asyncio, websocket transport, a process of
   their own), each signed in with its member's API token; each member follows one of the
   two public spaces.
3. Runs the mix of benchmarks/load_stats.py (80 % pages: home, space, thread, search, a
   quarter of them as signed-in members with a session cookie; 15 % API reads, half with a
   token; 5 % writes through the API with members' tokens: answers to threads whose asker
   holds a socket, upvotes, new questions and ideas in the followed spaces) from
   `--concurrency` closed-loop aiohttp clients in another process for `--duration` seconds.
4. Reports requests/s, p50/p99 per route, errors, the delivery of the notifications the
   writes caused (from the start of the write's request to the socket's receipt, matched
   by thread), and the resident memory of each server process (sampled every 5 s).

Rate limits are off (COMMUNITY_RATELIMIT_ENABLED=false): every request comes from one
address, which the per-address flood limits would throttle as one abusive client.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load_stats import Mix, match_deliveries, percentile, route_report  # noqa: E402

FLASK = str(Path(sys.executable).with_name("flask"))
USER_AGENT = "Mozilla/5.0 (continuum-load)"
PG_PORT, REDIS_PORT = 55541, 56341
SEARCH_WORDS = ("espresso grind", "water temperature", "invoice export", "sync error",
                "password login", "backup restore", "dashboard report", "proxy network",
                "milk", "licence update", "french language", "team schedule")
NOTIFYING = ("thread_created", "answer_posted", "reply_posted")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- the HTTP load generator (its own process) ----

async def _sign_in(session, base: str, login: str, password: str) -> None:
    async with session.get(base + "/csrf-token") as resp:
        token = (await resp.json())["csrf_token"]
    async with session.post(base + "/login", allow_redirects=False,
                            data={"login": login, "password": password, "csrf_token": token}) as resp:
        await resp.read()
    if not any(c.key == "session" for c in session.cookie_jar):
        raise RuntimeError(f"could not sign {login} in")


async def drive(cfg: dict) -> dict:
    import aiohttp

    base, data = cfg["base"], cfg["data"]
    rng = random.Random(1)
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=0)
    common = {"connector": connector, "connector_owner": False, "timeout": timeout,
              "headers": {"User-Agent": USER_AGENT}}
    guest = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(), **common)
    members = []
    for login in data["members"]:
        session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), **common)
        await _sign_in(session, base, login, data["password"])
        members.append(session)
    public = data["public_threads"]
    targets = [(int(t), uid) for t, uid in data["answer_targets"].items()]
    readers = [s["token"] for s in data["sockets"]]
    writers = data["writers"]
    samples: list[tuple[str, float, float, bool]] = []
    writes: list[tuple[str, float]] = []
    expected = {"deliveries": 0}
    errors: list[str] = []
    counter = {"n": 0}

    def next_writer() -> str:
        counter["n"] += 1
        return writers[counter["n"] % len(writers)]

    def plan(op: str):
        """(method, path, session, headers, json body, expected status, after)"""
        words = rng.choice(SEARCH_WORDS)
        page_session = rng.choice(members) if members and rng.random() < 0.25 else guest
        bearer = {"Authorization": f"Bearer {rng.choice(readers)}"} if readers and rng.random() < 0.5 else {}
        if op == "page home":
            return "GET", "/", page_session, {}, None, 200, None
        if op == "page space":
            return "GET", "/spaces/" + rng.choice(["product-qa", "ideas"]), page_session, {}, None, 200, None
        if op == "page thread":
            return "GET", f"/threads/{rng.choice(public)}", page_session, {}, None, 200, None
        if op == "page search":
            return "GET", "/search?q=" + words.replace(" ", "+"), page_session, {}, None, 200, None
        if op == "api threads":
            return ("GET", f"/api/v1/threads?space={rng.choice(['product-qa', 'ideas'])}&sort=recent"
                    f"&page={rng.randint(1, 5)}", guest, bearer, None, 200, None)
        if op == "api thread":
            return "GET", f"/api/v1/threads/{rng.choice(public)}", guest, bearer, None, 200, None
        if op == "api search":
            return "GET", "/api/v1/search?q=" + words.replace(" ", "+"), guest, bearer, None, 200, None
        if op == "api spaces":
            return "GET", "/api/v1/spaces", guest, bearer, None, 200, None
        auth = {"Authorization": f"Bearer {next_writer()}"}
        if op == "write vote":
            return "PUT", f"/api/v1/threads/{rng.choice(public)}/vote", guest, auth, {"value": 1}, 200, None
        if op == "write answer":
            thread_id, _uid = rng.choice(targets)
            body = f"Load test answer {counter['n']}: " + " ".join(rng.sample(SEARCH_WORDS, 3))

            def after(_json, t0, thread_id=thread_id):
                writes.append((str(thread_id), t0))
                expected["deliveries"] += 1
            return "POST", f"/api/v1/threads/{thread_id}/posts", guest, auth, {"body": body}, 201, after
        space = rng.choice([1, 2])
        slug, kind = ("product-qa", "question") if space == 1 else ("ideas", "idea")
        title = f"Load test {kind} {counter['n']} about {rng.choice(SEARCH_WORDS)}?"
        body = "A new one from the load test, about " + " and ".join(rng.sample(SEARCH_WORDS, 3)) + "."

        def after(json_body, t0, space=space):
            writes.append((str(json_body["id"]), t0))
            expected["deliveries"] += data["space_followers"][str(space)]
        return ("POST", "/api/v1/threads", guest, auth,
                {"space": slug, "kind": kind, "title": title, "body": body, "tags": []}, 201, after)

    started = time.time()
    deadline = started + cfg["duration"]

    async def user(k: int) -> None:
        local = Mix(seed=100 + k)
        while time.time() < deadline:
            op = local.pick()
            method, path, session, headers, body, status, after = plan(op)
            t0 = time.time()
            ok = False
            try:
                async with session.request(method, base + path, headers=headers, json=body) as resp:
                    payload = await resp.read()
                    ok = resp.status == status
                    if ok and after is not None:
                        after(json.loads(payload), t0)
                    elif not ok and len(errors) < 20:
                        errors.append(f"{op} {method} {path}: {resp.status} {payload[:200]!r}")
            except Exception as exc:  # a timeout or a reset connection is an error, not a crash
                if len(errors) < 20:
                    errors.append(f"{op} {method} {path}: {type(exc).__name__} {exc}")
            samples.append((op, t0, time.time() - t0, ok))

    await asyncio.gather(*(user(k) for k in range(cfg["concurrency"])))
    elapsed = time.time() - started
    for session in (guest, *members):
        await session.close()
    await connector.close()
    return {"elapsed": elapsed, "samples": samples, "writes": writes,
            "expected_deliveries": expected["deliveries"], "errors": errors}


# ---- the sockets (their own process) ----

async def listen(cfg: dict, ready: Path, stop: Path) -> dict:
    import socketio

    arrivals: list[tuple[str, float]] = []
    others = {"count": 0}
    clients = []
    failures: list[str] = []

    async def one(auth: dict) -> None:
        client = socketio.AsyncClient(reconnection=False)

        @client.on("notification")
        async def _on(data):
            if data.get("verb") in NOTIFYING:
                arrivals.append((str(data.get("thread_id")), time.time()))
            else:
                others["count"] += 1

        try:
            await client.connect(cfg["base"], auth=auth, transports=["websocket"], wait_timeout=30)
            clients.append(client)
        except Exception as exc:
            failures.append(f"{type(exc).__name__}: {exc}")

    t0 = time.time()
    auths = [{"token": s["token"]} for s in cfg["data"]["sockets"]]
    for i in range(0, len(auths), 50):
        await asyncio.gather(*(one(a) for a in auths[i:i + 50]))
    connect_s = time.time() - t0
    ready.write_text(json.dumps({"connected": len(clients), "connect_s": connect_s}))
    while not stop.exists():
        await asyncio.sleep(0.2)
    still = sum(1 for c in clients if c.connected)
    await asyncio.gather(*(c.disconnect() for c in clients), return_exceptions=True)
    return {"arrivals": arrivals, "other_notifications": others["count"], "connected": len(clients),
            "still_connected": still, "connect_s": connect_s, "failures": failures[:10]}


# ---- the orchestra ----

def _rss_mib(pid: int) -> float:
    out = subprocess.run(["ps", "-o", "rss=", "-p", str(pid)], capture_output=True, text=True)
    return round(int(out.stdout.strip() or 0) / 1024, 1)


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return sorted(int(p) for p in out.stdout.split())


def _wait_http(url: str, proc: subprocess.Popen, timeout: float = 180) -> None:
    import urllib.request

    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited ({proc.returncode})")
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except Exception:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(45)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _helper(mode: str, cfg_path: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "benchmarks.load_bench", mode, str(cfg_path), *extra]


def run(args) -> int:
    tmp = Path(args.workdir or tempfile.mkdtemp(prefix="continuum-load-"))
    tmp.mkdir(parents=True, exist_ok=True)
    # mkdtemp's folder is its owner's alone; .ci/postgres.sh runs initdb as postgres.
    tmp.chmod(0o755)
    ci_env = {**os.environ, "PGTEST_PORT": str(PG_PORT), "PGTEST_DIR": str(tmp / "pg"),
              "REDISTEST_PORT": str(REDIS_PORT), "REDISTEST_DIR": str(tmp / "redis")}
    env = {**os.environ, "COMMUNITY_INSTANCE_PATH": str(tmp / "instance"),
           "COMMUNITY_SEARCH_INDEX_DIR": str(tmp / "search-index"),
           "COMMUNITY_SECRET_KEY": "load-bench-secret", "COMMUNITY_RATELIMIT_ENABLED": "false"}
    env.pop("FLASK_RUN_FROM_CLI", None)
    if args.embedded:
        env["COMMUNITY_SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp / 'community.db'}"
    else:
        pg = subprocess.run(["bash", ".ci/postgres.sh", "start"], cwd=ROOT, env=ci_env,
                            capture_output=True, text=True, check=True).stdout.strip()
        redis = subprocess.run(["bash", ".ci/redis.sh", "start"], cwd=ROOT, env=ci_env,
                               capture_output=True, text=True, check=True).stdout.strip()
        env.update({"COMMUNITY_SQLALCHEMY_DATABASE_URI": pg,
                    "COMMUNITY_SEARCH_BACKEND": args.search,
                    "COMMUNITY_SOCKETIO_MESSAGE_QUEUE": redis,
                    "COMMUNITY_RATELIMIT_STORAGE_URI": redis,
                    "COMMUNITY_SOCKETIO_TRANSPORTS": '["websocket"]'})
    procs: list[subprocess.Popen] = []
    timings = {}
    try:
        t0 = time.time()
        subprocess.run([FLASK, "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        timings["migrate_s"] = round(time.time() - t0, 1)
        t0 = time.time()
        os.environ.update(env)
        from benchmarks.load_data import generate
        from community import create_app
        from community.extensions import db

        app = create_app()
        with app.app_context():
            data = generate(posts=args.posts, sockets=args.sockets, writers=args.writers,
                            members=args.members)
            db.session.remove()
            db.engine.dispose()
        timings["generate_s"] = round(time.time() - t0, 1)
        print(f"generated {data['sizes']} in {timings['generate_s']} s", flush=True)
        t0 = time.time()
        subprocess.run([FLASK, "--app", "wsgi", "community", "reindex"], cwd=ROOT, env=env,
                       check=True, stdout=subprocess.DEVNULL)
        timings["reindex_s"] = round(time.time() - t0, 1)
        print(f"search index rebuilt in {timings['reindex_s']} s", flush=True)

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = open(tmp / "server.log", "wb")
        if args.embedded:
            web = subprocess.Popen([FLASK, "--app", "wsgi", "community", "serve", "--port", str(port)],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            procs.append(web)
        else:
            web = subprocess.Popen([FLASK, "--app", "wsgi", "community", "serve", "--production",
                                    "--port", str(port), "--workers", str(args.web_workers)],
                                   cwd=ROOT, env={**env, "GUNICORN_CMD_ARGS": "--access-logfile /dev/null"},
                                   stdout=log, stderr=subprocess.STDOUT)
            worker = subprocess.Popen([FLASK, "--app", "wsgi", "community", "worker"], cwd=ROOT,
                                      env=env, stdout=log, stderr=subprocess.STDOUT)
            procs += [web, worker]
        _wait_http(base + "/healthz", web)
        cfg_path = tmp / "load.json"
        cfg_path.write_text(json.dumps({"base": base, "data": data, "duration": args.duration,
                                        "concurrency": args.concurrency}))
        ready, stop = tmp / "sockets.ready", tmp / "sockets.stop"
        for path in (ready, stop):
            path.unlink(missing_ok=True)
        listener = subprocess.Popen(_helper("--listen", cfg_path, str(tmp / "sockets.json")),
                                    cwd=ROOT, env=env)
        procs.append(listener)
        while not ready.exists():
            if listener.poll() is not None:
                raise RuntimeError("the socket clients exited")
            time.sleep(0.5)
        sockets = json.loads(ready.read_text())
        print(f"{sockets['connected']} sockets connected in {sockets['connect_s']:.1f} s", flush=True)
        # Who to weigh: gunicorn's master and workers and `community worker`, or the one process.
        labels = {web.pid: "serve (embedded, one process)" if args.embedded else "gunicorn master"}
        if not args.embedded:
            for i, pid in enumerate(_children(web.pid), 1):
                labels[pid] = f"gunicorn gevent worker {i}"
            labels[procs[1].pid] = "community worker"
        rss = {pid: {"start": _rss_mib(pid), "peak": 0.0} for pid in labels}
        load_before = os.getloadavg()
        driver = subprocess.Popen(_helper("--drive", cfg_path, str(tmp / "driver.json")), cwd=ROOT, env=env)
        procs.append(driver)
        while driver.poll() is None:
            for pid in labels:
                rss[pid]["peak"] = max(rss[pid]["peak"], _rss_mib(pid))
            time.sleep(5)
        load_during = os.getloadavg()
        if driver.returncode:
            raise RuntimeError("the load generator failed")
        time.sleep(5)  # notifications still on their way
        stop.touch()
        listener.wait(120)
        for pid in labels:
            rss[pid]["end"] = _rss_mib(pid)
        driven = json.loads((tmp / "driver.json").read_text())
        heard = json.loads((tmp / "sockets.json").read_text())
    finally:
        for proc in reversed(procs):
            _stop(proc)
        if not args.embedded:
            for script in ("postgres.sh", "redis.sh"):
                subprocess.run(["bash", f".ci/{script}", "stop"], cwd=ROOT, env=ci_env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return report(args, data, timings, driven, heard, rss, labels, load_before, load_during)


def report(args, data, timings, driven, heard, rss, labels, load_before, load_during) -> int:
    samples = [tuple(s) for s in driven["samples"]]
    results = route_report(samples, driven["elapsed"])
    delays = match_deliveries([tuple(w) for w in driven["writes"]], [tuple(a) for a in heard["arrivals"]])
    ms = [d * 1000 for d in delays]
    results["notification delivery"] = {
        "requests": driven["expected_deliveries"], "received": len(delays),
        "p50_ms": round(percentile(ms, 50), 1), "p99_ms": round(percentile(ms, 99), 1),
        "errors": max(0, driven["expected_deliveries"] - len(delays))}
    for pid, label in labels.items():
        results[f"memory: {label}"] = {"rss_start_mib": rss[pid]["start"], "rss_peak_mib": rss[pid]["peak"],
                                       "rss_end_mib": rss[pid]["end"]}
    topology = ("embedded: `community serve` (Werkzeug threads), SQLite, Whoosh" if args.embedded else
                f"production: `community serve --production --workers {args.web_workers}` (gunicorn "
                "gevent), one `community worker`, PostgreSQL (.ci/postgres.sh: fsync off), Redis "
                f"message queue, websocket-only Socket.IO, search: {args.search}")
    note = (f"{topology}. {data['sizes']['posts']:,} posts, {data['sizes']['threads']:,} threads, "
            f"{data['sizes']['users']:,} accounts (generated in {timings['generate_s']} s, search "
            f"reindex {timings['reindex_s']} s). {heard['connected']} of {args.sockets} sockets "
            f"connected ({heard['still_connected']} still at the end), {args.concurrency} closed-loop "
            f"aiohttp clients for {driven['elapsed']:.0f} s: {results['all']['per_s']} requests/s, "
            f"{results['all']['errors']} errors; notification delivery = from the start of the write's "
            f"request to the socket (thread_created to every follower of the space, answers to the "
            f"asker), received/expected in the `received`/`requests` columns, `errors` = not "
            f"received. Load average (1/5/15 min) {load_before[0]:.1f}/{load_before[1]:.1f}/"
            f"{load_before[2]:.1f} before and {load_during[0]:.1f}/{load_during[1]:.1f}/"
            f"{load_during[2]:.1f} at the end, on {os.cpu_count()} cores shared with the load "
            f"generator and the sockets' process.")
    for line in driven["errors"][:10] + heard["failures"]:
        print("error:", line)
    command = (f"python -m benchmarks load{' --embedded' if args.embedded else f' --search {args.search}'}"
               f" --posts {args.posts} "
               f"--duration {args.duration} --sockets {args.sockets} --concurrency {args.concurrency}")
    if args.no_record:
        print(json.dumps(results, indent=1), "\n", note)
    else:
        from benchmarks.record import record

        record("load-embedded" if args.embedded else "load", results, command=command, note=note)
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("--drive", "--listen"):
        cfg = json.loads(Path(argv[1]).read_text())
        out = Path(argv[2])
        if argv[0] == "--drive":
            result = asyncio.run(drive(cfg))
        else:
            base = out.parent
            result = asyncio.run(listen(cfg, base / "sockets.ready", base / "sockets.stop"))
        out.write_text(json.dumps(result))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedded", action="store_true",
                        help="`community serve` on SQLite and Whoosh instead of the production topology")
    parser.add_argument("--posts", type=int, help="default 1,000,000 (100,000 with --embedded)")
    parser.add_argument("--search", choices=("postgres", "whoosh"), default="postgres",
                        help="the production topology's search backend (--embedded: Whoosh)")
    parser.add_argument("--duration", type=int, default=600, help="seconds of load")
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=64, help="closed-loop HTTP clients")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--writers", type=int, default=500, help="members who write, by token")
    parser.add_argument("--members", type=int, default=20, help="signed-in browsers reading pages")
    parser.add_argument("--workdir", help="keep the data and logs here (default: a new temp folder)")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)
    if args.posts is None:
        args.posts = 100_000 if args.embedded else 1_000_000
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
