"""an index for the unanswered lists

Revision ID: 0002_unanswered
Revises: 0001_initial
Create Date: 2026-12-01 21:40:00

The home page's "unanswered" list (questions with no answer, newest first) scanned and
sorted every thread: 13 ms at 10,000 threads on SQLite.
"""
from alembic import op


revision = '0002_unanswered'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.create_index('ix_thread_unanswered', ['kind', 'post_count', 'created_at', 'id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.drop_index('ix_thread_unanswered')
