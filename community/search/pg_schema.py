"""The PostgreSQL search backend's objects: text search configurations and its tables.

The configurations (English and French, accents folded by ``unaccent`` before the
stemmer, as the Whoosh analysis folds them) are created by migration 0022 and, when
missing (a database made by ``create_all``), by the backend itself.

The tables are the index, not the data: like the Whoosh directory they are derived
from the database and rebuilt from it, so the backend owns them rather than the
models. A rebuild fills ``<table>_build`` tables and swaps them in with renames in
one transaction, as a Whoosh rebuild swaps a symlink.
"""

from __future__ import annotations

from sqlalchemy import text

CONFIGS = {"en": "continuum_en", "fr": "continuum_fr"}
TABLES = ("search_document", "search_word")
BUILD = "_build"

# CREATE TEXT SEARCH CONFIGURATION has no IF NOT EXISTS: a DO block checks first.
_CONFIG = """
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{name}') THEN
    CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{base});
    ALTER TEXT SEARCH CONFIGURATION {name}
      ALTER MAPPING FOR hword, hword_part, word, asciiword, asciihword, hword_asciipart
      WITH unaccent, {base}_stem;
  END IF;
END $$
"""
CONFIG_DDL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    *(_CONFIG.format(name=name, base=base)
      for name, base in (("continuum_en", "english"), ("continuum_fr", "french"))),
]


def table_ddl(suffix: str = "") -> list[str]:
    doc, word = f"search_document{suffix}", f"search_word{suffix}"
    return [
        # thread_id is no foreign key: the index may lag a deleted thread, as Whoosh's does.
        f"""CREATE TABLE IF NOT EXISTS {doc} (
              thread_id integer PRIMARY KEY,
              lang text NOT NULL,
              tsv tsvector NOT NULL,
              title text NOT NULL,
              tags text[] NOT NULL,
              space_id integer NOT NULL,
              kind text NOT NULL,
              status text NOT NULL,
              score integer NOT NULL,
              created_at timestamp NOT NULL,
              boost real NOT NULL)""",
        f"CREATE INDEX IF NOT EXISTS {doc}_tsv ON {doc} USING gin (tsv)",
        f"CREATE INDEX IF NOT EXISTS {doc}_title_trgm ON {doc} USING gin (title gin_trgm_ops)",
        f"CREATE INDEX IF NOT EXISTS {doc}_tags ON {doc} USING gin (tags)",
        # "did you mean" vocabulary: folded whole words of titles, tags and body starts
        f"CREATE TABLE IF NOT EXISTS {word} (word text PRIMARY KEY)",
        f"CREATE INDEX IF NOT EXISTS {word}_trgm ON {word} USING gin (word gin_trgm_ops)",
    ]


INDEXES = {"search_document": ("tsv", "title_trgm", "tags"), "search_word": ("trgm",)}

# The index's version: one row, advanced in the transaction of every write to the
# tables above (an index batch, a rebuild's swap), so a reader who sees a version sees
# at least the index as of it. Never rebuilt nor swapped: it only grows.
VERSION_DDL = ("CREATE TABLE IF NOT EXISTS search_version ("
               "id integer PRIMARY KEY CHECK (id = 1), version bigint NOT NULL)")
BUMP_VERSION = ("INSERT INTO search_version (id, version) VALUES (1, 1) ON CONFLICT (id) "
                "DO UPDATE SET version = search_version.version + 1")


def ensure_configs(conn) -> None:
    for statement in CONFIG_DDL:
        conn.execute(text(statement))


def drop_build_tables(conn) -> None:
    """What a rebuild killed half-way left (the caller holds the writer lock)."""
    conn.execute(text("DROP TABLE IF EXISTS " + ", ".join(t + BUILD for t in TABLES)))


def swap_in_build_tables(conn) -> None:
    """In the caller's transaction: readers see the old tables or the new ones."""
    conn.execute(text("DROP TABLE IF EXISTS " + ", ".join(TABLES)))
    for table in TABLES:
        conn.execute(text(f"ALTER TABLE {table}{BUILD} RENAME TO {table}"))
        # Names stay free for the next rebuild's tables.
        conn.execute(text(f"ALTER TABLE {table} RENAME CONSTRAINT {table}{BUILD}_pkey "
                          f"TO {table}_pkey"))
        for index in INDEXES[table]:
            conn.execute(text(f"ALTER INDEX {table}{BUILD}_{index} RENAME TO {table}_{index}"))
