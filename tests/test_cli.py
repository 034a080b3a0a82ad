"""Every `flask community …` command answers bad input with one line and exit code 1.

Mostly through the app's CLI runner (the real click commands); the crash that
started this (create-user outside a request) and a busy port through a real
`flask --app wsgi community …` process.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from community import create_app
from community.extensions import db as _db
from community.models import User

ROOT = Path(__file__).resolve().parents[1]
FLASK = str(Path(sys.executable).with_name("flask"))


def one_line_error(result) -> str:
    """The command failed with exit code 1 and exactly one line on stderr."""
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def run_flask(app, *args, timeout=120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT),
           "COMMUNITY_INSTANCE_PATH": app.instance_path,
           "COMMUNITY_SECRET_KEY": "test-secret",
           "COMMUNITY_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
           "COMMUNITY_SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"]}
    return subprocess.run([FLASK, "--app", "wsgi", "community", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def users(db) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(User.id)))


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["community", *args])


def test_create_user_with_a_taken_username_says_so_in_one_line(app, db, make_user):
    """A real `flask` process: no request context there, the message is English."""
    make_user(username="taken", email="taken@example.test")
    proc = run_flask(app, "create-user", "taken", "--email", "other@example.test",
                     "--password", "a-long-enough-password")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == ["Error: username: This username is taken."]
    assert users(db) == 1


@pytest.mark.parametrize("args,says", [
    (["newbie", "--email", "n@example.test", "--password", "short"], "password: "),
    (["newbie", "--email", "not-an-email", "--password", "a-long-enough-password"], "email: "),
    (["newbie", "--email", "taken@example.test", "--password", "a-long-enough-password"],
     "email: An account already uses this email."),
    (["no spaces allowed", "--email", "n@example.test", "--password", "a-long-enough-password"],
     "username: "),
    (["newbie", "--email", "n@example.test", "--password", "a-long-enough-password",
      "--role", "boss"], "'--role'"),
    (["newbie", "--email", "n@example.test"], "'--password'"),
])
def test_create_user_refuses_bad_input_in_one_line(cli, db, make_user, args, says):
    make_user(username="taken", email="taken@example.test")
    assert says in one_line_error(cli("create-user", *args))
    assert users(db) == 1


def test_create_user_still_creates(cli, db):
    result = cli("create-user", "newbie", "--email", "n@example.test",
                 "--password", "a-long-enough-password", "--role", "moderator")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.role).where(User.username == "newbie")) == "moderator"


@pytest.mark.parametrize("command", ["sweep", "digest"])
@pytest.mark.parametrize("value", ["next tuesday", "2026-13-01"])
def test_a_bad_iso_date_is_one_line(cli, command, value):
    assert "not an ISO timestamp" in one_line_error(cli(command, "--now", value))


@pytest.mark.parametrize("command", ["sweep", "digest"])
def test_an_iso_date_with_or_without_a_zone_is_accepted(cli, command):
    for value in ("2026-11-24", "2026-11-24T08:30:00", "2026-11-24T08:30:00+01:00"):
        result = cli(command, "--now", value)
        assert result.exit_code == 0, result.output


def test_import_of_a_missing_folder_or_a_file_is_one_line(cli, tmp_path):
    assert "no such folder" in one_line_error(
        cli("import-stackexchange", str(tmp_path / "nowhere"), "--space", "coffee"))
    a_file = tmp_path / "Posts.xml"
    a_file.write_text("<posts></posts>")
    assert "not a folder" in one_line_error(
        cli("import-stackexchange", str(a_file), "--space", "coffee"))
    assert "'--space'" in one_line_error(cli("import-stackexchange", str(tmp_path)))


def test_import_into_a_space_slug_that_cannot_exist_is_one_line(cli, tmp_path):
    (tmp_path / "Posts.xml").write_text("<posts></posts>")
    assert "slug: " in one_line_error(
        cli("import-stackexchange", str(tmp_path), "--space", "Not A Slug!"))


@pytest.mark.parametrize("args,says", [
    (["reindex", "--procs", "0"], "'--procs'"),
    (["serve", "--port", "70000"], "'--port'"),
    (["serve", "--port", "http"], "'--port'"),
    (["worker", "--threads", "4"], "--threads"),
    (["recompute", "--dry-run"], "--dry-run"),
    (["seed-demo", "--force"], "--force"),
    (["sweep", "--now"], "--now"),
    (["no-such-command"], "no-such-command"),
])
def test_unknown_or_out_of_range_options_are_one_line(cli, args, says):
    assert says in one_line_error(cli(*args))


@pytest.fixture
def unmigrated(tmp_path):
    """An app whose database has no tables yet (`db upgrade` was never run)."""
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "bare"),
                      "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'bare.db'}",
                      "SEARCH_INDEX_DIR": str(tmp_path / "bare-index")})
    yield app.test_cli_runner()
    with app.app_context():
        _db.engine.dispose()


@pytest.mark.parametrize("args", [["seed-demo"], ["recompute"], ["reindex"], ["sweep"],
                                  ["digest"], ["create-user", "x12", "--email", "x@example.test",
                                               "--password", "a-long-enough-password"]])
def test_a_database_without_tables_is_one_line_naming_the_fix(unmigrated, args):
    line = one_line_error(unmigrated.invoke(args=["community", *args]))
    assert "no such table" in line and "db upgrade" in line


def test_serve_on_a_busy_port_is_one_line(app):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = run_flask(app, "serve", "--port", str(port))
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use"]
    assert "running" not in proc.stdout


def test_the_embedded_server_caps_glibcs_malloc_arenas(monkeypatch):
    # A thread per socket grows a process without end otherwise (benchmarks/RESULTS.md).
    import platform

    from community.cli import _fewer_malloc_arenas

    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert _fewer_malloc_arenas() is (platform.libc_ver()[0] == "glibc")
    monkeypatch.setenv("MALLOC_ARENA_MAX", "8")  # the operator's own choice stands
    assert _fewer_malloc_arenas() is False
