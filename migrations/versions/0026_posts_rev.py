"""thread.posts_rev, advanced by triggers on every write to the thread's posts

The search page's cache key read every result's answers to notice a changed snippet;
the thread's number stands for them (community/models/posts_rev.py).

Revision ID: 0026_posts_rev
Revises: 0025_tag_recent
Create Date: 2026-12-07 22:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0026_posts_rev'
down_revision = '0025_tag_recent'
branch_labels = None
depends_on = None

# A copy of community/models/posts_rev.py as of this revision.
SQLITE = (
    """CREATE TRIGGER posts_rev_insert AFTER INSERT ON post BEGIN
  UPDATE thread SET posts_rev = posts_rev + 1 WHERE id = NEW.thread_id;
END""",
    """CREATE TRIGGER posts_rev_delete AFTER DELETE ON post BEGIN
  UPDATE thread SET posts_rev = posts_rev + 1 WHERE id = OLD.thread_id;
END""",
    """CREATE TRIGGER posts_rev_update AFTER UPDATE ON post BEGIN
  UPDATE thread SET posts_rev = posts_rev + 1 WHERE id IN (OLD.thread_id, NEW.thread_id);
END""",
)

POSTGRESQL = (
    """CREATE OR REPLACE FUNCTION posts_rev() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE thread SET posts_rev = posts_rev + 1 WHERE id = NEW.thread_id;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE thread SET posts_rev = posts_rev + 1 WHERE id = OLD.thread_id;
  ELSE
    UPDATE thread SET posts_rev = posts_rev + 1 WHERE id IN (OLD.thread_id, NEW.thread_id);
  END IF;
  RETURN NULL;
END $$""",
    """CREATE TRIGGER posts_rev AFTER INSERT OR UPDATE OR DELETE ON post
FOR EACH ROW EXECUTE FUNCTION posts_rev()""",
)


def upgrade():
    # Any starting number will do: a key compares it with itself, read again.
    op.add_column('thread', sa.Column('posts_rev', sa.Integer(), server_default='0',
                                      nullable=False))
    for statement in SQLITE if op.get_bind().dialect.name == 'sqlite' else POSTGRESQL:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for name in ('insert', 'delete', 'update'):
            op.execute(f'DROP TRIGGER posts_rev_{name}')
    else:
        op.execute('DROP TRIGGER posts_rev ON post')
        op.execute('DROP FUNCTION posts_rev()')
    # In place (SQLite 3.35+): rebuilding thread would break the triggers that name it.
    op.drop_column('thread', 'posts_rev')
