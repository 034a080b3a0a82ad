"""each space's thread counts (live and deleted), kept by triggers on thread

The home page and a space's list show them; counting per request grew with the
community. Backfilled here from the rows.

Revision ID: 0023_space_thread_counts
Revises: 0022_pg_search
Create Date: 2026-12-07 14:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0023_space_thread_counts'
down_revision = '0022_pg_search'
branch_labels = None
depends_on = None

# A copy of community/models/thread_counts.py as of this revision.
SQLITE = (
    """CREATE TRIGGER thread_counts_insert AFTER INSERT ON thread BEGIN
  UPDATE space SET thread_count = thread_count + (NEW.deleted_at IS NULL),
    deleted_thread_count = deleted_thread_count + (NEW.deleted_at IS NOT NULL)
  WHERE id = NEW.space_id;
END""",
    """CREATE TRIGGER thread_counts_delete AFTER DELETE ON thread BEGIN
  UPDATE space SET thread_count = thread_count - (OLD.deleted_at IS NULL),
    deleted_thread_count = deleted_thread_count - (OLD.deleted_at IS NOT NULL)
  WHERE id = OLD.space_id;
END""",
    """CREATE TRIGGER thread_counts_update AFTER UPDATE OF space_id, deleted_at ON thread
WHEN OLD.space_id IS NOT NEW.space_id OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)
BEGIN
  UPDATE space SET thread_count = thread_count - (OLD.deleted_at IS NULL),
    deleted_thread_count = deleted_thread_count - (OLD.deleted_at IS NOT NULL)
  WHERE id = OLD.space_id;
  UPDATE space SET thread_count = thread_count + (NEW.deleted_at IS NULL),
    deleted_thread_count = deleted_thread_count + (NEW.deleted_at IS NOT NULL)
  WHERE id = NEW.space_id;
END""",
)

POSTGRESQL = (
    """CREATE OR REPLACE FUNCTION thread_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE space SET thread_count = thread_count - (OLD.deleted_at IS NULL)::int,
      deleted_thread_count = deleted_thread_count - (OLD.deleted_at IS NOT NULL)::int
    WHERE id = OLD.space_id;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    UPDATE space SET thread_count = thread_count + (NEW.deleted_at IS NULL)::int,
      deleted_thread_count = deleted_thread_count + (NEW.deleted_at IS NOT NULL)::int
    WHERE id = NEW.space_id;
  END IF;
  RETURN NULL;
END $$""",
    """CREATE TRIGGER thread_counts_write AFTER INSERT OR DELETE ON thread
FOR EACH ROW EXECUTE FUNCTION thread_counts()""",
    """CREATE TRIGGER thread_counts_update AFTER UPDATE OF space_id, deleted_at ON thread
FOR EACH ROW WHEN (OLD.space_id IS DISTINCT FROM NEW.space_id
                   OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL))
EXECUTE FUNCTION thread_counts()""",
)


def upgrade():
    for name in ('thread_count', 'deleted_thread_count'):
        op.add_column('space', sa.Column(name, sa.Integer(), server_default='0', nullable=False))
    op.execute(
        "UPDATE space SET "
        "thread_count = (SELECT count(*) FROM thread "
        "WHERE thread.space_id = space.id AND thread.deleted_at IS NULL), "
        "deleted_thread_count = (SELECT count(*) FROM thread "
        "WHERE thread.space_id = space.id AND thread.deleted_at IS NOT NULL)")
    dialect = op.get_bind().dialect.name
    for statement in SQLITE if dialect == 'sqlite' else POSTGRESQL:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for name in ('insert', 'delete', 'update'):
            op.execute(f'DROP TRIGGER thread_counts_{name}')
    else:
        op.execute('DROP TRIGGER thread_counts_write ON thread')
        op.execute('DROP TRIGGER thread_counts_update ON thread')
        op.execute('DROP FUNCTION thread_counts()')
    op.drop_column('space', 'deleted_thread_count')
    op.drop_column('space', 'thread_count')
