"""Import benchmark: a synthetic Stack Exchange dump into a fresh SQLite file.

Generates dumps of N and 2N posts (Posts.xml, Users.xml, Votes.xml, Comments.xml, in
the dump's own XML format), imports each in a fresh process and records posts/s and
the importer's peak memory (ru_maxrss) in benchmarks/RESULTS.md: flat memory from N to
2N shows the streaming holds. Target: at least 2,000 posts/s.

    python -m benchmarks.import_bench [--posts 100000] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks.record import record  # noqa: E402
from benchmarks.se_dump import generate  # noqa: E402


def child(folder: str, db_path: str, workers: int | None) -> None:
    """Import ``folder`` into a new SQLite database; print the figures as JSON."""
    from sqlalchemy import func, select

    from community import create_app
    from community.extensions import db
    from community.importer import import_dump
    from community.models import Post, Thread

    # As `flask community import` runs it: in the app (its engine set-up, its site rules).
    tmp = Path(db_path).parent
    app = create_app({"INSTANCE_PATH": str(tmp / "instance"), "SECRET_KEY": "bench",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
                      "SEARCH_INDEX_DIR": str(tmp / "index")})
    with app.app_context():
        db.create_all()
        session = db.session
        started = time.perf_counter()
        summary = import_dump(session, folder, space_slug="bench", workers=workers,
                              echo=lambda *a, **k: print(*a, file=sys.stderr), tty=False)
        elapsed = time.perf_counter() - started
        posts = session.scalar(select(func.count(Post.id))) + session.scalar(select(func.count(Thread.id)))
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    cores = os.cpu_count() or 1
    print(json.dumps({"posts": posts, "seconds": round(elapsed, 1),
                      "posts_per_s": round(posts / elapsed), "peak_rss_mib": me.ru_maxrss // 1024,
                      "worker_peak_rss_mib": kids.ru_maxrss // 1024,
                      "cpu_s": round(cpu, 1),
                      # What the machine's cores would give if nothing else ran on them.
                      "posts_per_cpu_s_x_cores": round(posts / cpu * cores),
                      "load_avg_1m": round(os.getloadavg()[0], 1),
                      "summary": summary.lines()}))


def run(posts: int, workers: int | None, tmp: Path) -> dict:
    folder = tmp / f"bench{posts}.stackexchange.com"
    started = time.perf_counter()
    counts = generate(folder, posts)
    size = sum(f.stat().st_size for f in folder.iterdir())
    print(f"generated {counts} ({size / 2**20:.0f} MiB) in {time.perf_counter() - started:.0f} s",
          flush=True)
    cmd = [sys.executable, "-m", "benchmarks.import_bench", "--child", str(folder),
           str(tmp / f"import{posts}.db")]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    out = subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    print("\n".join(figures.pop("summary")))
    figures["dump_mib"] = round(size / 2**20)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--child", nargs=2, metavar=("FOLDER", "DB"))
    args = parser.parse_args()
    if args.child:
        child(*args.child, args.workers)
        return
    results = {}
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        for n in (args.posts, 2 * args.posts):
            figures = run(n, args.workers, Path(tmp))
            print(f"{n:,} posts: {figures}", flush=True)
            results[f"{n:,} posts"] = figures
    command = "python -m benchmarks.import_bench " + " ".join(sys.argv[1:])
    record("Import", results, command=command.strip(),
           note="Synthetic dump (Posts, Users, Votes, Comments) into a fresh SQLite file; "
                "peak_rss_mib is the importing process, flat from N to 2N posts. Target ≥ 2,000 posts/s.")


if __name__ == "__main__":
    main()
