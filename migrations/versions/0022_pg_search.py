"""PostgreSQL full-text search: the unaccent and pg_trgm extensions and the English
and French text search configurations the PostgreSQL search backend uses

Nothing on SQLite (the backend needs PostgreSQL). The backend's tables are its index,
derived from the data like the Whoosh directory: it creates and rebuilds them itself
(community/search/pg_schema.py). CREATE EXTENSION needs a role allowed to create
them (a superuser, or the database owner on PostgreSQL 13+ for these trusted ones).

Revision ID: 0022_pg_search
Revises: 0021_site_settings
Create Date: 2026-12-07 12:00:00
"""
from alembic import op


revision = '0022_pg_search'
down_revision = '0021_site_settings'
branch_labels = None
depends_on = None

# A copy, not an import: a migration stays what it was when the code moves on.
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
CONFIGS = (("continuum_en", "english"), ("continuum_fr", "french"))


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, base in CONFIGS:
        op.execute(_CONFIG.format(name=name, base=base))


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    # The backend's tables go too (they use the configurations); the extensions stay,
    # other schemas may use them.
    op.execute("DROP TABLE IF EXISTS search_document, search_word, search_document_build, "
               "search_word_build")
    for name, _base in CONFIGS:
        op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")
