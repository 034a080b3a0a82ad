"""A `community reindex` killed with SIGKILL leaves its half-built folder; the next
reindex, `worker` or `serve` start removes it, and search keeps working."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from searchtools import ids, wait_for

from community.search import generations

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).with_name("flask"))


def env_for(app) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT),
            "COMMUNITY_INSTANCE_PATH": app.instance_path,
            "COMMUNITY_SECRET_KEY": "test-secret",
            "COMMUNITY_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "COMMUNITY_SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"]}


def generations_beside(path: str) -> list[str]:
    """Index folders beside the live one (the live one excluded)."""
    parent, name = os.path.split(path)
    live = os.path.realpath(path)
    return sorted(os.path.join(parent, e) for e in os.listdir(parent)
                  if e.startswith(name + ".") and os.path.isdir(os.path.join(parent, e))
                  and not os.path.islink(os.path.join(parent, e))
                  and os.path.join(parent, e) != live)


def kill_a_reindex_mid_build(app) -> None:
    """The real `flask --app wsgi community reindex` in its own process, killed with
    SIGKILL by its own writer after a few documents (before any commit)."""
    script = textwrap.dedent("""
        import os, signal, sys
        from whoosh.writing import SegmentWriter
        from flask.cli import main

        original, count = SegmentWriter.add_document, [0]

        def dying(self, **fields):
            count[0] += 1
            if count[0] == 4:
                os.kill(os.getpid(), signal.SIGKILL)
            return original(self, **fields)

        SegmentWriter.add_document = dying
        sys.argv = ["flask", "--app", "wsgi", "community", "reindex", "--procs", "1"]
        main()
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env_for(app),
                          capture_output=True, timeout=180)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]


@pytest.fixture
def indexed(app, db, make_thread, drain, search):
    made = [make_thread(title=f"Leftover drill about cold brew ratios {n}") for n in range(8)]
    drain()
    db.session.commit()
    assert sorted(ids(search("cold brew"))) == sorted(t.id for t in made)
    return made


def test_the_next_reindex_removes_a_killed_reindex_folder(app, indexed, search):
    path = app.config["SEARCH_INDEX_DIR"]
    kill_a_reindex_mid_build(app)
    left = generations_beside(path)
    assert len(left) == 1  # the half-built generation is there
    assert sorted(ids(search("cold brew"))) == sorted(t.id for t in indexed)  # old one serves
    result = app.test_cli_runner().invoke(args=["community", "reindex", "--procs", "1"])
    assert result.exit_code == 0, result.output
    assert generations_beside(path) == []
    assert sorted(ids(search("cold brew"))) == sorted(t.id for t in indexed)


def test_a_worker_start_removes_a_killed_reindex_folder(app, indexed, search):
    path = app.config["SEARCH_INDEX_DIR"]
    kill_a_reindex_mid_build(app)
    assert len(generations_beside(path)) == 1
    worker = subprocess.Popen([FLASK, "--app", "wsgi", "community", "worker"], cwd=ROOT,
                              env=env_for(app), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        # a loaded 2-core machine takes a while to import the worker
        wait_for(lambda: not generations_beside(path) or worker.poll() is not None, timeout=90)
        assert worker.poll() is None, worker.stdout.read().decode()[-2000:]
        assert generations_beside(path) == []
    finally:
        worker.terminate()
        worker.wait(30)
        worker.stdout.close()
    assert sorted(ids(search("cold brew"))) == sorted(t.id for t in indexed)


def test_without_the_writer_lock_only_folders_of_dead_builders_go(app, indexed):
    path = app.config["SEARCH_INDEX_DIR"]
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead, alive = (f"{path}.gen-{pid}-20260101T000000-0123abcd"
                   for pid in (int(gone.stdout), os.getpid()))
    for folder in (dead, alive):
        os.makedirs(folder)
    assert generations.remove_leftovers(path, writer=False) == [dead]
    assert generations_beside(path) == [alive]  # a rebuild that may still be running
    assert generations.remove_leftovers(path, writer=True) == [alive]  # none can be
    assert os.path.isdir(os.path.realpath(path))
