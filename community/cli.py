"""`flask --app wsgi community …` commands."""

from __future__ import annotations

import os
import sys

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from .extensions import db

community = AppGroup("community", help="Continuum operations.")


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
    from .errors import ValidationFailed
    from .services.accounts import register_user

    try:
        user = register_user(db.session, username=username, email=email, password=password,
                             role=role, display_name=display_name)
    except ValidationFailed as exc:
        db.session.rollback()
        for field, messages in exc.fields.items():
            click.echo(f"{field}: {'; '.join(messages)}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"created {user.role} {user.username} (id {user.id})")


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


@community.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--debug/--no-debug", default=False)
@with_appcontext
def serve(host, port, debug):
    """The web app, the Socket.IO server and the background worker in one process."""
    from .extensions import socketio

    app = current_app._get_current_object()
    click.echo(f"Continuum is running on http://{host}:{port}/  (Ctrl+C to stop)")
    # Flask-SocketIO refuses to start from inside `flask` unless this is cleared
    # (SECURITY.md: the command would otherwise return silently).
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    socketio.run(app, host=host, port=port, debug=debug, use_reloader=False,
                 allow_unsafe_werkzeug=True, log_output=debug)


def init_app(app) -> None:
    app.cli.add_command(community)
