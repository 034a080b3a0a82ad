"""Upgrading from 0019 turns the discussion copies the old promotion made into articles
with a first version and their credits; downgrading turns them back."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from community.extensions import db
from tests.test_migrations import _app, empty_database_url  # noqa: F401  (fixture)

NOW = "'2026-12-01 10:00:00'"


def _seed(conn) -> None:
    conn.execute(text(
        "INSERT INTO space (id, slug, name, description, attribution_html, visibility, position, "
        f"created_at) VALUES (1, 'qa', 'Q&A', '', '', 'public', 0, {NOW}), "
        f"(2, 'kb', 'KB', '', '', 'public', 1, {NOW})"))
    for uid, name, role in ((1, "ann", "member"), (2, "bob", "member"), (3, "mod", "moderator")):
        conn.execute(text(
            'INSERT INTO "user" (id, username, username_lower, display_name, role, reputation, '
            f"is_ambassador, created_at) VALUES ({uid}, '{name}', '{name}', '{name}', '{role}', "
            f"1, false, {NOW})"))
    for tid, space, kind, title, author in ((1, 1, "question", "How to descale it?", 1),
                                            (2, 2, "discussion", "How to descale it?", 3)):
        conn.execute(text(
            "INSERT INTO thread (id, space_id, kind, title, body, body_html, author_id, score, "
            "score_offset, post_count, is_locked, is_pinned, is_closed, view_count, created_at, "
            f"last_activity_at) VALUES ({tid}, {space}, '{kind}', '{title}', 'Body of {tid}', "
            f"'<p>Body</p>', {author}, 0, 0, 0, false, false, false, 0, {NOW}, {NOW})"))
    conn.execute(text(
        "INSERT INTO post (id, thread_id, author_id, body, body_html, score, score_offset, "
        f"is_official, created_at) VALUES (1, 1, 2, 'Use citric acid.', '<p>x</p>', 0, 0, "
        f"false, {NOW})"))
    conn.execute(text("UPDATE thread SET accepted_post_id = 1 WHERE id = 1"))
    conn.execute(text("INSERT INTO knowledge_link (article_id, source_id, promoted_by_id, "
                      f"created_at) VALUES (2, 1, 3, {NOW})"))


def test_promoted_copies_become_articles_with_a_version_and_credits(tmp_path,
                                                                    empty_database_url):  # noqa: F811
    app = _app(tmp_path, empty_database_url)
    with app.app_context():
        upgrade(revision="0019_curation")
        with db.engine.begin() as conn:
            _seed(conn)
        upgrade(revision="0020_knowledge")
        with db.engine.begin() as conn:
            kinds = dict(conn.execute(text("SELECT id, kind FROM thread")).all())
            revisions = conn.execute(text(
                "SELECT article_id, version, title, body, editor_id FROM article_revision")).all()
            credits = conn.execute(text("SELECT user_id, role, post_id FROM article_credit "
                                        "ORDER BY position")).all()
            queued = conn.execute(text("SELECT thread_id FROM search_outbox")).scalars().all()
            # The new kind is accepted by the database's check from now on.
            conn.execute(text(
                "INSERT INTO thread (id, space_id, kind, title, body, body_html, author_id, score, "
                "score_offset, post_count, is_locked, is_pinned, is_closed, view_count, "
                f"created_at, last_activity_at) VALUES (3, 2, 'article', 'Another article', "
                f"'b', '<p>b</p>', 3, 0, 0, 0, false, false, false, 0, {NOW}, {NOW})"))
        downgrade(revision="0019_curation")
        with db.engine.connect() as conn:
            after = dict(conn.execute(text("SELECT id, kind FROM thread")).all())
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(text("UPDATE thread SET kind = 'article' WHERE id = 1"))
        db.engine.dispose()
    assert kinds == {1: "question", 2: "article"}
    assert revisions == [(2, 1, "How to descale it?", "Body of 2", 3)]
    assert credits == [(1, "asker", None), (2, "answerer", 1)]
    assert 2 in queued
    assert after == {1: "question", 2: "discussion", 3: "discussion"}
