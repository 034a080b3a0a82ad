"""A stopping process and its background passes: the pass in hand finishes, no new one starts.

The background loops (`community worker`, `community serve`) run each pass, one
transaction or a claim-send-record cycle, inside ``one_pass()``. ``stop()`` (the worker on
SIGTERM) waits for the passes in hand, and a loop that reaches its next pass after that
waits there until the process exits. A pass cut short anyway (past the timeout, or a
SIGKILL) loses nothing either: its transaction rolls back and its outbox rows are still
queued, or still claimed until their claim times out.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_cond = threading.Condition()
_state = {"stopping": False, "active": 0}


@contextmanager
def one_pass() -> Iterator[None]:
    with _cond:
        while _state["stopping"]:
            _cond.wait()  # parked: the process is exiting
        _state["active"] += 1
    try:
        yield
    finally:
        with _cond:
            _state["active"] -= 1
            _cond.notify_all()


def stop(timeout: float) -> bool:
    """Let no pass start, wait for those running; False if one was still running at the
    timeout."""
    with _cond:
        _state["stopping"] = True
        return _cond.wait_for(lambda: _state["active"] == 0, timeout)
