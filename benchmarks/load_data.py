"""The load test's community: N posts in bulk, streamed a batch at a time.

Like benchmarks/generate.py (Core bulk inserts, derived columns set consistently), but
built for a million posts: rows are produced and inserted a batch at a time instead of
all held in memory, and bodies come from a pool rendered once (render_markdown on a
million bodies would take longer than the inserts). On PostgreSQL the id sequences are
moved past the inserted ids, or the application's first insert would collide.

Accounts: the first ``sockets`` members hold the benchmark's sockets (each follows one of
the two public spaces, half and half, and authors threads like anyone); the last
``writers`` members write during the run and author nothing generated (so a vote is
never on their own content). Every one of both has an API token.
"""

from __future__ import annotations

import random
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, text
from werkzeug.security import generate_password_hash

from community.analytics.recompute import after_import
from community.database import refresh_statistics
from community.extensions import db
from community.gamification.recompute import Report, _badges
from community.models import (
    ApiToken,
    Follow,
    Post,
    Space,
    Tag,
    Thread,
    User,
    thread_tag,
    token_digest,
)
from community.rendering import render_markdown

from .generate import WORDS, _sentence

PASSWORD = "load-member-pass"
PUBLIC_SPACES = {1: "product-qa", 2: "ideas"}


def sizes(posts: int, sockets: int, writers: int) -> dict:
    threads = max(100, posts // 10)
    users = max(sockets + writers + 500, posts // 20)
    return {"posts": posts, "threads": threads, "users": users}


def generate(*, posts: int, sockets: int, writers: int, members: int, seed: int = 7,
             batch: int = 5000, log=print) -> dict:
    rng = random.Random(seed)
    size = sizes(posts, sockets, writers)
    n_threads, n_users = size["threads"], size["users"]
    now = datetime.now(UTC)
    pw = generate_password_hash(PASSWORD)
    session = db.session
    session.execute(insert(Space), [
        {"id": 1, "slug": "product-qa", "name": "Product Q&A", "description": "Questions",
         "visibility": "public", "position": 0, "attribution_html": "", "created_at": now},
        {"id": 2, "slug": "ideas", "name": "Ideas", "description": "Ideas",
         "visibility": "public", "position": 1, "attribution_html": "", "created_at": now},
        {"id": 3, "slug": "internal", "name": "Internal", "description": "Staff",
         "visibility": "staff", "position": 2, "attribution_html": "", "created_at": now},
    ])
    first_writer = n_users - writers + 1
    # Staff every 50th id, but never a socket holder or a writer (staff skip some paths).
    def role(i: int) -> str:
        return "employee" if i % 50 == 0 and sockets < i < first_writer else "member"

    for start in range(1, n_users + 1, batch):
        session.execute(insert(User), [{
            "id": i, "username": f"user{i}", "username_lower": f"user{i}",
            "email": f"user{i}@load.test", "display_name": f"User {i}", "password_hash": pw,
            "role": role(i), "reputation": rng.randint(10, 3000), "is_ambassador": False,
            "created_at": now - timedelta(days=400)} for i in range(start, min(n_users, start + batch - 1) + 1)])
    tags = [f"tag-{w}" for w in WORDS]
    session.execute(insert(Tag), [{"id": i + 1, "name": t, "description": ""} for i, t in enumerate(tags)])
    pool = [_sentence(rng, 30) for _ in range(500)]
    pool_html = [render_markdown(t) for t in pool]
    per_thread = [0] * (n_threads + 1)
    for _ in range(posts):
        per_thread[rng.randint(1, n_threads)] += 1
    authors = first_writer - 1  # generated content is never a writer's
    targets: dict[int, int] = {}  # public thread -> its socket-holding author
    public: list[int] = []
    post_id = 0
    for start in range(1, n_threads + 1, batch):
        thread_rows, post_rows, tag_rows = [], [], []
        for t in range(start, min(n_threads, start + batch - 1) + 1):
            created = now - timedelta(minutes=rng.randint(60, 60 * 24 * 365))
            kind = "idea" if t % 10 == 0 else "question"
            space = 3 if t % 97 == 0 else (2 if kind == "idea" else 1)
            author = rng.randint(1, authors)
            if space != 3:
                public.append(t)
                if author <= sockets:
                    targets[t] = author
            first_post = post_id + 1
            for _ in range(per_thread[t]):
                post_id += 1
                k = rng.randrange(len(pool))
                post_rows.append({
                    "id": post_id, "thread_id": t, "author_id": rng.randint(1, authors),
                    "body": pool[k], "body_html": pool_html[k], "score": rng.randint(-2, 30),
                    "is_official": False, "created_at": created + timedelta(minutes=5)})
            k = rng.randrange(len(pool))
            accepted = first_post if per_thread[t] and kind == "question" and rng.random() < 0.4 else None
            thread_rows.append({
                "id": t, "space_id": space, "kind": kind, "title": _sentence(rng, 8)[:-1] + "?",
                "body": pool[k], "body_html": pool_html[k], "author_id": author,
                "score": rng.randint(-3, 60), "post_count": per_thread[t],
                "idea_status": "new" if kind == "idea" else None, "accepted_post_id": None,
                "is_locked": False, "is_pinned": False, "is_closed": False,
                "view_count": rng.randint(0, 5000), "created_at": created,
                "external_id": f"load:{t}", "last_activity_at": created + timedelta(minutes=10), "_accepted": accepted})
            for tag_id in rng.sample(range(1, len(tags) + 1), 3):
                tag_rows.append({"thread_id": t, "tag_id": tag_id})
        accepted = {row["id"]: row.pop("_accepted") for row in thread_rows}
        for row in thread_rows:  # the accepted post is inserted after its thread
            row["accepted_post_id"] = None
        session.execute(insert(Thread), thread_rows)
        for i in range(0, len(post_rows), batch):
            session.execute(insert(Post), post_rows[i:i + batch])
        session.execute(insert(thread_tag), tag_rows)
        pairs = [{"tid": t, "pid": p} for t, p in accepted.items() if p]
        if pairs:
            session.execute(text("UPDATE thread SET accepted_post_id = :pid WHERE id = :tid"), pairs)
        session.commit()
        log(f"  threads {min(n_threads, start + batch - 1):,}/{n_threads:,}, posts {post_id:,}")
    socket_ids = list(range(1, sockets + 1))
    writer_ids = list(range(first_writer, n_users + 1))
    tokens = {uid: secrets.token_urlsafe(24) for uid in socket_ids + writer_ids}
    session.execute(insert(ApiToken), [{"user_id": uid, "token_hash": token_digest(t), "created_at": now}
                                       for uid, t in tokens.items()])
    session.execute(insert(Follow), [{"user_id": uid, "target_type": "space",
                                      "target_id": 1 + uid % 2, "active": True, "created_at": now}
                                     for uid in socket_ids])
    session.commit()
    if db.engine.dialect.name == "postgresql":
        for table in ("user", "thread", "post", "tag", "space", "api_token", "follow"):
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                 f"(SELECT max(id) FROM \"{table}\"))"))
        session.commit()
        session.execute(text("ANALYZE"))  # autovacuum would get there, but not before the run
        session.commit()
    refresh_statistics(db.engine)
    log("  " + after_import(session))
    # The badges the content has already earned, as `community recompute` awards them (in
    # bulk, without notifications); otherwise the first vote on each author's content
    # awards dozens at once, each with its notification, and votes measure that instead.
    report = Report()
    _badges(session, report, False)
    session.commit()
    log(f"  badges awarded: {report.drift.get('badge', 0):,}")
    followers = {s: sum(1 for uid in socket_ids if 1 + uid % 2 == s) for s in PUBLIC_SPACES}
    return {
        "sizes": size, "public_threads": public, "answer_targets": targets,
        "sockets": [{"user_id": uid, "token": tokens[uid]} for uid in socket_ids],
        "writers": [tokens[uid] for uid in writer_ids],
        "members": [f"user{i}" for i in range(sockets + 1, sockets + 1 + members)],
        "password": PASSWORD, "space_followers": followers,
    }
