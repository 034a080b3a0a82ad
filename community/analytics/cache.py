"""A short cache of the figures, per process, shared by its threads.

A dashboard is opened by a few people who reload it and change its filters; the same
query within seconds gives the same figures. API.md promises that figures reflect a
commit within 60 seconds: an entry lives ``ANALYTICS_CACHE_SECONDS`` (at most 30)
counted from the moment its computation *started*, so a commit made while it was being
computed is seen at the latest that long after. An entry may hold another (a summary
holds the ambassador ranking, shared by every period), so the lifetime is capped at
30 seconds: twice that is still the contract's 60. Threads asking for a key that is being
computed wait for that one computation instead of repeating it. Figures are staff-only
and the same for every reader: the key is the query alone, checked for permission
before the cache is asked.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app

MAX_SECONDS = 30.0  # nested entries: 2 x 30 s within API.md's 60 s


class _Pending:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.value = None
        self.failed = False


class FigureCache:
    """Entries expire ``seconds`` after their computation began; at most ``size`` are
    kept, the least recently used leaving first. Callers must not change a value."""

    def __init__(self, seconds: float, size: int, clock: Callable[[], float] = time.monotonic):
        self.seconds = min(max(float(seconds), 0.0), MAX_SECONDS)
        self.size = max(int(size), 1)
        self.clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()
        self._pending: dict[Hashable, _Pending] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable, compute: Callable[[], object]):
        if not self.seconds:
            return compute()
        while True:
            with self._lock:
                hit = self._entries.get(key)
                if hit is not None and hit[0] > self.clock():
                    self._entries.move_to_end(key)
                    return hit[1]
                pending = self._pending.get(key)
                owner = pending is None
                if owner:
                    pending = self._pending[key] = _Pending()
            if owner:
                return self._compute(key, pending, compute)
            pending.done.wait()
            if not pending.failed:
                return pending.value
            # The computation failed in its thread: try again (this thread may own it).

    def _compute(self, key: Hashable, pending: _Pending, compute: Callable[[], object]):
        started = self.clock()
        try:
            value = compute()
        except BaseException:
            with self._lock:
                del self._pending[key]
            pending.failed = True
            pending.done.set()
            raise
        with self._lock:
            self._entries[key] = (started + self.seconds, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
            del self._pending[key]
        pending.value = value
        pending.done.set()
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def init_app(app) -> None:
    app.extensions["analytics_cache"] = FigureCache(app.config["ANALYTICS_CACHE_SECONDS"],
                                                    app.config["ANALYTICS_CACHE_ENTRIES"])


def figures(key: Hashable, compute: Callable[[], object]):
    """``compute()``'s figures for ``key``, computed at most once per expiry per process."""
    return current_app.extensions["analytics_cache"].get(key, compute)
