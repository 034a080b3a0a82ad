"""Memory of the production processes: gunicorn's gevent workers and `community worker`.

    python -m benchmarks.production_bench [--workers 2] [--rounds 3]

The demo community (`seed-demo`: the Coffee import) in a throw-away folder, served by
`community serve --production` (websocket-only, so several workers may share one port)
beside one `community worker`. Resident memory (`ps -o rss`) of each process after start
(one /healthz each), then after every page of a round (home, leaderboard, tags, the
spaces, 20 threads, 3 searches) was read `--rounds` times; the thread-page cache
(PAGE_CACHE_ENTRIES) and the search postings cache (SEARCH_ARRAY_CACHE_MB) grow with use
up to their bounds, so the second figure is a floor for a busy worker, not a ceiling.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from .record import record

ROOT = Path(__file__).resolve().parent.parent
FLASK = str(Path(sys.executable).with_name("flask"))


def _rss_mib(pid: int) -> float:
    out = subprocess.run(["ps", "-o", "rss=", "-p", str(pid)], capture_output=True, text=True)
    return round(int(out.stdout.strip() or 0) / 1024, 1)


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return sorted(int(p) for p in out.stdout.split())


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="continuum-production-bench-"))
    env = {**os.environ, "COMMUNITY_INSTANCE_PATH": str(tmp / "instance"),
           "COMMUNITY_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'community.db'}",
           "COMMUNITY_SEARCH_INDEX_DIR": str(tmp / "search-index"),
           "COMMUNITY_SOCKETIO_TRANSPORTS": '["websocket"]', "COMMUNITY_RATELIMIT_ENABLED": "false"}
    env.pop("FLASK_RUN_FROM_CLI", None)
    for command in (["db", "upgrade"], ["community", "seed-demo"], ["community", "reindex"]):
        subprocess.run([FLASK, "--app", "wsgi", *command], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp / "web.log").open("wb")
    web = subprocess.Popen([FLASK, "--app", "wsgi", "community", "serve", "--production",
                            "--port", str(port), "--workers", str(args.workers)],
                           cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    worker = subprocess.Popen([FLASK, "--app", "wsgi", "community", "worker"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if requests.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.3)
        workers = _children(web.pid)
        while len(workers) < args.workers and time.time() < deadline:
            time.sleep(0.3)
            workers = _children(web.pid)
        for _ in range(4 * args.workers):  # each worker answers at least one request
            requests.get(url + "/healthz", timeout=10)
        idle = {pid: _rss_mib(pid) for pid in workers}
        home = requests.get(url + "/", timeout=30).text
        pages = ["/", "/leaderboard", "/tags", "/search?q=espresso", "/search?q=grind+size",
                 "/search?q=milk+foam"]
        pages += sorted(set(re.findall(r'href="(/spaces/[a-z0-9-]+)"', home)))[:5]
        pages += sorted(set(re.findall(r'href="(/threads/\d+)', home)))[:20]
        started = time.time()
        for _ in range(args.rounds):
            for page in pages:
                resp = requests.get(url + page, timeout=30)
                assert resp.status_code == 200, (page, resp.status_code)
        served = len(pages) * args.rounds
        elapsed = time.time() - started
        busy = {pid: _rss_mib(pid) for pid in workers}
        results = {f"gunicorn gevent worker {i + 1} of {len(workers)}": {
            "rss_after_start_mib": idle[pid], "rss_after_pages_mib": busy[pid]}
            for i, pid in enumerate(workers)}
        results["gunicorn master"] = {"rss_after_start_mib": _rss_mib(web.pid)}
        results["community worker"] = {"rss_after_pages_mib": _rss_mib(worker.pid)}
        note = (f"Demo community (Coffee import), SQLite; {served} page requests over "
                f"{len(pages)} pages in {elapsed:.1f} s spread over the workers; "
                f"1-minute load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.")
        record("production", results, note=note,
               command=f"python -m benchmarks.production_bench --workers {args.workers} "
                       f"--rounds {args.rounds}")
    finally:
        for proc in (web, worker):
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(40)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()


if __name__ == "__main__":
    main()
