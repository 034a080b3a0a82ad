"""`flask --app wsgi community …` commands.

Every command answers bad input with one line on stderr and exit code 1 (never a
traceback): `_Commands.invoke` turns click's usage errors, `click.ClickException`
and domain errors into that line, and runs the command in the default locale
(outside a request there is no reader to choose a language for).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import sys
import threading
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup, ScriptInfo, with_appcontext
from flask_babel import force_locale
from sqlalchemy.exc import OperationalError

from .errors import DomainError
from .extensions import db


def _one_line(exc: Exception) -> str:
    if isinstance(exc, click.ClickException):
        return exc.format_message()
    if isinstance(exc, OperationalError):
        hint = " (run `flask --app wsgi db upgrade` first)" if "no such table" in str(exc.orig) else ""
        return f"database: {exc.orig}{hint}"
    if exc.fields:
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.fields.items())
    return exc.message


class _Commands(AppGroup):
    def invoke(self, ctx):
        with contextlib.ExitStack() as stack:
            if not current_app:
                stack.enter_context(ctx.ensure_object(ScriptInfo).load_app().app_context())
            stack.enter_context(force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]))
            try:
                return super().invoke(ctx)
            except (click.ClickException, DomainError, OperationalError) as exc:
                with contextlib.suppress(Exception):
                    db.session.rollback()
                click.echo(f"Error: {_one_line(exc)}", err=True)
                ctx.exit(1)


class IsoTimestamp(click.ParamType):
    """An ISO 8601 date or timestamp; naive ones are UTC."""

    name = "ISO-TIMESTAMP"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime):
            return value
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            self.fail(f"not an ISO timestamp: {value!r} (for example 2026-03-01T09:00)", param, ctx)
        return when if when.tzinfo else when.replace(tzinfo=UTC)


community = _Commands("community", help="Continuum operations.")


@community.command("create-user")
@click.argument("username")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", type=click.Choice(["member", "employee", "moderator", "admin"]),
              default="member", show_default=True)
@click.option("--display-name", default=None)
@with_appcontext
def create_user(username, email, password, role, display_name):
    """Create an account with the given role."""
    from .schemas import load
    from .schemas.core import RegisterIn
    from .services.accounts import register_user

    # The registration form's own checks (email shape, lengths), then the service's.
    data = load(RegisterIn(), {"username": username, "email": email, "password": password,
                               "display_name": display_name})
    user = register_user(db.session, role=role, **data)
    db.session.commit()
    click.echo(f"created {user.role} {user.username} (id {user.id})")


@community.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(["member", "employee", "moderator", "admin"]))
@with_appcontext
def set_role(username, role):
    """Change an account's role (audited; the last admin cannot be demoted)."""
    from .people.admin import set_role as change
    from .queries import get_user

    user = get_user(db.session, username[:30])
    if user is None:
        raise click.ClickException(f"no account named {username!r}")
    before = user.role
    changed = change(db.session, user, role, by=None, reason="flask community set-role")
    db.session.commit()
    click.echo(f"{user.username}: {before} -> {role}" if changed
               else f"{user.username} is already {role}")


@community.command("seed-demo")
@click.option("--first-start", is_flag=True,
              help="Seed only when the database has no account yet (what `make run` does).")
@with_appcontext
def seed_demo(first_start):
    """Create the demo community (idempotent) and print the demo accounts."""
    from sqlalchemy import select

    from .demo import ACCOUNTS, seed
    from .models import User

    if first_start and db.session.scalar(select(User.id).limit(1)) is not None:
        accounts = [(u, r, p) for u, r, _d, p in ACCOUNTS]
    else:
        accounts = seed(db.session, echo=click.echo)
        db.session.commit()
    click.echo("Demo accounts (username / password):")
    for username, role, password in accounts:
        click.echo(f"  {username:<10} {role:<9} {password}")


@community.command("import-stackexchange")
@click.argument("folder", type=click.Path(path_type=str))
@click.option("--space", "space_slug", required=True, help="Space slug (created if missing).")
@click.option("--space-name", default=None, help="Name of the space when it is created.")
@click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--workers", default=None, type=click.IntRange(0, 64),
              help="Processes converting bodies (default: automatic by dump size).")
@with_appcontext
def import_stackexchange(folder, space_slug, space_name, batch_size, workers):
    """Import a Stack Exchange data-dump FOLDER (Posts.xml, Users.xml, …) into a space."""
    from .importer import DumpError, after_import, import_dump

    # Said here in one line (the importer's own DumpError adds how to resume).
    if not os.path.exists(folder):
        raise click.ClickException(f"no such folder: {folder}")
    if not os.path.isdir(folder):
        raise click.ClickException(f"not a folder: {folder}")
    try:
        summary = import_dump(db.session, folder, space_slug=space_slug, space_name=space_name,
                              batch_size=batch_size, workers=workers)
    except DumpError as exc:
        db.session.rollback()
        # One line: batches before the failure are kept, so a re-run continues from there.
        click.echo(f"import failed: {exc} (fix the file and run the command again to continue)",
                   err=True)
        sys.exit(1)
    after_import(current_app._get_current_object())
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    for line in summary.lines():
        click.echo(line)


@community.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--debug/--no-debug", default=False)
@click.option("--production", is_flag=True,
              help="Serve with gunicorn's gevent workers (community/production.py) and no "
                   "background work: run `community worker` beside it.")
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="With --production: worker processes (default: one per core when "
                   "SOCKETIO_TRANSPORTS is websocket only, else 1).")
@with_appcontext
def serve(host, port, debug, production, workers):
    """The web app, the Socket.IO server and the background worker in one process
    (--production: gunicorn's web processes only)."""
    from .extensions import socketio

    app = current_app._get_current_object()
    _check_can_listen(host, port)
    if production:
        _exec_gunicorn(app, host, port, workers)
    elif workers is not None:
        raise click.ClickException("--workers needs --production")
    click.echo(f"Continuum is running on http://{host}:{port}/  (Ctrl+C to stop)")
    # Flask-SocketIO refuses to start from inside `flask` unless this is cleared
    # (SECURITY.md: the command would otherwise return silently).
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    from . import background

    _fewer_malloc_arenas()
    app.extensions["search"].on_process_start()
    background.start(app)
    socketio.run(app, host=host, port=port, debug=debug, use_reloader=False,
                 allow_unsafe_werkzeug=True, log_output=debug)


_M_ARENA_MAX = -8  # glibc's <malloc.h>


def _fewer_malloc_arenas(arenas: int = 2) -> bool:
    """Cap glibc's malloc arenas (by default up to 8 per core, handed to threads as they
    allocate). The embedded server runs a few threads per open socket; memory one thread
    frees in its arena is not reused by another's, and in the load run with 1,000
    sockets the process grew without end (324 to 1,033 MiB in 10 minutes). With two it
    levels off (benchmarks/RESULTS.md). Not glibc, or MALLOC_ARENA_MAX set in the
    environment (glibc reads it at start): nothing to do."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    try:
        return ctypes.CDLL(None).mallopt(_M_ARENA_MAX, arenas) == 1
    except (AttributeError, OSError):
        return False


def _exec_gunicorn(app, host: str, port: int, workers: int | None) -> None:
    """Replace this process with gunicorn (its signals then reach gunicorn's master)."""
    import importlib.util

    for module in ("gunicorn", "gevent"):
        if importlib.util.find_spec(module) is None:
            raise click.ClickException(
                f"{module} is not installed: pip install 'continuum[production]'")
    polling = "polling" in app.config["SOCKETIO_TRANSPORTS"]
    if workers is None:
        workers = 1 if polling else (os.cpu_count() or 1)
    elif workers > 1 and polling:
        # gunicorn hands connections to its workers in no fixed order; a long-polling
        # client's requests must all reach the process that holds its Socket.IO session.
        raise click.ClickException(
            'several workers need SOCKETIO_TRANSPORTS = ["websocket"] (long-polling needs '
            "sticky sessions, which gunicorn cannot give); or run one worker per gunicorn "
            "behind a load balancer with sticky sessions")
    argv = [sys.executable, "-m", "gunicorn", "--config", "python:community.production",
            "--bind", f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "--workers", str(workers), "community:create_app()"]
    click.echo(f"Continuum (gunicorn, {workers} gevent worker{'s' * (workers > 1)}) on "
               f"http://{host}:{port}/")
    sys.stdout.flush()
    sys.stderr.flush()
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    os.execv(sys.executable, argv)


def _check_can_listen(host: str, port: int) -> None:
    """An address in use or an unknown host, said before any background work starts
    (the server's own message comes after it, and the exit waits for it)."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
            probe.bind(address)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc


@community.command("recompute")
@click.option("--check", is_flag=True, help="Only report drift; exit 1 when there is any.")
@with_appcontext
def recompute(check):
    """Rebuild reputation, leaderboards, badges, counters and the analytics facts and
    rollups; report (and repair) drift."""
    from .analytics.recompute import recompute as run_analytics
    from .gamification.recompute import recompute as run

    report = run(db.session, check=check)
    run_analytics(db.session, report, check=check)
    for line in report.lines:
        click.echo(line)
    for kind, count in sorted(report.drift.items()):
        click.echo(f"drift: {count} {kind}")
    if check:
        db.session.rollback()
        if report.total:
            click.echo(f"{report.total} differences found (nothing changed).", err=True)
            sys.exit(1)
        click.echo("no drift")
        return
    db.session.commit()
    click.echo(f"repaired {report.total} differences" if report.total else "no drift")


@community.command("simulate")
@click.option("--days", default=7, show_default=True, type=click.IntRange(1, 28),
              help="Days of questions; pending work then finishes (up to 3 more days).")
@click.option("--seed", default=1, show_default=True, type=click.IntRange(0, 1_000_000))
@click.option("--start", default=None, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="First day (default: the Monday on or before DAYS days ago).")
@with_appcontext
def simulate(days, seed, start):
    """Play a simulated community (its own space and accounts) through the real services,
    then print its figures."""
    from .analytics import figures
    from .analytics.simulate import Params, run

    try:
        played = run(db.session, Params(days=days, seed=seed), start.date() if start else None)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    period = figures.parse_period(db.session, {"from": played["start"].isoformat(),
                                               "to": played["end"].isoformat(),
                                               "space": played["space"]})
    s = figures.summary(db.session, period)
    # Searches and ask forms belong to no space: read them over the whole site.
    s["deflection"] = figures.deflection(db.session, figures.Period(period.start, period.end))
    db.session.rollback()
    without_staff = s["resolved_by"]["peer"] + s["resolved_by"]["ambassador"]
    lines = [
        f"space {played['space']}: {played['start']} to {played['end']}",
        f"questions {s['questions']} (and {played['deflected']} visitors served by a suggestion)",
        f"answered {s['answered_share']:.0%}, solved {s['solved_share']:.0%}, "
        f"solved without staff {without_staff / (s['questions'] or 1):.0%}",
        f"first response p50 {s['first_response']['p50_minutes']} min, "
        f"p90 {s['first_response']['p90_minutes']} min; "
        f"resolution p50 {s['resolution']['p50_minutes']} min",
        "resolved by " + ", ".join(f"{k} {v}" for k, v in s["resolved_by"].items()),
        f"cases {s['sla']['cases']}: SLA met {s['sla']['met']}, breached {s['sla']['breached']}, "
        f"first staff response p50 {s['sla']['response_business_p50_minutes']} business min",
        f"searches {s['deflection']['searches']} "
        f"({s['deflection']['searches_without_result']} without result), "
        f"self-service {s['deflection']['self_service_share']:.0%}",
        f"readers {s['participation']['readers']}, contributors "
        f"{s['participation']['contributors']}, heavy {s['participation']['heavy']}; "
        f"ambassadors {s['ambassadors']['confirmed']}",
        f"unanswered {s['unanswered']}",
    ]
    for line in lines:
        click.echo(line)


@community.command("worker")
@with_appcontext
def worker():
    """The background work alone (search indexer, emails and digests, escalation sweep,
    ambassador reviews), until Ctrl+C."""
    from . import background
    from .search.outbox import run_indexer

    app = current_app._get_current_object()
    click.echo("Continuum worker running: search indexer, mailer, sweeps (Ctrl+C to stop)")
    app.extensions["search"].on_process_start()
    background.start(app, with_indexer=False)
    # SIGTERM (a service manager, a deploy) and Ctrl+C end the indexer's loop after the
    # batch in hand is committed; see background.stop for the other loops.
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda _sig, _frame: stop.set())
    run_indexer(app, stop)
    stopped = background.stop(timeout=float(app.config["WORKER_STOP_TIMEOUT"]))
    click.echo("worker stopped" if stopped else "worker stopped (a background pass was cut "
               "short: its transaction is rolled back and runs again at the next start)")


@community.command("mail-in")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=2525, show_default=True, type=click.IntRange(1, 65535))
@with_appcontext
def mail_in(host, port):
    """The SMTP listener for replies by email (reply+…@MAIL_REPLY_DOMAIN), until Ctrl+C."""
    import threading

    from .mailin import smtp

    app = current_app._get_current_object()
    if not app.config["MAIL_REPLY_DOMAIN"]:
        raise click.ClickException("set MAIL_REPLY_DOMAIN (COMMUNITY_MAIL_REPLY_DOMAIN) first: "
                                   "without it no email carries a reply address")
    _check_can_listen(host, port)
    listener = smtp.controller(app, host, port)
    listener.start()
    click.echo(f"Continuum mail-in listening on {host}:{port} for reply+…@"
               f"{app.config['MAIL_REPLY_DOMAIN']} (Ctrl+C to stop)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        click.echo("mail-in stopped")
    finally:
        listener.stop()


@community.command("reindex")
@click.option("--procs", default=None, type=click.IntRange(1, 64),
              help="Indexing processes (default: SEARCH_REINDEX_PROCS, or 2 on a multi-core machine).")
@with_appcontext
def reindex(procs):
    """Rebuild the search index from the database beside the live one, then swap it in
    (a new directory for Whoosh, new tables for PostgreSQL)."""
    from .search.documents import count_threads
    from .search.outbox import rebuild_index

    app = current_app._get_current_object()
    backend = app.extensions["search"]
    procs = procs or max(app.config["SEARCH_REINDEX_PROCS"], min(2, os.cpu_count() or 1))
    total = count_threads(db.session)
    with backend.writer_lock(blocking=True), \
            click.progressbar(length=total, label=f"Indexing {total} threads") as bar:
        done = rebuild_index(app, procs=procs, progress=bar.update)
    click.echo(f"search index rebuilt: {done} threads, swapped in at {backend.path}")


@community.command("digest")
@click.option("--now", type=IsoTimestamp(), default=None,
              help="Evaluate as if at this ISO timestamp (UTC unless it says otherwise).")
@with_appcontext
def digest(now):
    """Send today's notification digests now (one per user per day), and pending emails."""
    from .notifications import delivery

    emails = sum(delivery.run_passes(db.session).values())
    emails += delivery.send_pending(db.session)
    sent = delivery.send_digests(db.session, now=now)
    click.echo(f"{sent} digest(s) and {emails} email(s) sent")


@community.command("sweep")
@click.option("--now", type=IsoTimestamp(), default=None,
              help="Evaluate as if at this ISO timestamp (UTC unless it says otherwise).")
@with_appcontext
def sweep(now):
    """One escalation and SLA sweep (as if at --now), then exit."""
    from .escalation.sweep import sweep as run

    report = run(db.session, now=now)
    db.session.commit()
    click.echo(report.line())


def init_app(app) -> None:
    app.cli.add_command(community)
