"""What goes into the index: one document per thread, with its visible answers.

Deleted threads and deleted posts are never indexed. Staff-space threads are
indexed with their space id and filtered out at query time for non-staff.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from whoosh import fields

from ..models import Post, Thread
from .analysis import LANGUAGES, detect_language, language_analyzer, spelling_analyzer

SPELL_CHARS = 4000  # "did you mean" learns words from titles, tags and the start of bodies


def make_schema() -> fields.Schema:
    text = {}
    for lang in LANGUAGES:
        analyzer = language_analyzer(lang)
        text[f"title_{lang}"] = fields.TEXT(analyzer=analyzer)
        text[f"text_{lang}"] = fields.TEXT(analyzer=analyzer)
    return fields.Schema(
        id=fields.ID(unique=True, stored=True),
        tags=fields.KEYWORD(commas=True, lowercase=True),
        spell=fields.TEXT(analyzer=spelling_analyzer(), phrase=False),
        space=fields.ID,
        kind=fields.ID,
        status=fields.ID,
        accepted=fields.BOOLEAN,
        score=fields.NUMERIC(int, bits=32, signed=True, sortable=True),
        created=fields.DATETIME(sortable=True),
        **text,
    )


def lift(thread: Thread, posts: list[Post]) -> float:
    """Document boost: a thread with an accepted or well-voted answer ranks higher."""
    best = max((p.score for p in posts), default=0)
    boost = 1.0 + (0.3 if thread.accepted_post_id else 0.0)
    boost += min(0.4, 0.1 * math.log2(1 + max(best, 0)))
    boost += min(0.2, 0.05 * math.log2(1 + max(thread.score, 0)))
    return round(boost, 3)


def build_document(thread: Thread, posts: list[Post]) -> dict:
    tags = [t.name for t in thread.tags]
    answers = "\n".join(p.body for p in posts)
    lang = detect_language(f"{thread.title}\n{thread.body}\n{answers[:2000]}")
    # Tags are searched as words of the text (one analysis, one stop list), and
    # kept whole in ``tags`` for the tag filter.
    body = "\n".join(part for part in (thread.body, " ".join(tags), answers) if part)
    return {
        "id": str(thread.id),
        f"title_{lang}": thread.title,
        f"text_{lang}": body,
        "tags": ",".join(tags),
        "spell": f"{thread.title} {' '.join(tags)} {thread.body[:SPELL_CHARS]}",
        "space": str(thread.space_id),
        "kind": thread.kind,
        "status": thread.status,
        "accepted": thread.accepted_post_id is not None,
        "score": max(min(thread.score, 2**31 - 1), -(2**31)),
        "created": thread.created_at.replace(tzinfo=None),
        "_boost": lift(thread, posts),
    }


def _visible_posts(session: Session, thread_ids: list[int]) -> dict[int, list[Post]]:
    by_thread: dict[int, list[Post]] = defaultdict(list)
    if not thread_ids:
        return by_thread
    rows = session.scalars(
        select(Post).where(Post.thread_id.in_(thread_ids), Post.deleted_at.is_(None))
        .order_by(Post.thread_id, Post.id)
    )
    for post in rows:
        by_thread[post.thread_id].append(post)
    return by_thread


def documents_for(session: Session, thread_ids: Iterable[int]) -> dict[int, dict | None]:
    """Current documents of these threads; None where the thread is gone or deleted."""
    ids = sorted(set(thread_ids))
    out: dict[int, dict | None] = dict.fromkeys(ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        threads = session.scalars(select(Thread).where(Thread.id.in_(chunk))).all()
        posts = _visible_posts(session, chunk)
        for thread in threads:
            if thread.deleted_at is None:
                out[thread.id] = build_document(thread, posts.get(thread.id, []))
    return out


def count_threads(session: Session) -> int:
    return session.scalar(select(func.count(Thread.id)).where(Thread.deleted_at.is_(None))) or 0


def all_documents(session: Session, chunk: int = 500) -> Iterator[dict]:
    """Every live thread's document, streamed in id order (keyset pagination)."""
    last = 0
    while True:
        ids = list(session.scalars(
            select(Thread.id).where(Thread.id > last, Thread.deleted_at.is_(None))
            .order_by(Thread.id).limit(chunk)
        ))
        if not ids:
            return
        docs = documents_for(session, ids)
        session.expunge_all()  # keep memory flat over a large database
        # End the read transaction between chunks: outside a request a transaction
        # holds SQLite's write lock, and a rebuild must not block the site.
        session.rollback()
        for tid in ids:
            if docs[tid] is not None:
                yield docs[tid]
        last = ids[-1]
