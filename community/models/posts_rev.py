"""``thread.posts_rev``: a number the database advances on every write to the thread's posts.

The search page's cache key must change when a result's snippet may: a snippet is
cut from the thread's body or from one of its visible answers, chosen by score. Reading
those answers for the key (180 rows for 20 results, about 0.17 ms a page) cost more
than the rest of the key together; the thread's number stands for them.

Triggers advance it in the writer's own transaction for an added, changed, removed or
moved post (any column: an edit, a vote, a deletion, a moderator's censoring, the
importer's bulk writes), on the old and the new thread of a move. Nothing else writes
it, and the ORM's copy in a session is stale as soon as a post is written: read it
with a query, as the search page's key does.

Migration 0026_posts_rev adds the column and creates the same triggers in an existing
database (a copy: a migration stays what it was when this module moves on).
"""

from __future__ import annotations

from sqlalchemy import DDL, event

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


def install(table) -> None:
    """Create the triggers with ``table`` (``post``, created after ``thread``, which
    they write) in ``create_all``."""
    for dialect, statements in (("sqlite", SQLITE), ("postgresql", POSTGRESQL)):
        for statement in statements:
            event.listen(table, "after_create", DDL(statement).execute_if(dialect=dialect))
