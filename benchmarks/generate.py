"""A synthetic community for benchmarks: users, spaces, threads and posts in bulk.

Rows go in with Core bulk inserts (the services are for interactive use); the
derived columns (post_count, accepted answer, scores) are set consistently.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, insert, update
from werkzeug.security import generate_password_hash

from community.database import refresh_statistics
from community.extensions import db
from community.models import Post, Space, Tag, Thread, User, thread_tag
from community.rendering import render_markdown

WORDS = (
    "coffee grind espresso roast bean water temperature pressure milk brew filter "
    "export invoice account billing sync error token desktop dashboard report email "
    "schedule team licence update install network proxy password login profile "
    "machine settings backup restore import format language french english"
).split()
MEMBER_PASSWORD = "bench-member-pass"


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def generate(*, users: int = 5000, threads: int = 10000, posts: int = 100000,
             seed: int = 42, batch: int = 5000) -> dict:
    """Fill the current app's database; returns ids useful to the scenarios."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    pw = generate_password_hash(MEMBER_PASSWORD)
    db.session.execute(insert(Space), [
        {"id": 1, "slug": "product-qa", "name": "Product Q&A", "description": "Questions",
         "visibility": "public", "position": 0, "attribution_html": "", "created_at": now},
        {"id": 2, "slug": "ideas", "name": "Ideas", "description": "Ideas",
         "visibility": "public", "position": 1, "attribution_html": "", "created_at": now},
        {"id": 3, "slug": "internal", "name": "Internal", "description": "Staff",
         "visibility": "staff", "position": 2, "attribution_html": "", "created_at": now},
    ])
    user_rows = [{
        "id": i, "username": f"user{i}", "username_lower": f"user{i}",
        "email": f"user{i}@bench.test", "display_name": f"User {i}", "password_hash": pw,
        "role": "employee" if i % 50 == 0 else "member", "reputation": rng.randint(1, 3000),
        "is_ambassador": False, "created_at": now - timedelta(days=400),
    } for i in range(1, users + 1)]
    for start in range(0, len(user_rows), batch):
        db.session.execute(insert(User), user_rows[start:start + batch])
    tags = [f"tag-{w}" for w in WORDS]
    db.session.execute(insert(Tag), [{"id": i + 1, "name": t, "description": ""}
                                     for i, t in enumerate(tags)])

    per_thread = [0] * (threads + 1)
    for _ in range(posts):
        per_thread[rng.randint(1, threads)] += 1
    # Thread 1 gets exactly 20 answers: the thread-page scenario.
    per_thread[1] = 20

    thread_rows, tag_rows, post_rows = [], [], []
    post_id = 0
    for t in range(1, threads + 1):
        created = now - timedelta(minutes=rng.randint(60, 60 * 24 * 365))
        body = _sentence(rng, 40)
        kind = "idea" if t % 10 == 0 else "question"
        first_post = post_id + 1
        for _ in range(per_thread[t]):
            post_id += 1
            text = _sentence(rng, 30)
            post_rows.append({
                "id": post_id, "thread_id": t, "author_id": rng.randint(1, users),
                "body": text, "body_html": render_markdown(text),
                "score": rng.randint(-2, 30), "is_official": False, "created_at": created + timedelta(minutes=5),
            })
        accepted = first_post if per_thread[t] and kind == "question" and rng.random() < 0.4 else None
        thread_rows.append({
            "id": t, "space_id": 3 if t % 97 == 0 else (2 if kind == "idea" else 1), "kind": kind,
            "title": _sentence(rng, 8)[:-1] + "?", "body": body, "body_html": render_markdown(body),
            "author_id": rng.randint(1, users), "score": rng.randint(-3, 60),
            "post_count": per_thread[t], "idea_status": "new" if kind == "idea" else None,
            "accepted_post_id": None, "is_locked": False, "is_pinned": False, "is_closed": False,
            "view_count": rng.randint(0, 5000), "created_at": created,
            "last_activity_at": created + timedelta(minutes=10), "_accepted": accepted,
        })
        for tag_id in rng.sample(range(1, len(tags) + 1), 3):
            tag_rows.append({"thread_id": t, "tag_id": tag_id})
    accepted_map = {row["id"]: row.pop("_accepted") for row in thread_rows}
    for start in range(0, len(thread_rows), batch):
        db.session.execute(insert(Thread), thread_rows[start:start + batch])
    for start in range(0, len(post_rows), batch):
        db.session.execute(insert(Post), post_rows[start:start + batch])
    for start in range(0, len(tag_rows), batch):
        db.session.execute(insert(thread_tag), tag_rows[start:start + batch])
    pairs = [{"tid": t, "pid": p} for t, p in accepted_map.items() if p]
    if pairs:
        db.session.connection().execute(
            update(Thread.__table__).where(Thread.__table__.c.id == bindparam("tid"))
            .values(accepted_post_id=bindparam("pid")), pairs)
    db.session.commit()
    refresh_statistics(db.engine)  # as after an import: the planner knows the new tables
    return {"thread_with_20": 1, "space": "product-qa", "member": "user1",
            "member_password": MEMBER_PASSWORD}
