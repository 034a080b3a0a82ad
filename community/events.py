"""Domain events and the two-phase dispatcher.

Services call ``emit(event)``. Subscribers registered with ``on(EventType)`` run at
once, inside the caller's transaction (ledger rows, badges, notification rows,
outbox rows). Those registered with ``after_commit(EventType)`` run once the
transaction commits (socket pushes, email) and are dropped on rollback. A failing
subscriber is logged and never breaks the request.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

_in_tx: dict[type, list[Callable]] = defaultdict(list)
_post_commit: dict[type, list[Callable]] = defaultdict(list)
_PENDING = "community_pending_events"


@dataclass(frozen=True)
class Event:
    pass


@dataclass(frozen=True)
class UserRegistered(Event):
    user_id: int


@dataclass(frozen=True)
class ThreadCreated(Event):
    thread_id: int
    author_id: int
    kind: str


@dataclass(frozen=True)
class ThreadEdited(Event):
    thread_id: int
    editor_id: int


@dataclass(frozen=True)
class PostCreated(Event):
    post_id: int
    thread_id: int
    author_id: int


@dataclass(frozen=True)
class PostEdited(Event):
    post_id: int
    thread_id: int
    editor_id: int


@dataclass(frozen=True)
class PostDeleted(Event):
    post_id: int
    thread_id: int
    by_id: int


@dataclass(frozen=True)
class PostRestored(Event):
    post_id: int
    thread_id: int
    by_id: int


@dataclass(frozen=True)
class Voted(Event):
    target_type: str
    target_id: int
    thread_id: int
    voter_id: int
    owner_id: int
    old_value: int
    new_value: int


@dataclass(frozen=True)
class AnswerAccepted(Event):
    thread_id: int
    post_id: int
    by_id: int
    previous_post_id: int | None


@dataclass(frozen=True)
class AnswerUnaccepted(Event):
    thread_id: int
    post_id: int
    by_id: int


@dataclass(frozen=True)
class IdeaStatusChanged(Event):
    thread_id: int
    by_id: int
    old_status: str
    new_status: str


@dataclass(frozen=True)
class LevelUp(Event):
    user_id: int
    old_level: int
    new_level: int
    reputation: int


@dataclass(frozen=True)
class BadgeAwarded(Event):
    user_id: int
    badge: str
    award_id: int
    thread_id: int | None = None
    post_id: int | None = None


@dataclass(frozen=True)
class FlagAgreed(Event):
    """A moderator upheld a flag (hid or deleted what it reported)."""

    flag_id: int
    flagger_id: int
    target_type: str
    target_id: int
    by_id: int


def on(event_type: type[Event]):
    def register(fn: Callable):
        _in_tx[event_type].append(fn)
        return fn

    return register


def after_commit(event_type: type[Event]):
    def register(fn: Callable):
        _post_commit[event_type].append(fn)
        return fn

    return register


def emit(session: Session, event: Event) -> None:
    for fn in _in_tx.get(type(event), []):
        # A savepoint keeps a failing subscriber's half-written rows out of the
        # caller's transaction while the caller's own writes stay.
        try:
            with session.begin_nested():
                fn(session, event)
        except Exception:
            log.exception("subscriber %s failed on %s", fn.__name__, event)
    if _post_commit.get(type(event)):
        session.info.setdefault(_PENDING, []).append(event)


def install(session_factory) -> None:
    @sa_event.listens_for(session_factory, "after_commit")
    def _run_after_commit(session: Session):
        pending = session.info.pop(_PENDING, [])
        for ev in pending:
            for fn in _post_commit.get(type(ev), []):
                try:
                    fn(ev)
                except Exception:
                    log.exception("after-commit subscriber %s failed on %s", fn.__name__, ev)

    @sa_event.listens_for(session_factory, "after_soft_rollback")
    def _drop(session: Session, previous_transaction):
        if previous_transaction.parent is None:
            session.info.pop(_PENDING, None)
