"""each tagged thread's last activity on its thread_tag rows, kept by triggers

A tag page sorted by activity walked the site-wide activity index until enough of the
tag's threads turned up; with the time beside the tag, one index gives them in order.
ix_thread_tag_recent starts with tag_id, so it replaces ix_thread_tag_tag_id.

Revision ID: 0025_tag_recent
Revises: 0024_tag_page
Create Date: 2026-12-07 19:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0025_tag_recent'
down_revision = '0024_tag_page'
branch_labels = None
depends_on = None

# A copy of community/models/tag_recent.py as of this revision.
SQLITE = (
    """CREATE TRIGGER tag_recent_insert AFTER INSERT ON thread_tag BEGIN
  UPDATE thread_tag SET last_activity_at =
    (SELECT last_activity_at FROM thread WHERE id = NEW.thread_id)
  WHERE thread_id = NEW.thread_id AND tag_id = NEW.tag_id;
END""",
    """CREATE TRIGGER tag_recent_moved AFTER UPDATE OF thread_id ON thread_tag BEGIN
  UPDATE thread_tag SET last_activity_at =
    (SELECT last_activity_at FROM thread WHERE id = NEW.thread_id)
  WHERE thread_id = NEW.thread_id AND tag_id = NEW.tag_id;
END""",
    """CREATE TRIGGER tag_recent_activity AFTER UPDATE OF last_activity_at ON thread
WHEN OLD.last_activity_at IS NOT NEW.last_activity_at BEGIN
  UPDATE thread_tag SET last_activity_at = NEW.last_activity_at WHERE thread_id = NEW.id;
END""",
)

POSTGRESQL = (
    """CREATE OR REPLACE FUNCTION tag_recent_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.last_activity_at := (SELECT last_activity_at FROM thread WHERE id = NEW.thread_id);
  RETURN NEW;
END $$""",
    """CREATE TRIGGER tag_recent_row BEFORE INSERT OR UPDATE OF thread_id ON thread_tag
FOR EACH ROW EXECUTE FUNCTION tag_recent_row()""",
    """CREATE OR REPLACE FUNCTION tag_recent_activity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE thread_tag SET last_activity_at = NEW.last_activity_at WHERE thread_id = NEW.id;
  RETURN NULL;
END $$""",
    """CREATE TRIGGER tag_recent_activity AFTER UPDATE OF last_activity_at ON thread
FOR EACH ROW WHEN (OLD.last_activity_at IS DISTINCT FROM NEW.last_activity_at)
EXECUTE FUNCTION tag_recent_activity()""",
)


def upgrade():
    op.add_column('thread_tag', sa.Column('last_activity_at', sa.DateTime(), nullable=True))
    op.execute("UPDATE thread_tag SET last_activity_at = "
               "(SELECT last_activity_at FROM thread WHERE thread.id = thread_tag.thread_id)")
    op.create_index('ix_thread_tag_recent', 'thread_tag',
                    ['tag_id', 'last_activity_at', 'thread_id'], unique=False)
    op.drop_index('ix_thread_tag_tag_id', table_name='thread_tag')
    for statement in SQLITE if op.get_bind().dialect.name == 'sqlite' else POSTGRESQL:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for name in ('insert', 'moved', 'activity'):
            op.execute(f'DROP TRIGGER tag_recent_{name}')
    else:
        op.execute('DROP TRIGGER tag_recent_row ON thread_tag')
        op.execute('DROP TRIGGER tag_recent_activity ON thread')
        for name in ('row', 'activity'):
            op.execute(f'DROP FUNCTION tag_recent_{name}()')
    op.create_index('ix_thread_tag_tag_id', 'thread_tag', ['tag_id'], unique=False)
    op.drop_index('ix_thread_tag_recent', table_name='thread_tag')
    # In place (SQLite 3.35+): rebuilding thread_tag would break the triggers on
    # thread that name it.
    op.drop_column('thread_tag', 'last_activity_at')
