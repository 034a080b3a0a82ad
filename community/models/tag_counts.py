"""Each tag's thread counts per space, kept by the database itself.

A tag's page shows how many of its threads the reader may list: counting them per
request grows with the tag (about 1 ms per 1,000 threads on SQLite, each a lookup in
``thread``). ``tag_count`` holds, per (tag, space), the threads not deleted and the
deleted ones; a reader's count is a sum over the spaces they may read, a few rows.
Triggers keep it on every write to ``thread_tag`` and to a thread's space or deletion,
whichever way it comes (services, merges, the importer's bulk inserts, a thread or
space deleted), in the writer's own transaction: a count is never out of step with
the rows a reader's snapshot holds.

A thread deleted for good takes its tags with it first (a trigger before the delete),
so each tag row is counted out once, while its thread still says where it was.

Migration 0024_tag_page creates the same table and triggers in an existing database
(a copy: a migration stays what it was when this module moves on).
"""

from __future__ import annotations

from sqlalchemy import DDL, Column, ForeignKey, Integer, Table, event

from ..extensions import db
from .thread import thread_tag

tag_count = Table(
    "tag_count",
    db.metadata,
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
    Column("space_id", ForeignKey("space.id", ondelete="CASCADE"), primary_key=True),
    Column("thread_count", Integer, nullable=False, server_default="0"),
    Column("deleted_thread_count", Integer, nullable=False, server_default="0"),
)

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

# The triggers are created with the table in ``create_all``, after ``thread_tag`` (and
# so ``thread``), which they sit on.
tag_count.add_is_dependent_on(thread_tag)
for _dialect, _statements in (("sqlite", SQLITE), ("postgresql", POSTGRESQL)):
    for _statement in _statements:
        event.listen(tag_count, "after_create", DDL(_statement).execute_if(dialect=_dialect))
