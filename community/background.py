"""The background work of `community serve` and `community worker`, started in one place."""

from __future__ import annotations

from .extensions import socketio


def start(app, *, with_indexer: bool = True) -> None:
    """Start every background loop. The search indexer is the index's single writer:
    `worker` runs it in the foreground instead (``with_indexer=False`` here)."""
    from .database import run_statistics
    from .escalation.sweep import run_sweeper
    from .gamification.ambassadors import run_reviewer
    from .notifications.delivery import run_mailer
    from .people.retention import run_housekeeping
    from .search.outbox import run_indexer
    from .services.tracking import run_flusher
    from .uploads.purge import run_purger
    from .webhooks.sender import run_webhooks

    # emails/digests, SLA clock, 90-day reviews, query-planner statistics, analytics counts,
    # erasures and the retention purge, webhook deliveries, orphaned uploads
    loops = [run_mailer, run_sweeper, run_reviewer, run_statistics, run_flusher,
             run_housekeeping, run_webhooks, run_purger]
    if with_indexer:
        loops.insert(0, run_indexer)
    for loop in loops:
        socketio.start_background_task(loop, app)


def stop(*, timeout: float) -> bool:
    """Start no new pass and wait up to ``timeout`` seconds for those in hand (the worker
    on SIGTERM). False when one was still running: the process exits anyway, and that
    pass's transaction rolls back (see community/lifecycle.py for why nothing is lost)."""
    from . import lifecycle

    return lifecycle.stop(timeout)
