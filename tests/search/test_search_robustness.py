"""Crash recovery, a lost or broken index, the reindex command and the 2-second promise."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from searchtools import ids, wait_for
from sqlalchemy import func, select

from community.models import SearchOutbox
from community.search.outbox import run_indexer


def _outbox(db) -> int:
    db.session.rollback()
    count = db.session.scalar(select(func.count(SearchOutbox.id)))
    db.session.rollback()  # hold no database lock while another process works
    return count


def test_an_indexer_killed_mid_batch_loses_nothing(app, db, make_thread, drain, search):
    make_thread(title="The first thread, indexed before the crash")
    drain()
    made = [make_thread(title=f"Crash test thread about siphon brewing {n}") for n in range(6)]
    assert _outbox(db) == 6
    script = textwrap.dedent(f"""
        import os, signal
        from whoosh.writing import SegmentWriter
        from community import create_app
        from community.search.outbox import drain_outbox

        app = create_app({{"INSTANCE_PATH": {app.instance_path!r}, "SECRET_KEY": "x",
                           "SQLALCHEMY_DATABASE_URI": {app.config["SQLALCHEMY_DATABASE_URI"]!r},
                           "SEARCH_INDEX_DIR": {app.config["SEARCH_INDEX_DIR"]!r}}})
        original = SegmentWriter.update_document
        count = [0]

        def dying(self, **fields):
            count[0] += 1
            if count[0] == 4:  # kill -9 in the middle of the batch, before the commit
                os.kill(os.getpid(), signal.SIGKILL)
            return original(self, **fields)

        SegmentWriter.update_document = dying
        drain_outbox(app)
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parents[2],
                          capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()[-2000:]
    assert _outbox(db) == 6  # nothing was acknowledged
    assert ids(search("siphon")) == []
    drain()  # the next indexer replays the outbox (the dead writer's locks are gone)
    assert sorted(ids(search("siphon"))) == sorted(t.id for t in made)
    assert _outbox(db) == 0


def test_draining_twice_is_idempotent(db, make_thread, drain, search):
    t = make_thread(title="Idempotent indexing of a cortado question")
    drain()
    db.session.add(SearchOutbox(thread_id=t.id, action="index"))
    db.session.add(SearchOutbox(thread_id=t.id, action="index"))
    db.session.commit()
    drain()
    assert ids(search("cortado")) == [t.id]


def _break(path: str, how: str) -> None:
    real = os.path.realpath(path)
    if how == "missing":
        shutil.rmtree(real)
        if os.path.islink(path):
            os.unlink(path)
        return
    for name in os.listdir(real):
        if how == "corrupt-toc" and name.endswith(".toc") or how == "corrupt-segments" and name.endswith(".seg"):
            with open(os.path.join(real, name), "r+b") as fh:
                fh.truncate(max(0, os.path.getsize(fh.name) // 3))


@pytest.mark.parametrize("how", ["missing", "corrupt-toc", "corrupt-segments"])
def test_a_lost_or_broken_index_degrades_search_alone(how, app, db, make_thread, drain, client,
                                                      search):
    t = make_thread(title="Index loss drill: cappuccino foam")
    drain()
    assert ids(search("cappuccino")) == [t.id]
    # a fresh process: the searcher pool must open the damaged files
    app.extensions["search"]._reset()
    _break(app.config["SEARCH_INDEX_DIR"], how)

    resp = search("cappuccino")
    assert resp.status_code == 503
    assert resp.get_json()["error"]["code"] == "unavailable"
    assert client.get("/api/v1/search/similar", query_string={"title": "cappuccino"}).status_code == 503
    page = client.get("/search?q=cappuccino")
    assert page.status_code == 503 and b"Traceback" not in page.data
    assert client.get("/healthz").get_json()["search"] == "degraded"
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 200
    assert client.get(f"/threads/{t.id}").status_code == 200
    assert client.get("/api/v1/threads").status_code == 200
    # a rebuild was queued; the indexer performs it
    assert db.session.scalar(select(func.count()).where(SearchOutbox.action == "rebuild")) == 1
    drain()
    assert ids(search("cappuccino")) == [t.id]
    assert client.get("/healthz").get_json()["search"] == "ok"


def test_a_fresh_install_builds_its_index_on_the_first_drain(app, client, drain):
    assert client.get("/healthz").get_json()["search"] == "degraded"
    drain()
    assert client.get("/healthz").get_json()["search"] == "ok"


def test_reindex_rebuilds_into_a_new_directory_and_swaps(app, db, make_thread, drain, search):
    made = [make_thread(title=f"Reindex drill about flat whites {n}") for n in range(3)]
    drain()
    path = app.config["SEARCH_INDEX_DIR"]
    before = os.path.realpath(path)
    # the index lost a document (say, a bug); the database still has it
    app.extensions["search"].remove([made[0].id])
    assert len(ids(search("flat whites"))) == 2
    result = app.test_cli_runner().invoke(args=["community", "reindex", "--procs", "2"])
    assert result.exit_code == 0, result.output
    assert "3 threads" in result.output
    assert os.path.islink(path) and os.path.realpath(path) != before
    assert not os.path.exists(before)  # the old generation is removed
    assert sorted(ids(search("flat whites"))) == sorted(t.id for t in made)


def test_reindex_replaces_a_plain_directory_index(app, db, make_thread, search):
    from whoosh import index as whoosh_index

    from community.search.documents import make_schema

    t = make_thread(title="Reindex over a legacy plain directory")
    os.makedirs(app.config["SEARCH_INDEX_DIR"])
    whoosh_index.create_in(app.config["SEARCH_INDEX_DIR"], make_schema())
    assert ids(search("legacy")) == []
    result = app.test_cli_runner().invoke(args=["community", "reindex", "--procs", "1"])
    assert result.exit_code == 0, result.output
    assert ids(search("legacy")) == [t.id]


def test_a_new_answer_is_searchable_within_two_seconds(app, db, make_thread, make_post, drain,
                                                       search):
    t = make_thread(title="Latency drill: how long to bloom pour over")
    drain()
    stop = threading.Event()
    worker = threading.Thread(target=run_indexer, args=(app, stop), daemon=True)
    worker.start()
    try:
        make_post(thread=t, body="Bloom for thirtyfivesecondsexactly with twice the dose of water.")
        assert wait_for(lambda: ids(search("thirtyfivesecondsexactly")), timeout=2.0), \
            "not searchable within 2 s"
    finally:
        stop.set()
        worker.join(5)


def test_the_results_page_renders_marks_filters_and_errors(app, db, make_thread, drain, client):
    make_thread(title="Results page: ristretto versus lungo",
                body="A ristretto uses less water <em>than</em> a lungo.")
    drain()
    page = client.get("/search?q=ristretto")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<mark>ristretto</mark>" in html.lower() or "<mark>Ristretto</mark>" in html
    assert "1 result" in html
    assert client.get("/search").status_code == 200  # the empty form
    assert client.get("/search?q=" + "x" * 300).status_code == 400
    assert client.get("/search?q=").status_code == 400
    assert client.get("/search?q=nothingmatcheszz").status_code == 200
    suggestion = client.get("/search?q=ristreto").get_data(as_text=True)
    assert "ristretto" in suggestion
