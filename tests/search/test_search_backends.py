"""Choosing the search backend, and what only the PostgreSQL backend has: its own
tables rebuilt by `community reindex`, and ts_headline snippets escaped as Whoosh's."""

from __future__ import annotations

import pytest
from searchbackends import ON_POSTGRES
from searchtools import ids
from sqlalchemy import text

from community import create_app

# CI runs the whole suite on PostgreSQL as well: these run there (see searchbackends).
on_postgres = pytest.mark.skipif(not ON_POSTGRES, reason="the PostgreSQL backend needs PostgreSQL")
postgres_backend = pytest.mark.parametrize("app", [{"SEARCH_BACKEND": "postgres"}], indirect=True,
                                           ids=["postgres"])


def _config(tmp_path, **extra) -> dict:
    return {"TESTING": True, "INSTANCE_PATH": str(tmp_path / "inst"), "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'c.db'}", **extra}


def test_the_postgres_backend_on_sqlite_stops_the_start_with_a_clear_error(tmp_path):
    with pytest.raises(RuntimeError, match='SEARCH_BACKEND = "postgres" needs a PostgreSQL '
                                           "database, and SQLALCHEMY_DATABASE_URI is sqlite"):
        create_app(_config(tmp_path, SEARCH_BACKEND="postgres"))
    with pytest.raises(RuntimeError, match="SEARCH_BACKEND must be one of whoosh, postgres"):
        create_app(_config(tmp_path, SEARCH_BACKEND="solr"))
    app = create_app(_config(tmp_path))
    assert type(app.extensions["search"]).__name__ == "WhooshBackend"  # the default


@on_postgres
@postgres_backend
def test_reindex_rebuilds_the_tables_and_swaps_them_in(app, db, make_thread, drain, search):
    kept = make_thread(title="Siphon brewer cloth filter care")
    drain()  # the first drain builds the index: no tables yet
    db.session.execute(text("DELETE FROM search_document"))  # an index that lost a row
    db.session.commit()
    assert ids(search("siphon")) == []
    result = app.test_cli_runner().invoke(args=["community", "reindex", "--procs", "1"])
    assert result.exit_code == 0, result.output
    assert "search index rebuilt: 1 threads, swapped in at the search_document table" in result.output
    assert ids(search("siphon")) == [kept.id]
    tables = set(db.session.scalars(text(
        "SELECT tablename FROM pg_tables WHERE tablename LIKE 'search_%'")))
    assert {"search_document", "search_word"} <= tables
    assert not {t for t in tables if t.endswith("_build")}  # nothing half-built left
    assert set(db.session.scalars(text(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'search_document'"))) == {
        "search_document_pkey", "search_document_tsv", "search_document_title_trgm",
        "search_document_tags"}


@on_postgres
@postgres_backend
def test_headline_markup_in_the_text_is_shown_escaped(make_thread, drain, search):
    make_thread(title="Marked words in a question about dosing",
                body="I typed <mark>dosing</mark> and \ue000 dosing \ue001 and <i>dosing</i>.")
    drain()
    snippet = search("dosing").get_json()["items"][0]["snippet"]
    assert "&lt;mark&gt;<mark>dosing</mark>&lt;/mark&gt;" in snippet
    assert "&lt;i&gt;<mark>dosing</mark>" in snippet  # a passage ends on a word
    assert snippet.count("<mark>") == snippet.count("</mark>") == 3
    assert "\ue000" not in snippet and "\ue001" not in snippet


@on_postgres
@postgres_backend
def test_similar_titles_find_a_misspelt_title_by_trigrams(make_thread, drain, member_client):
    t = make_thread(title="Aeropress inverted method leaks")
    drain()
    items = member_client.get("/api/v1/search/similar",
                              query_string={"title": "aeropres invertd methd"}).get_json()["items"]
    assert [i["thread_id"] for i in items] == [t.id]
