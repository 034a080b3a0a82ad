"""GET /api/v1/analytics/summary p95 over generated history (target < 200 ms).

Generates into a fresh SQLite file: 5,000 accounts, 4 spaces, 40 tags, ``--questions``
questions spread over two years with their timelines (a mix of peer, ambassador, staff
and case resolutions, a tenth escalated, 2 % unanswered), the daily rollups built from
them by the application's own code, a year of reading for a fifth of the accounts, and
zero-result searches. Answers themselves are not generated: the summary never reads the
post table (300,000 questions stand for about a million posts).

Scenarios: the default 30 days, a quarter, 30 days of one space, 30 days of one tag.

    python -m benchmarks.analytics_bench [--questions 300000] [--requests 40]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.record import record  # noqa: E402

TARGET_MS = 200.0
TODAY = date(2026, 11, 30)
DAYS = 730


def _ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def generate(conn, *, questions: int, seed: int = 5) -> None:
    rnd = random.Random(seed)
    cur = conn.cursor()
    cur.execute("BEGIN")
    created = _ts(datetime(2024, 1, 1))
    users = 5000
    cur.executemany(
        'INSERT INTO "user" (id, username, username_lower, display_name, role, reputation, '
        "is_ambassador, created_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
        [(i, f"user{i}", f"user{i}", f"User {i}", "employee" if i % 100 == 0 else "member",
          i % 250 == 1, created) for i in range(1, users + 1)])
    cur.executemany(
        "INSERT INTO space (id, slug, name, description, attribution_html, visibility, position, "
        "created_at) VALUES (?, ?, ?, '', '', 'public', 0, ?)",
        [(s, f"space{s}", f"Space {s}", created) for s in range(1, 5)])
    cur.executemany("INSERT INTO tag (id, name, description) VALUES (?, ?, '')",
                    [(i, f"topic{i}") for i in range(1, 41)])
    threads, tags, facts = [], [], []
    start = datetime.combine(TODAY - timedelta(days=DAYS), datetime.min.time())
    # Ids grow with time, as they do when people ask.
    moments = sorted(start + timedelta(seconds=rnd.uniform(0, DAYS * 86400))
                     for _ in range(questions))
    for t, asked in enumerate(moments, start=1):
        space = rnd.randint(1, 4)
        threads.append((t, space, "question", f"Question {t} about topic", "body", "<p>body</p>",
                        rnd.randint(1, users), _ts(asked), _ts(asked)))
        tags.append((t, rnd.randint(1, 40)))
        roll = rnd.random()
        first = None if roll < 0.02 else rnd.expovariate(1 / 3600)
        path = (None if first is None or roll < 0.1 else "peer" if roll < 0.6 else
                "ambassador" if roll < 0.75 else "staff" if roll < 0.85 else "case")
        solved = first + rnd.expovariate(1 / 7200) if path else None
        case = path == "case"
        facts.append((t, space, _ts(asked), asked.date().isoformat(), False,
                      _ts(asked + timedelta(seconds=first)) if first is not None else None,
                      None if first is None else ("staff" if path in ("staff", "case") else "peer"),
                      None if first is None else int(first),
                      None if first is None else int(first / 3),
                      _ts(asked + timedelta(seconds=solved)) if solved else None, path,
                      int(solved) if solved else None,
                      ("met" if rnd.random() < 0.9 else "breached") if case else None,
                      int(first / 4) if case else None, False))
    cur.executemany("INSERT INTO thread (id, space_id, kind, title, body, body_html, author_id, "
                    "score, score_offset, post_count, is_locked, is_pinned, is_closed, view_count, "
                    "created_at, last_activity_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0, "
                    "?, ?)", threads)
    cur.executemany("INSERT INTO thread_tag (thread_id, tag_id) VALUES (?, ?)", tags)
    cur.executemany(
        "INSERT INTO question_timeline (thread_id, space_id, asked_at, asked_day, imported, "
        "first_response_at, first_response_kind, first_response_seconds, "
        "first_response_business_seconds, solved_at, resolution, resolution_seconds, sla, "
        "case_response_business_seconds, sla_warned) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", facts)
    activity = {}
    for u in range(1, users + 1, 5):
        for _ in range(60):
            day = (TODAY - timedelta(days=rnd.randint(0, 365))).isoformat()
            activity[(day, u)] = (rnd.randint(1, 20), rnd.choice([0, 0, 0, 1, 2]))
    cur.executemany("INSERT INTO analytics_activity (day, user_id, views, posts) VALUES (?, ?, ?, ?)",
                    [(d, u, v, p) for (d, u), (v, p) in activity.items()])
    cur.executemany("INSERT INTO search_miss (query, space_id, created_at) VALUES (?, NULL, ?)",
                    [(f"missing {rnd.randint(1, 300)}", _ts(start + timedelta(days=rnd.uniform(0, DAYS))))
                     for _ in range(50_000)])
    cur.execute("COMMIT")


def make_app(tmp: Path):
    from community import create_app
    from community.extensions import db

    app = create_app({"INSTANCE_PATH": str(tmp), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.db'}",
                      "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "SEARCH_INDEX_DIR": str(tmp / "index")})
    with app.app_context():
        db.create_all()
        conn = db.engine.raw_connection()
    return app, conn


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=300_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--no-record", action="store_true", help="print, do not record")
    args = parser.parse_args(argv)

    from community.analytics import facts
    from community.extensions import db
    from community.models import User
    from community.services.accounts import issue_token

    tmp = Path(tempfile.mkdtemp(prefix="analytics-bench-"))
    app, conn = make_app(tmp)
    started = time.perf_counter()
    generate(conn, questions=args.questions)
    conn.close()
    with app.app_context():
        facts.sync_daily(db.session, None)  # the rollups, by the application's own code
        token = issue_token(db.session, db.session.get(User, 100))
        db.session.commit()
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
    print(f"generated {args.questions:,} questions with timelines and rollups in "
          f"{time.perf_counter() - started:.1f} s ({tmp})")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    month = f"from={(TODAY - timedelta(days=29)).isoformat()}&to={TODAY.isoformat()}"
    scenarios = {
        "summary: 30 days": month,
        "summary: 90 days": f"from={(TODAY - timedelta(days=89)).isoformat()}&to={TODAY.isoformat()}",
        "summary: 30 days, one space": month + "&space=space2",
        "summary: 30 days, one tag": month + "&tag=topic7",
    }
    results: dict[str, dict] = {}
    for name, query in scenarios.items():
        times = []
        for _ in range(args.requests):
            t0 = time.perf_counter()
            resp = client.get(f"/api/v1/analytics/summary?{query}", headers=headers)
            times.append((time.perf_counter() - t0) * 1000)
            assert resp.status_code == 200, resp.data[:300]
        times.sort()
        results[name] = {"questions": args.questions, "requests": args.requests,
                         "p50_ms": round(times[len(times) // 2], 1),
                         "p95_ms": round(times[max(int(len(times) * 0.95) - 1, 0)], 1),
                         "target_ms": TARGET_MS}
    for name, figures in results.items():
        print(f"{name}: {figures}")
    if not args.no_record:
        record("Analytics", results,
               command="python -m benchmarks.analytics_bench " + " ".join(argv or sys.argv[1:]),
               note="GET /api/v1/analytics/summary through the Flask test client (no HTTP "
                    "server), bearer-authenticated staff, on a fresh SQLite file. Target p95 < 200 ms.")
    return 0 if all(f["p95_ms"] < TARGET_MS for f in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
