"""Domain events and the two-phase dispatcher.

Services call ``emit(event)``. Subscribers registered with ``on(EventType)`` run at
once, inside the caller's transaction (ledger rows, badges, notification rows,
outbox rows). Those registered with ``after_commit(EventType)`` run once the
outermost transaction commits (socket pushes, email) and are dropped on rollback,
through ``defer()``, the one after-commit channel that every side effect uses. A
failing subscriber is logged and never breaks the request.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, scoped_session

log = logging.getLogger(__name__)

_in_tx: dict[type, list[Callable]] = defaultdict(list)
_post_commit: dict[type, list[Callable]] = defaultdict(list)


@dataclass(frozen=True)
class Event:
    """A domain event: every subclass lives in this module (the catalogue, also in
    docs/ARCHITECTURE.md) and its docstring names its subscribers."""


@dataclass(frozen=True)
class ThreadCreated(Event):
    """A thread was published (or approved by a moderator).

    In transaction: gamification.engine (first-question/first-idea badges),
    notifications.fanout (auto-follow; mentions, space/tag followers, watched words),
    search.outbox (index it), webhooks.outbox (``thread.created``)."""

    thread_id: int
    author_id: int
    kind: str


@dataclass(frozen=True)
class ThreadEdited(Event):
    """A thread's title, body or tags changed.

    In transaction: search.outbox (re-index), analytics.subscribers (the question's
    rollups per tag)."""

    thread_id: int
    editor_id: int


@dataclass(frozen=True)
class ThreadDeleted(Event):
    """A thread was deleted: hidden or deleted by a moderator or an automatic hold
    (moderation.queue, also for an erased account's threads), or merged into
    ``merged_into_id`` (moderation.threads).

    In transaction: analytics.subscribers (drops a question's timeline, recounts its
    day's rollups and its author's contributions; a merge also refreshes the target's),
    webhooks.outbox (``thread.deleted``)."""

    thread_id: int
    by_id: int  # 0: no person (an automatic hold, an erasure)
    merged_into_id: int | None = None


@dataclass(frozen=True)
class ThreadRestored(Event):
    """A deleted thread was shown again by a moderator (moderation.queue).

    In transaction: analytics.subscribers (the question's timeline comes back)."""

    thread_id: int
    by_id: int


@dataclass(frozen=True)
class ThreadMarkedDuplicate(Event):
    """A moderator closed a thread as a duplicate of ``original_id`` (moderation.threads).

    In transaction: analytics.subscribers (a duplicate question leaves the facts, as a
    merged one does), webhooks.outbox (``thread.duplicate``)."""

    thread_id: int
    original_id: int
    by_id: int


@dataclass(frozen=True)
class PostCreated(Event):
    """A reply was published (or approved by a moderator).

    In transaction: gamification.engine (answer badges), notifications.fanout
    (auto-follow; mentions, thread followers, watched words; live thread update),
    escalation.subscribers (a case's first response or customer reply),
    search.outbox (re-index the thread), webhooks.outbox (``post.created``)."""

    post_id: int
    thread_id: int
    author_id: int


@dataclass(frozen=True)
class PostEdited(Event):
    """A reply's body changed.

    In transaction: search.outbox (re-index the thread)."""

    post_id: int
    thread_id: int
    editor_id: int


@dataclass(frozen=True)
class PostDeleted(Event):
    """A reply was deleted (by its author or a moderator).

    In transaction: gamification.engine (its points settle to 0),
    notifications.fanout (live thread update: hidden), search.outbox."""

    post_id: int
    thread_id: int
    by_id: int


@dataclass(frozen=True)
class PostRestored(Event):
    """A deleted reply was restored.

    In transaction: gamification.engine (its points come back),
    notifications.fanout (live thread update: shown again), search.outbox."""

    post_id: int
    thread_id: int
    by_id: int


@dataclass(frozen=True)
class Voted(Event):
    """A vote on a thread or reply was cast, changed or withdrawn.

    In transaction: gamification.engine (points, score badges), search.outbox (score)."""

    target_type: str
    target_id: int
    thread_id: int
    voter_id: int
    owner_id: int
    old_value: int
    new_value: int


@dataclass(frozen=True)
class AnswerAccepted(Event):
    """An answer was accepted (replacing ``previous_post_id``, if any).

    In transaction: gamification.engine (points, badges), notifications.fanout (the
    answerer; live thread update), escalation.subscribers (resolves the thread and its
    open case), search.outbox, webhooks.outbox (``answer.accepted``)."""

    thread_id: int
    post_id: int
    by_id: int
    previous_post_id: int | None


@dataclass(frozen=True)
class AnswerUnaccepted(Event):
    """An accepted answer was unaccepted.

    In transaction: gamification.engine (points settle back),
    escalation.subscribers (forgets the peer resolution), search.outbox."""

    thread_id: int
    post_id: int
    by_id: int


@dataclass(frozen=True)
class IdeaStatusChanged(Event):
    """A moderator moved an idea to another status.

    In transaction: gamification.engine (idea-shipped points and badge),
    notifications.fanout (author, upvoters, followers; live thread update),
    search.outbox (status filter), analytics.subscribers (time to a decision),
    webhooks.outbox (``idea.status_changed``), demand.subscribers (a shipped idea tells
    the askers of its linked questions and cases, in the same occasion)."""

    thread_id: int
    by_id: int
    old_status: str
    new_status: str


@dataclass(frozen=True)
class CaseChanged(Event):
    """A case was opened, routed, given a CRM reference or priority, answered by staff,
    moved between states, given an internal note, warned or breached by the SLA sweep
    (escalation.cases, escalation.sweep). ``change`` says which: opened, updated, resolved, note,
    sla_warning or sla_breached (``note_id`` for a note).

    In transaction: analytics.subscribers (the question's timeline and its day's rollup),
    webhooks.outbox (``case.opened``, ``case.updated``, ``case.resolved``,
    ``case.sla_warning``, ``case.sla_breached``; a note reaches internal webhooks only)."""

    case_id: int
    thread_id: int
    change: str = "updated"
    note_id: int | None = None


@dataclass(frozen=True)
class LevelUp(Event):
    """A member's reputation crossed a level boundary (emitted by gamification.engine).

    In transaction: notifications.fanout (tells the member)."""

    user_id: int
    old_level: int
    new_level: int
    reputation: int


@dataclass(frozen=True)
class BadgeAwarded(Event):
    """A badge was awarded (emitted by gamification.badges).

    In transaction: notifications.fanout (tells the member)."""

    user_id: int
    badge: str
    award_id: int
    thread_id: int | None = None
    post_id: int | None = None


@dataclass(frozen=True)
class FlagAgreed(Event):
    """A moderator upheld a flag (hid or deleted what it reported).

    In transaction: gamification.engine (the flagger's curator/steward badges)."""

    flag_id: int
    flagger_id: int
    target_type: str
    target_id: int
    by_id: int


@dataclass(frozen=True)
class FlagRaised(Event):
    """A member or moderator flagged a thread or reply (emitted by moderation.flags).

    In transaction: webhooks.outbox (``flag.raised``)."""

    flag_id: int
    target_type: str
    target_id: int
    thread_id: int


@dataclass(frozen=True)
class UserCreated(Event):
    """An account was created: registration, an operator, or a first single sign-on
    (emitted by services.accounts and sso.accounts).

    In transaction: webhooks.outbox (``user.created``)."""

    user_id: int


@dataclass(frozen=True)
class UserSuspended(Event):
    """A moderator suspended a member (emitted by moderation.sanctions).

    After commit: realtime (disconnects the member's sockets in this process)."""

    user_id: int


@dataclass(frozen=True)
class AccountEmailQueued(Event):
    """An account email (password reset, verification, change notice) was queued
    (emitted by services.account_email).

    After commit: notifications.account_mail (wakes the mailer)."""

    email_id: int


@dataclass(frozen=True)
class CredentialsReset(Event):
    """An account's password was reset through an emailed link: every session and
    token it had was revoked (emitted by services.account_email).

    After commit: realtime (disconnects the account's sockets in this process)."""

    user_id: int


@dataclass(frozen=True)
class AccountErased(Event):
    """An account was anonymised (emitted by people.erasure) and ``thread_ids`` are the
    threads it wrote in.

    In transaction: search.outbox (re-index those threads), uploads.subscribers (delete
    the account's uploads; their files after commit).
    After commit: realtime (disconnects the account's sockets in this process)."""

    user_id: int
    thread_ids: tuple[int, ...]


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
        defer(session, _run_post_commit, event)


def _run_post_commit(event: Event) -> None:
    for fn in _post_commit.get(type(event), []):
        try:
            fn(event)
        except Exception:
            log.exception("after-commit subscriber %s failed on %s", fn.__name__, event)


# ---- the one after-commit channel ----
#
# SQLAlchemy's "after_commit" also fires when a SAVEPOINT is released, so a side
# effect sent from it could leave before the outer commit, or announce a write that
# then rolls back. Each deferred call is queued on the innermost open transaction;
# a released savepoint hands its queue to its parent, a rolled-back one drops it,
# and only the outermost commit runs what is left.

_QUEUES = "community_after_commit"
_SCRATCH = "community_transaction_scratch"


def transaction_scratch(session: Session, name: str) -> dict:
    """A dict that lives until the outer transaction ends (what this transaction has
    already done, such as who was told of an occasion); savepoints share it."""
    return session.info.setdefault(_SCRATCH, {}).setdefault(name, {})


def defer(session: Session, fn: Callable, *args, once: bool = False) -> None:
    """Call ``fn(*args)`` after the outermost commit; never if the work that queued it
    rolls back. ``once`` skips a call already queued in this transaction (wake-ups).
    Deferred calls must not use the session, and must not block: what can hang (a
    network call) hands its work to a background thread."""
    if isinstance(session, scoped_session):
        session = session()
    tx = session.get_nested_transaction() or session.get_transaction()
    if tx is None:
        tx = session.begin()
    queues: dict = session.info.setdefault(_QUEUES, {})
    item = (fn, args)
    if once and any(item in q for q in queues.values()):
        return
    queues.setdefault(tx, []).append(item)


_installed = False


def install() -> None:
    """Once per process, for every session."""
    global _installed
    if _installed:
        return
    _installed = True

    @sa_event.listens_for(Session, "after_commit")
    def _committed(session: Session):
        queues = session.info.get(_QUEUES)
        if not queues:
            return
        nested = session.get_nested_transaction()
        if nested is not None:  # a savepoint released: its calls now wait on the parent
            items = queues.pop(nested, None)
            if items:
                queues.setdefault(nested.parent, []).extend(items)
            return
        session.info.pop(_QUEUES, None)
        for items in queues.values():
            for fn, args in items:
                try:
                    fn(*args)
                except Exception:
                    log.exception("after-commit call %s failed", getattr(fn, "__name__", fn))

    @sa_event.listens_for(Session, "after_soft_rollback")
    def _rolled_back(session: Session, previous_transaction):
        queues = session.info.get(_QUEUES)
        if not queues:
            return
        if previous_transaction.parent is None:
            session.info.pop(_QUEUES, None)
        else:
            queues.pop(previous_transaction, None)

    @sa_event.listens_for(Session, "after_transaction_end")
    def _ended(session: Session, transaction):
        # A session closed without commit or rollback (remove() at teardown) drops its queue.
        if transaction.parent is None:
            session.info.pop(_QUEUES, None)
            session.info.pop(_SCRATCH, None)
