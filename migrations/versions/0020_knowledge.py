"""knowledge articles: thread kind 'article', their versions and credits; promoted
discussion copies become articles with a first version

Revision ID: 0020_knowledge
Revises: 0019_curation
Create Date: 2026-12-07 11:30:00
"""
import re
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


revision = '0020_knowledge'
down_revision = '0019_curation'
branch_labels = None
depends_on = None

OLD_KINDS = ('question', 'idea', 'discussion')
NEW_KINDS = OLD_KINDS + ('article',)


def _set_thread_kinds(kinds):
    condition = "kind IN (%s)" % ", ".join(f"'{k}'" for k in kinds)
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f('ck_thread_kind'), 'thread', type_='check')
        op.create_check_constraint(op.f('ck_thread_kind'), 'thread', condition)
        return
    # SQLite changes a CHECK only by copying the table, and copying "thread" with
    # foreign keys on would cascade through every table referencing it (and cost a
    # full copy). Widening or narrowing the list of kinds leaves every stored row
    # valid, which is the case SQLite documents for editing the schema text in place
    # (sqlite.org/lang_altertable.html, "otherwise" procedure, with schema_version).
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'thread'").scalar()
    new_sql, count = re.subn(r"kind IN \([^)]*\)", condition, sql)
    assert count == 1, "the thread table's kind check was not found"
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'thread'", (new_sql,))
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade():
    op.create_table('article_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['thread.id'], name=op.f('fk_article_revision_article_id_thread'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['editor_id'], ['user.id'], name=op.f('fk_article_revision_editor_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article_revision')),
    sa.UniqueConstraint('article_id', 'version', name=op.f('uq_article_revision_article_id_version'))
    )
    op.create_table('article_credit',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("role IN ('asker', 'answerer')", name=op.f('ck_article_credit_role')),
    sa.ForeignKeyConstraint(['article_id'], ['thread.id'], name=op.f('fk_article_credit_article_id_thread'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_article_credit_user_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_article_credit_post_id_post'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('article_id', 'user_id', name=op.f('pk_article_credit'))
    )
    _set_thread_kinds(NEW_KINDS)
    _convert_promoted_copies()


def _convert_promoted_copies():
    """Each discussion copy made by the old promotion becomes an article: its text as
    version 1 (by whoever promoted it, when they did), the source's asker and accepted
    answerer credited."""
    bind = op.get_bind()
    links = bind.execute(sa.text(
        "SELECT k.article_id, k.source_id, k.promoted_by_id, k.created_at, "
        "a.title, a.body, s.author_id, p.author_id, s.accepted_post_id "
        "FROM knowledge_link k JOIN thread a ON a.id = k.article_id "
        "JOIN thread s ON s.id = k.source_id "
        "LEFT JOIN post p ON p.id = s.accepted_post_id ORDER BY k.article_id")).all()
    for article_id, _source, by, when, title, body, asker, answerer, accepted in links:
        bind.execute(sa.text("UPDATE thread SET kind = 'article', accepted_post_id = NULL "
                             "WHERE id = :id"), {"id": article_id})
        bind.execute(sa.text(
            "INSERT INTO article_revision (article_id, version, title, body, editor_id, note, "
            "created_at) VALUES (:id, 1, :title, :body, :by, '', :when)"),
            {"id": article_id, "title": title, "body": body, "by": by, "when": when})
        credits = [(asker, "asker", None)]
        if answerer is not None and answerer != asker:
            credits.append((answerer, "answerer", accepted))
        for position, (user_id, role, post_id) in enumerate(credits):
            bind.execute(sa.text(
                "INSERT INTO article_credit (article_id, user_id, role, position, post_id) "
                "VALUES (:id, :user, :role, :position, :post)"),
                {"id": article_id, "user": user_id, "role": role, "position": position,
                 "post": post_id})
    # The search index learns the new kind from the outbox (or the next rebuild).
    now = datetime.now(UTC).replace(tzinfo=None)
    for row in links:
        bind.execute(sa.text("INSERT INTO search_outbox (thread_id, action, created_at) "
                             "VALUES (:id, 'index', :now)"), {"id": row[0], "now": now})


def downgrade():
    # Articles go back to being the discussion copies they were before 0020.
    op.execute("UPDATE thread SET kind = 'discussion' WHERE kind = 'article'")
    _set_thread_kinds(OLD_KINDS)
    op.drop_table('article_credit')
    op.drop_table('article_revision')
