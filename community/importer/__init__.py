"""Import a Stack Exchange data dump folder into a space.

    summary = import_dump(session, Path("coffee.stackexchange.com"), space_slug="coffee")

Streaming and batched: each batch of rows is one transaction, so a failure leaves no
half-imported batch and a re-run continues where the last one stopped. External ids
("<site>:post:<id>") make every row idempotent. Bulk statements, no domain events:
the services are for interactive use. The caller rebuilds derived state afterwards
(`after_import`: the search index, leaderboard tallies).
"""

from __future__ import annotations

import html
from pathlib import Path

import click
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..models import Post, Space, Thread, Vote
from .context import ImportContext
from .convert import auto_workers
from .extras import (
    import_badges,
    import_comments,
    import_post_links,
    import_tags,
    import_users,
    import_votes,
)
from .posts import import_posts
from .reader import DumpError
from .summary import Progress, Summary

__all__ = ["DumpError", "Summary", "after_import", "attribution_html", "import_dump"]

# Order matters: authors before their posts, tag names before tag wikis, posts before
# the links, votes and comments that point at them.
STEPS = [
    ("Users.xml", import_users), ("Tags.xml", import_tags), ("Posts.xml", import_posts),
    ("PostLinks.xml", import_post_links), ("Votes.xml", import_votes),
    ("Comments.xml", import_comments), ("Badges.xml", import_badges),
]


def attribution_html(site: str) -> str:
    site = html.escape(site)
    return (f'Questions and answers imported from <a href="https://{site}/">{site}</a> '
            f'(<a href="https://stackexchange.com/">Stack Exchange</a>), by their authors, '
            f'licensed under <a href="https://creativecommons.org/licenses/by-sa/3.0/">'
            f'CC BY-SA 3.0</a>.')


def find_files(folder: Path) -> dict[str, Path]:
    if not folder.exists():
        raise DumpError(f"no such folder: {folder}")
    if not folder.is_dir():
        raise DumpError(f"not a folder: {folder}")
    present = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    files = {name: present[name.lower()] for name, _step in STEPS if name.lower() in present}
    if "Posts.xml" not in files:
        raise DumpError(f"{folder} has no Posts.xml: is it a Stack Exchange dump folder?")
    return files


def get_space(session: Session, slug: str, *, name: str | None, site: str,
              visibility: str = "public") -> Space:
    from ..services import spaces as space_service

    space = session.scalar(select(Space).where(Space.slug == slug))
    attribution = attribution_html(site)
    if space is None:
        space = space_service.create_space(
            session, slug=slug, name=name or slug.replace("-", " ").title(),
            visibility=visibility, attribution_html=attribution,
            description=f"Imported from {site}.")
    elif site not in (space.attribution_html or ""):
        space.attribution_html = " ".join(filter(None, [space.attribution_html, attribution]))
    session.commit()
    return space


def import_dump(session: Session, folder: Path | str, *, space_slug: str,
                space_name: str | None = None, echo=click.echo, tty: bool | None = None,
                batch_size: int = 1000, workers: int | None = None) -> Summary:
    """Import the dump in ``folder``; DumpError (file and line) for what cannot go on."""
    folder = Path(folder)
    files = find_files(folder)
    summary = Summary()
    space = get_space(session, space_slug, name=space_name, site=folder.name)
    if workers is None:
        workers = auto_workers(files["Posts.xml"].stat().st_size)
    ctx = ImportContext(session=session, folder=folder, space=space, summary=summary,
                        progress=Progress(echo, tty=tty), batch_size=batch_size, workers=workers)
    for name, step in STEPS:
        if name in files:
            try:
                step(ctx, files[name])
            except OSError as exc:  # unreadable, or gone while importing
                raise DumpError(f"cannot be read ({exc.strerror or exc})", file=name) from None
    _record_score_offsets(session, ctx.site)
    return summary


def _record_score_offsets(session: Session, site: str) -> None:
    """The dump's scores include votes we have no row for (anonymous, or no Votes.xml):
    keep that part as the offset so score == offset + sum(votes) stays checkable."""
    prefix = f"{site}:post:%"
    for model, kind in ((Thread, "thread"), (Post, "post")):
        votes = (select(func.coalesce(func.sum(Vote.value), 0))
                 .where(Vote.target_type == kind, Vote.target_id == model.id)
                 .correlate(model).scalar_subquery())
        session.execute(update(model).where(model.external_id.like(prefix))
                        .values(score_offset=model.score - votes))
    session.commit()


# Features above the importer that derive rows from content (analytics' timelines) add
# their rebuild here: a function of the session that returns a line to print.
REBUILDERS: list = []


def after_import(app, echo=click.echo) -> None:
    """Rebuild what is derived from the imported rows (bulk rows announce nothing):
    leaderboard tallies and badges through `recompute` (scores stay: see
    _record_score_offsets), then the search index."""
    from ..database import refresh_statistics
    from ..extensions import db
    from ..gamification.recompute import recompute

    report = recompute(db.session)
    db.session.commit()
    echo(f"reputation, badges and leaderboards rebuilt ({report.total} rows brought up to date)")
    for rebuild in REBUILDERS:
        line = rebuild(db.session)
        db.session.commit()
        echo(line)
    refresh_statistics(db.engine)  # a bulk load changes what the query planner should do
    from ..search.outbox import _backend, rebuild_index, request_rebuild

    with _backend(app).writer_lock(blocking=False) as is_writer:
        if is_writer:
            count = rebuild_index(app)
            echo(f"search index rebuilt: {count} threads")
            return
    # A running `serve` or `worker` owns the index: it rebuilds on its next turn.
    request_rebuild()
    echo("search index rebuild queued for the running indexer")
