"""`flask db upgrade` from an empty database gives exactly the models' schema."""

from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from community import create_app
from community.extensions import db

PG_URL = os.environ.get("COMMUNITY_TEST_DATABASE_URL")


@pytest.fixture
def empty_database_url(tmp_path):
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    name = f"continuum_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _app(tmp_path, url):
    return create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "inst"),
                       "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})


def test_upgrade_from_empty_matches_the_models_exactly(tmp_path, empty_database_url):
    app = _app(tmp_path, empty_database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert diff == []


def test_downgrade_to_base_and_upgrade_again(tmp_path, empty_database_url):
    app = _app(tmp_path, empty_database_url)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "thread" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_upgrade_from_the_previous_release_keeps_the_data(tmp_path, empty_database_url):
    app = _app(tmp_path, empty_database_url)
    with app.app_context():
        upgrade(revision="0001_initial")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO space (id, slug, name, description, attribution_html, visibility, "
                "position, created_at) VALUES (1, 'qa', 'Q&A', '', '', 'public', 0, "
                "'2026-11-30 10:00:00')"))
            conn.execute(text(
                'INSERT INTO "user" (id, username, username_lower, display_name, role, '
                "reputation, is_ambassador, created_at) VALUES (1, 'ann', 'ann', 'Ann', "
                "'member', 1, false, '2026-11-30 10:00:00')"))
            conn.execute(text(
                "INSERT INTO thread (id, space_id, kind, title, body, body_html, author_id, score, "
                "score_offset, post_count, is_locked, is_pinned, is_closed, view_count, "
                "created_at, last_activity_at) VALUES (1, 1, 'question', 'Kept across upgrades', "
                "'b', '<p>b</p>', 1, 0, 0, 0, false, false, false, 0, '2026-11-30 10:00:00', "
                "'2026-11-30 10:00:00')"))
        upgrade()
        indexes = {ix["name"] for ix in inspect(db.engine).get_indexes("thread")}
        with db.engine.connect() as conn:
            title = conn.execute(text("SELECT title FROM thread WHERE id = 1")).scalar()
        db.engine.dispose()
    assert "ix_thread_unanswered" in indexes
    assert title == "Kept across upgrades"


def test_upgrade_from_0002_keeps_accounts_and_folds_their_languages(tmp_path, empty_database_url):
    app = _app(tmp_path, empty_database_url)
    stored = {1: "fr", 2: "FR", 3: "fr_CA", 4: "en-GB", 5: "xx", 6: None, 7: ""}
    with app.app_context():
        upgrade(revision="0002_unanswered")
        with db.engine.begin() as conn:
            for user_id, locale in stored.items():
                conn.execute(text(
                    'INSERT INTO "user" (id, username, username_lower, display_name, role, '
                    "reputation, is_ambassador, locale, created_at) VALUES (:id, :name, :name, "
                    ":name, 'member', 1, false, :locale, '2026-11-30 10:00:00')"),
                    {"id": user_id, "name": f"user{user_id}", "locale": locale})
        upgrade(revision="0003")
        with db.engine.connect() as conn:
            after = dict(conn.execute(text('SELECT id, locale FROM "user"')).all())
            head = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        downgrade(revision="0002_unanswered")
        db.engine.dispose()
    assert head == "0003"
    assert after == {1: "fr", 2: "fr", 3: "fr", 4: "en", 5: None, 6: None, 7: None}


def test_upgrade_to_0004_keeps_notifications_and_lets_an_email_be_sending(
        tmp_path, empty_database_url):
    app = _app(tmp_path, empty_database_url)
    with app.app_context():
        upgrade(revision="0003")
        with db.engine.begin() as conn:
            conn.execute(text(
                'INSERT INTO "user" (id, username, username_lower, display_name, role, '
                "reputation, is_ambassador, created_at) VALUES (1, 'ann', 'ann', 'Ann', "
                "'member', 1, false, '2026-11-30 10:00:00')"))
            for nid, state in ((1, "pending"), (2, "done")):
                conn.execute(text(
                    "INSERT INTO notification (id, user_id, verb, data, created_at, in_app, "
                    "email_state) VALUES (:id, 1, 'answer_posted', '{}', "
                    "'2026-11-30 10:00:00', true, :state)"), {"id": nid, "state": state})
        upgrade()
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE notification SET email_state = 'sending', "
                              "email_claimed_at = '2026-11-30 10:01:00' WHERE id = 1"))
            during = dict(conn.execute(text("SELECT id, email_state FROM notification")).all())
        downgrade(revision="0003")
        with db.engine.connect() as conn:
            after = dict(conn.execute(text("SELECT id, email_state FROM notification")).all())
        db.engine.dispose()
    assert during == {1: "sending", 2: "done"}
    assert after == {1: "pending", 2: "done"}  # a claim in flight goes back to the queue


def test_upgrade_to_0005_marks_existing_accounts_verified_and_downgrade_keeps_their_rows(
        tmp_path, empty_database_url):
    app = _app(tmp_path, empty_database_url)
    with app.app_context():
        upgrade(revision="0004_email_sending")
        with db.engine.begin() as conn:
            for user_id, email in ((1, "ann@example.test"), (2, None)):
                conn.execute(text(
                    'INSERT INTO "user" (id, username, username_lower, display_name, email, role, '
                    "reputation, is_ambassador, created_at) VALUES (:id, :name, :name, :name, "
                    ":email, 'member', 1, false, '2026-11-30 10:00:00')"),
                    {"id": user_id, "name": f"user{user_id}", "email": email})
            conn.execute(text(
                "INSERT INTO notification (id, user_id, verb, data, created_at, in_app, "
                "email_state) VALUES (1, 1, 'answer_posted', '{}', '2026-11-30 10:00:00', "
                "true, 'pending')"))
        upgrade()
        with db.engine.connect() as conn:
            verified = dict(conn.execute(text('SELECT id, email_verified_at FROM "user"')).all())
        downgrade(revision="0004_email_sending")
        with db.engine.connect() as conn:
            notes = conn.execute(text("SELECT count(*) FROM notification")).scalar()
            users = conn.execute(text('SELECT count(*) FROM "user"')).scalar()
        db.engine.dispose()
    # Accounts made before verification existed count as verified (as of their creation).
    assert str(verified[1]).startswith("2026-11-30 10:00:00") and verified[2] is None
    assert (users, notes) == (2, 1)  # dropping the column did not cascade through "user"


def _spaces_and_a_member(conn, space_ids) -> None:
    """Public spaces ``s<id>`` and the member ann (id 1), in the schema as of 0022 on."""
    for space_id in space_ids:
        conn.execute(text(
            "INSERT INTO space (id, slug, name, description, attribution_html, "
            "visibility, position, created_at) VALUES (:id, :slug, 'S', '', '', "
            "'public', 0, '2026-11-30 10:00:00')"), {"id": space_id, "slug": f"s{space_id}"})
    conn.execute(text(
        'INSERT INTO "user" (id, username, username_lower, display_name, role, '
        "reputation, is_ambassador, created_at) VALUES (1, 'ann', 'ann', 'Ann', "
        "'member', 1, false, '2026-11-30 10:00:00')"))


def _counts(conn) -> tuple:
    return tuple(conn.execute(text(
        "SELECT thread_count, deleted_thread_count FROM space WHERE id = 1")).one())


def test_upgrade_counts_each_spaces_threads_and_the_database_keeps_counting(
        tmp_path, empty_database_url):
    app = _app(tmp_path, empty_database_url)
    thread = ("INSERT INTO thread (id, space_id, kind, title, body, body_html, author_id, "
              "score, score_offset, post_count, is_locked, is_pinned, is_closed, view_count, "
              "created_at, last_activity_at, deleted_at) VALUES (:id, 1, 'question', 'A title', "
              "'b', '<p>b</p>', 1, 0, 0, 0, false, false, false, 0, '2026-11-30 10:00:00', "
              "'2026-11-30 10:00:00', :deleted)")
    with app.app_context():
        upgrade(revision="0022_pg_search")
        with db.engine.begin() as conn:
            _spaces_and_a_member(conn, (1, 2))
            conn.execute(text(thread), [{"id": 1, "deleted": None}, {"id": 2, "deleted": None},
                                        {"id": 3, "deleted": "2026-12-01 10:00:00"}])
        upgrade()
        with db.engine.begin() as conn:
            backfilled = _counts(conn)
            conn.execute(text(thread), {"id": 4, "deleted": None})
            after_insert = _counts(conn)
            conn.execute(text("UPDATE thread SET deleted_at = '2026-12-02 10:00:00' WHERE id = 1"))
            after_delete = _counts(conn)
            conn.execute(text("UPDATE thread SET space_id = 2 WHERE id IN (2, 3)"))
            after_move = _counts(conn)
            conn.execute(text("DELETE FROM thread WHERE id = 4"))
            after_purge = _counts(conn)
        downgrade(revision="0022_pg_search")
        with db.engine.begin() as conn:
            conn.execute(text(thread), {"id": 5, "deleted": None})  # no trigger left behind
            columns = {c["name"] for c in inspect(conn).get_columns("space")}
        db.engine.dispose()
    assert backfilled == (2, 1)
    assert after_insert == (3, 1)
    assert after_delete == (2, 2)
    assert after_move == (1, 1)
    assert after_purge == (0, 1)
    assert "thread_count" not in columns


def test_upgrade_copies_each_tagged_threads_activity_and_the_database_keeps_it(
        tmp_path, empty_database_url):
    app = _app(tmp_path, empty_database_url)
    thread = ("INSERT INTO thread (id, space_id, kind, title, body, body_html, author_id, "
              "score, score_offset, post_count, is_locked, is_pinned, is_closed, view_count, "
              "created_at, last_activity_at) VALUES (:id, 1, 'question', 'A title', 'b', "
              "'<p>b</p>', 1, 0, 0, 0, false, false, false, 0, '2026-11-30 10:00:00', :at)")
    copies = text("SELECT thread_id, tag_id, CAST(last_activity_at AS VARCHAR) FROM thread_tag "
                  "ORDER BY thread_id, tag_id")
    with app.app_context():
        upgrade(revision="0024_tag_page")
        with db.engine.begin() as conn:
            _spaces_and_a_member(conn, (1,))
            conn.execute(text("INSERT INTO tag (id, name, description) VALUES (1, 'alpha', ''), (2, 'beta', '')"))
            conn.execute(text(thread), [{"id": 1, "at": "2026-12-01 10:00:00"},
                                        {"id": 2, "at": "2026-12-02 10:00:00"}])
            conn.execute(text("INSERT INTO thread_tag (thread_id, tag_id) "
                              "VALUES (1, 1), (1, 2), (2, 1)"))
        upgrade()
        with db.engine.begin() as conn:
            backfilled = [tuple(r) for r in conn.execute(copies)]
            conn.execute(text("UPDATE thread SET last_activity_at = '2026-12-03 10:00:00' "
                              "WHERE id = 1"))
            conn.execute(text("INSERT INTO thread_tag (thread_id, tag_id) VALUES (2, 2)"))
            kept = [tuple(r) for r in conn.execute(copies)]
        downgrade(revision="0024_tag_page")
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE thread SET last_activity_at = '2026-12-04 10:00:00'"))
            columns = {c["name"] for c in inspect(conn).get_columns("thread_tag")}
        db.engine.dispose()
    first, second = "2026-12-01 10:00:00", "2026-12-02 10:00:00"
    assert [(t, g, at[:19]) for t, g, at in backfilled] == [(1, 1, first), (1, 2, first),
                                                             (2, 1, second)]
    third = "2026-12-03 10:00:00"
    assert [(t, g, at[:19]) for t, g, at in kept] == [(1, 1, third), (1, 2, third),
                                                       (2, 1, second), (2, 2, second)]
    assert "last_activity_at" not in columns


def test_upgrade_numbers_each_threads_posts_and_the_database_advances_it(
        tmp_path, empty_database_url):
    app = _app(tmp_path, empty_database_url)
    thread = ("INSERT INTO thread (id, space_id, kind, title, body, body_html, author_id, "
              "score, score_offset, post_count, is_locked, is_pinned, is_closed, view_count, "
              "created_at, last_activity_at) VALUES (:id, 1, 'question', 'A title', 'b', "
              "'<p>b</p>', 1, 0, 0, 0, false, false, false, 0, '2026-11-30 10:00:00', "
              "'2026-11-30 10:00:00')")
    post = ("INSERT INTO post (id, thread_id, author_id, body, body_html, score, score_offset, "
            "is_official, created_at) VALUES (:id, :thread, 1, 'a', '<p>a</p>', 0, 0, false, "
            "'2026-11-30 11:00:00')")
    revs = text("SELECT id, posts_rev FROM thread ORDER BY id")
    with app.app_context():
        upgrade(revision="0025_tag_recent")
        with db.engine.begin() as conn:
            _spaces_and_a_member(conn, (1,))
            conn.execute(text(thread), [{"id": 1}, {"id": 2}, {"id": 3}])
            conn.execute(text(post), {"id": 1, "thread": 1})
        upgrade()
        with db.engine.begin() as conn:
            backfilled = [tuple(r) for r in conn.execute(revs)]
            conn.execute(text(post), {"id": 2, "thread": 1})
            conn.execute(text("UPDATE post SET score = 1 WHERE id = 1"))
            conn.execute(text("UPDATE post SET thread_id = 2 WHERE id = 2"))
            conn.execute(text("DELETE FROM post WHERE id = 1"))
            advanced = [tuple(r) for r in conn.execute(revs)]
            conn.execute(text("DELETE FROM thread WHERE id = 2"))  # its post goes with it
        downgrade(revision="0025_tag_recent")
        with db.engine.begin() as conn:
            conn.execute(text(post), {"id": 3, "thread": 3})  # no trigger left behind
            columns = {c["name"] for c in inspect(conn).get_columns("thread")}
        db.engine.dispose()
    assert backfilled == [(1, 0), (2, 0), (3, 0)]
    # Thread 1: an answer, a vote, a move away, a deletion; thread 2: the move in.
    assert advanced == [(1, 4), (2, 1), (3, 0)]
    assert "posts_rev" not in columns
