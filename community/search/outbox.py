"""The search outbox and its single indexer.

Every content change writes a ``search_outbox`` row in the same transaction as
the change (domain-event subscribers, plus a flush hook that catches edits made
without an event, such as a moderator moving a thread). One indexer drains the
outbox in batches: read the threads, write their documents with one Whoosh
commit (Whoosh's, or PostgreSQL's for that backend), and only then delete the rows. A kill at any point leaves the rows in
place and the next drain re-indexes the same threads, which is idempotent
(``update_document`` on the thread id).
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import delete, func, select
from sqlalchemy import event as sa_event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from ..events import (
    AccountErased,
    AnswerAccepted,
    AnswerUnaccepted,
    IdeaStatusChanged,
    PostCreated,
    PostDeleted,
    PostEdited,
    PostRestored,
    ThreadCreated,
    ThreadEdited,
    Voted,
    defer,
    on,
)
from ..extensions import db
from ..models import Post, SearchOutbox, Thread
from .base import IndexUnavailable
from .documents import all_documents, count_threads, documents_for

log = logging.getLogger(__name__)

CONTENT_EVENTS = (ThreadCreated, ThreadEdited, PostCreated, PostEdited, PostDeleted,
                  PostRestored, AnswerAccepted, AnswerUnaccepted, IdeaStatusChanged, Voted)
THREAD_ATTRS = ("title", "body", "space_id", "kind", "deleted_at", "accepted_post_id",
                "idea_status", "is_closed", "score", "post_count")
POST_ATTRS = ("body", "deleted_at", "score", "thread_id")

_wake = threading.Event()


def enqueue(session: Session, thread_id: int) -> None:
    session.add(SearchOutbox(thread_id=thread_id, action="index"))


def _on_content(session: Session, event) -> None:
    enqueue(session, event.thread_id)
    defer(session, _wake.set, once=True)


for _event in CONTENT_EVENTS:
    on(_event)(_on_content)


@on(AccountErased)
def _on_erased(session: Session, event: AccountErased) -> None:
    # Documents carry no author name, but results and snippets are rebuilt from them:
    # refresh every thread the account wrote in (its content may be gone too).
    for thread_id in event.thread_ids:
        enqueue(session, thread_id)
    defer(session, _wake.set, once=True)


def _changed(obj, attrs) -> bool:
    state = sa_inspect(obj)
    return any(state.attrs[a].history.has_changes() for a in attrs)


@sa_event.listens_for(Session, "before_flush")
def _catch_unannounced_changes(session: Session, flush_context, instances) -> None:
    ids: set[int] = set()
    for obj in session.dirty:
        if isinstance(obj, Thread) and obj.id is not None and _changed(obj, THREAD_ATTRS):
            ids.add(obj.id)
        elif isinstance(obj, Post) and _changed(obj, POST_ATTRS):
            history = sa_inspect(obj).attrs["thread_id"].history
            ids.update(i for i in (*history.deleted, obj.thread_id) if i is not None)
    for obj in session.deleted:
        if isinstance(obj, Thread) and obj.id is not None:
            ids.add(obj.id)
        elif isinstance(obj, Post) and obj.thread_id is not None:
            ids.add(obj.thread_id)
    if not ids:
        return
    pending = {o.thread_id for o in session.new if isinstance(o, SearchOutbox)}
    for tid in ids - pending:
        enqueue(session, tid)
    defer(session, _wake.set, once=True)


def request_rebuild() -> None:
    """Queue a full rebuild (once) for the indexer: the index is missing or broken."""
    session = db.session
    try:
        session.rollback()
        pending = session.scalar(select(SearchOutbox.id).where(SearchOutbox.action == "rebuild")
                                 .limit(1))
        if pending is None:
            session.add(SearchOutbox(thread_id=None, action="rebuild"))
            session.commit()
        _wake.set()
    except Exception:
        log.warning("could not queue a search rebuild", exc_info=True)
        session.rollback()


def _backend(app):
    return app.extensions["search"]


def rebuild_index(app, *, procs: int | None = None, progress=None) -> int:
    """Rebuild from the database into a new directory and swap it in. Caller holds
    the writer lock. Returns the number of threads indexed."""
    session = db.session
    # Rows up to here are covered by the rebuild; later ones replay afterwards.
    upto = session.scalar(select(func.max(SearchOutbox.id))) or 0
    total = count_threads(session)
    procs = procs or app.config["SEARCH_REINDEX_PROCS"]
    _backend(app).rebuild(all_documents(session), procs=procs, progress=progress)
    session.rollback()
    session.execute(delete(SearchOutbox).where(SearchOutbox.id <= upto))
    session.commit()
    log.info("search index rebuilt: %s threads", total)
    return total


def drain_outbox(app, batch_size: int | None = None) -> int:
    """One batch: returns the number of outbox rows done (0: nothing to do, or
    another process is the writer right now)."""
    backend = _backend(app)
    batch_size = batch_size or app.config["SEARCH_BATCH_SIZE"]
    with app.app_context(), backend.writer_lock(blocking=False) as mine:
        if not mine:
            return 0
        session = db.session
        rows = session.execute(
            select(SearchOutbox.id, SearchOutbox.thread_id, SearchOutbox.action)
            .order_by(SearchOutbox.id).limit(batch_size)
        ).all()
        if backend.missing() or any(r.action == "rebuild" for r in rows):
            return max(1, rebuild_index(app)) if rows or not backend.exists() else 0
        if not rows:
            return 0
        docs = documents_for(session, {r.thread_id for r in rows if r.thread_id is not None})
        session.rollback()  # no database transaction stays open while the index is written
        try:
            backend.index(docs)
        except IndexUnavailable:
            log.warning("search index unusable while indexing: rebuilding it")
            rebuild_index(app)
            return len(rows)
        session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_([r.id for r in rows])))
        session.commit()
        return len(rows)


def run_indexer(app, stop: threading.Event | None = None) -> None:
    """The indexer loop of `community serve` (background task) and `community worker`."""
    stop = stop or threading.Event()
    interval = app.config["SEARCH_INDEXER_INTERVAL"]
    while not stop.is_set():
        try:
            done = drain_outbox(app)
        except Exception:
            log.exception("search indexer failed; retrying")
            done = 0
            time.sleep(interval * 4)
        if not done:
            _wake.wait(interval)
            _wake.clear()
