"""each tag's thread counts per space (live and deleted), kept by triggers

The tag page shows how many of a tag's threads the reader may list; counting them per
request grew with the tag. Backfilled here from the rows.

Revision ID: 0024_tag_page
Revises: 0023_space_thread_counts
Create Date: 2026-12-07 15:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0024_tag_page'
down_revision = '0023_space_thread_counts'
branch_labels = None
depends_on = None

# A copy of community/models/tag_counts.py as of this revision.
_ADD = ("ON CONFLICT (tag_id, space_id) DO UPDATE SET "
        "thread_count = tag_count.thread_count + excluded.thread_count, "
        "deleted_thread_count = tag_count.deleted_thread_count + excluded.deleted_thread_count")

SQLITE = (
    f"""CREATE TRIGGER tag_count_insert AFTER INSERT ON thread_tag BEGIN
  INSERT INTO tag_count (tag_id, space_id, thread_count, deleted_thread_count)
  SELECT NEW.tag_id, space_id, deleted_at IS NULL, deleted_at IS NOT NULL
  FROM thread WHERE id = NEW.thread_id
  {_ADD};
END""",
    """CREATE TRIGGER tag_count_delete AFTER DELETE ON thread_tag BEGIN
  UPDATE tag_count SET
    thread_count = thread_count - (SELECT deleted_at IS NULL FROM thread WHERE id = OLD.thread_id),
    deleted_thread_count = deleted_thread_count
      - (SELECT deleted_at IS NOT NULL FROM thread WHERE id = OLD.thread_id)
  WHERE tag_id = OLD.tag_id AND space_id = (SELECT space_id FROM thread WHERE id = OLD.thread_id);
END""",
    f"""CREATE TRIGGER tag_count_update AFTER UPDATE OF thread_id, tag_id ON thread_tag BEGIN
  UPDATE tag_count SET
    thread_count = thread_count - (SELECT deleted_at IS NULL FROM thread WHERE id = OLD.thread_id),
    deleted_thread_count = deleted_thread_count
      - (SELECT deleted_at IS NOT NULL FROM thread WHERE id = OLD.thread_id)
  WHERE tag_id = OLD.tag_id AND space_id = (SELECT space_id FROM thread WHERE id = OLD.thread_id);
  INSERT INTO tag_count (tag_id, space_id, thread_count, deleted_thread_count)
  SELECT NEW.tag_id, space_id, deleted_at IS NULL, deleted_at IS NOT NULL
  FROM thread WHERE id = NEW.thread_id
  {_ADD};
END""",
    """CREATE TRIGGER tag_count_thread_delete BEFORE DELETE ON thread BEGIN
  DELETE FROM thread_tag WHERE thread_id = OLD.id;
END""",
    f"""CREATE TRIGGER tag_count_thread_update AFTER UPDATE OF space_id, deleted_at ON thread
WHEN OLD.space_id IS NOT NEW.space_id OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)
BEGIN
  UPDATE tag_count SET thread_count = thread_count - (OLD.deleted_at IS NULL),
    deleted_thread_count = deleted_thread_count - (OLD.deleted_at IS NOT NULL)
  WHERE space_id = OLD.space_id
    AND tag_id IN (SELECT tag_id FROM thread_tag WHERE thread_id = OLD.id);
  INSERT INTO tag_count (tag_id, space_id, thread_count, deleted_thread_count)
  SELECT tag_id, NEW.space_id, NEW.deleted_at IS NULL, NEW.deleted_at IS NOT NULL
  FROM thread_tag WHERE thread_id = NEW.id
  {_ADD};
END""",
)

POSTGRESQL = (
    f"""CREATE OR REPLACE FUNCTION tag_count_tags() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE tag_count SET thread_count = tag_count.thread_count - (t.deleted_at IS NULL)::int,
      deleted_thread_count = tag_count.deleted_thread_count - (t.deleted_at IS NOT NULL)::int
    FROM thread t
    WHERE t.id = OLD.thread_id AND tag_count.tag_id = OLD.tag_id
      AND tag_count.space_id = t.space_id;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO tag_count (tag_id, space_id, thread_count, deleted_thread_count)
    SELECT NEW.tag_id, space_id, (deleted_at IS NULL)::int, (deleted_at IS NOT NULL)::int
    FROM thread WHERE id = NEW.thread_id
    {_ADD};
  END IF;
  RETURN NULL;
END $$""",
    """CREATE TRIGGER tag_count_tags AFTER INSERT OR DELETE OR UPDATE OF thread_id, tag_id
ON thread_tag FOR EACH ROW EXECUTE FUNCTION tag_count_tags()""",
    """CREATE OR REPLACE FUNCTION tag_count_thread_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM thread_tag WHERE thread_id = OLD.id;
  RETURN OLD;
END $$""",
    """CREATE TRIGGER tag_count_thread_delete BEFORE DELETE ON thread
FOR EACH ROW EXECUTE FUNCTION tag_count_thread_delete()""",
    f"""CREATE OR REPLACE FUNCTION tag_count_thread_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE tag_count SET thread_count = thread_count - (OLD.deleted_at IS NULL)::int,
    deleted_thread_count = deleted_thread_count - (OLD.deleted_at IS NOT NULL)::int
  WHERE space_id = OLD.space_id
    AND tag_id IN (SELECT tag_id FROM thread_tag WHERE thread_id = OLD.id);
  INSERT INTO tag_count (tag_id, space_id, thread_count, deleted_thread_count)
  SELECT tag_id, NEW.space_id, (NEW.deleted_at IS NULL)::int, (NEW.deleted_at IS NOT NULL)::int
  FROM thread_tag WHERE thread_id = NEW.id
  {_ADD};
  RETURN NULL;
END $$""",
    """CREATE TRIGGER tag_count_thread_update AFTER UPDATE OF space_id, deleted_at ON thread
FOR EACH ROW WHEN (OLD.space_id IS DISTINCT FROM NEW.space_id
                   OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL))
EXECUTE FUNCTION tag_count_thread_update()""",
)


def upgrade():
    op.create_table(
        'tag_count',
        sa.Column('tag_id', sa.Integer(), nullable=False),
        sa.Column('space_id', sa.Integer(), nullable=False),
        sa.Column('thread_count', sa.Integer(), server_default='0', nullable=False),
        sa.Column('deleted_thread_count', sa.Integer(), server_default='0', nullable=False),
        sa.ForeignKeyConstraint(['space_id'], ['space.id'],
                                name=op.f('fk_tag_count_space_id_space'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['tag_id'], ['tag.id'],
                                name=op.f('fk_tag_count_tag_id_tag'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('tag_id', 'space_id', name=op.f('pk_tag_count')),
    )
    op.execute(
        "INSERT INTO tag_count (tag_id, space_id, thread_count, deleted_thread_count) "
        "SELECT thread_tag.tag_id, thread.space_id, "
        "sum(CASE WHEN thread.deleted_at IS NULL THEN 1 ELSE 0 END), "
        "sum(CASE WHEN thread.deleted_at IS NULL THEN 0 ELSE 1 END) "
        "FROM thread_tag JOIN thread ON thread.id = thread_tag.thread_id "
        "GROUP BY thread_tag.tag_id, thread.space_id")
    for statement in SQLITE if op.get_bind().dialect.name == 'sqlite' else POSTGRESQL:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for name in ('insert', 'delete', 'update', 'thread_delete', 'thread_update'):
            op.execute(f'DROP TRIGGER tag_count_{name}')
    else:
        op.execute('DROP TRIGGER tag_count_tags ON thread_tag')
        op.execute('DROP TRIGGER tag_count_thread_delete ON thread')
        op.execute('DROP TRIGGER tag_count_thread_update ON thread')
        for name in ('tags', 'thread_delete', 'thread_update'):
            op.execute(f'DROP FUNCTION tag_count_{name}()')
    op.drop_table('tag_count')
