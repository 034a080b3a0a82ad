"""Each space's thread counts, kept by the database itself.

``space.thread_count`` (threads not deleted) and ``space.deleted_thread_count`` are
what the home page and a space's list show, and counting them per request grows with
the community (about 1 ms per 10,000 threads). Triggers keep them on every write to
``thread`` whichever way it comes (services, moderation, the importer's bulk inserts,
a space deleted with its threads), in the writer's own transaction: a count is never
out of step with the rows a reader's snapshot holds. ``flask community recompute``
checks them (community/gamification/recompute.py).

Migration 0023_space_thread_counts creates the same triggers in an existing database
(a copy: a migration stays what it was when this module moves on).
"""

from __future__ import annotations

from sqlalchemy import DDL, event

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


def install(table) -> None:
    """Create the triggers with ``table`` (the thread table) in ``create_all``."""
    for dialect, statements in (("sqlite", SQLITE), ("postgresql", POSTGRESQL)):
        for statement in statements:
            event.listen(table, "after_create", DDL(statement).execute_if(dialect=dialect))
