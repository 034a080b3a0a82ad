"""CPU time of one request to each page, in-process (Flask test client), guest and member,
on the pages benchmark's data: where a page's time goes, before loading it with wrk.

    python -m benchmarks.page_profile [--data DIR] [--profile PAGE] [NAME=PATH ...]

Generates 5,000 users, 10,000 threads and 100,000 posts (and their search index) into
DIR once (default: a folder under the system's temp directory, kept for the next run),
then prints the best of 5 × 100 requests per page in CPU milliseconds. ``--profile
home`` adds cProfile's top functions for that page (as a guest; ``--member`` for a
member). Figures only: nothing is recorded (``python -m benchmarks pages`` records).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

USER_AGENT = {"User-Agent": "Mozilla/5.0 (continuum-bench)"}  # as pages_bench's browser


def _app(data: Path):
    os.environ.update({
        "COMMUNITY_INSTANCE_PATH": str(data),
        "COMMUNITY_SQLALCHEMY_DATABASE_URI": f"sqlite:///{data / 'bench.db'}",
        "COMMUNITY_SECRET_KEY": "bench", "COMMUNITY_RATELIMIT_ENABLED": "false"})
    from community import create_app
    from community.extensions import db
    from community.search.outbox import rebuild_index

    info_file = data / "info.json"
    schema = _schema()
    if info_file.exists() and json.loads(info_file.read_text()).get("schema") != schema:
        # Data kept from before a migration: made again with today's tables.
        (data / "bench.db").unlink(missing_ok=True)
        info_file.unlink()
    app = create_app()
    if not info_file.exists():
        from benchmarks.generate import generate

        with app.app_context():
            db.create_all()
            info = generate(users=5000, threads=10000, posts=100000)
            with app.extensions["search"].writer_lock(blocking=True):
                rebuild_index(app, procs=2)
        info_file.write_text(json.dumps({**info, "schema": schema}))
    return app, json.loads(info_file.read_text())


def _schema() -> str:
    """The latest migration: the kept data's tables are today's while it is the same."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(ROOT / "migrations")).get_current_head()


def _best_ms(client, path: str) -> float:
    for _ in range(20):
        resp = client.get(path, headers=USER_AGENT)
        if resp.status_code != 200:
            raise SystemExit(f"{path}: {resp.status_code}")
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        for _ in range(100):
            client.get(path, headers=USER_AGENT)
        best = min(best, (time.process_time() - start) / 100)
    return best * 1000


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path,
                        default=Path(tempfile.gettempdir()) / "continuum-page-profile")
    parser.add_argument("--profile", help="a page's name: print its cProfile")
    parser.add_argument("--member", action="store_true", help="profile as the member")
    parser.add_argument("pages", nargs="*", help="more pages, as NAME=PATH")
    args = parser.parse_args(argv)
    args.data.mkdir(parents=True, exist_ok=True)
    app, info = _app(args.data)
    guest = app.test_client(use_cookies=False)  # as wrk: no cookie, no session
    member = app.test_client()
    token = member.get("/csrf-token", headers=USER_AGENT).get_json()["csrf_token"]
    member.post("/login", headers=USER_AGENT, data={
        "login": info["member"], "password": info["member_password"], "csrf_token": token})
    pages = {"healthz": "/healthz", "home": "/", "space": f"/spaces/{info['space']}",
             "tag": "/tags/tag-coffee", "search": "/search?q=coffee+espresso",
             "profile": "/users/user2", "leaderboard": "/leaderboard",
             "thread": f"/threads/{info['thread_with_20']}",
             **dict(page.split("=", 1) for page in args.pages)}
    print(f"{'page':12} {'guest ms':>9} {'member ms':>10}")
    for name, path in pages.items():
        print(f"{name:12} {_best_ms(guest, path):9.2f} {_best_ms(member, path):10.2f}")
    if args.profile:
        client = member if args.member else guest
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(300):
            client.get(pages[args.profile], headers=USER_AGENT)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
