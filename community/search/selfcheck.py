"""Does the array path still answer as Whoosh does? Checked once per process.

``arrays`` reads Whoosh's private block reader. The installed version is pinned,
but an upgrade (or a patched Whoosh) could change what those internals hold
without raising anything. So the first search (or ``serve``/``worker`` start)
builds a tiny index of several segments with deletions in a temporary folder and
runs a few queries of each shape both ways; if any answer differs or the array
path raises, every query of this process goes through Whoosh's own matchers.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from datetime import datetime, timedelta

from .base import SearchRequest

log = logging.getLogger(__name__)

_WORDS = {
    "en": "grinder burr espresso crema milk steam kettle bloom water bitter".split(),
    "fr": "moulin mouture café lait vapeur bouilloire eau amer".split(),
}
# every shape the array path computes: words, AND, OR, -word, phrases, "any of",
# filters, both sorts, French
_REQUESTS = [
    ("grinder", {}), ("espresso crema", {}), ("burr OR kettle", {}), ("crema -milk", {}),
    ('"grinder burr"', {}), ("grinder espresso steam", {"any_word": True}),
    ("espresso", {"sort": "recent"}), ("espresso", {"sort": "votes"}),
    ("water", {"space": 2, "status": "open"}), ("café lait", {}),
    ("grinder bloom", {"title_only": True, "any_word": True}),
]
UNCHECKED = object()
_outcome = UNCHECKED  # None: passed; else what failed
_lock = threading.Lock()


def _doc(n: int, version: int = 0) -> dict:
    lang = "fr" if n % 4 == 0 else "en"
    words = _WORDS[lang]
    pick = lambda k, step: " ".join(words[(n * step + i * (n % 3 + 1)) % len(words)]  # noqa: E731
                                    for i in range(k))
    return {"id": str(n), f"title_{lang}": pick(3 + n % 3, 3), f"text_{lang}": pick(6 + n % 9, 7),
            "tags": "", "spell": "", "space": str(1 + n % 2),
            "kind": "question" if n % 3 else "idea", "status": "open" if n % 2 else "answered",
            "accepted": False, "score": n * 2 + version,  # distinct: sorted pages have no ties
            "created": datetime(2026, 1, 1) + timedelta(minutes=n), "_boost": 1.0 + n % 5 / 10}


def _compare(backend) -> str | None:
    for text, options in _REQUESTS:
        req = SearchRequest(text=text, allowed_spaces=frozenset({1, 2}), limit=100, **options)
        try:
            fast = backend.answer(req, use_arrays=True, strict=True)
        except Exception as exc:
            return f"{text!r} raised {type(exc).__name__}: {exc}"
        slow = backend.answer(req, use_arrays=False)
        got = [(h.thread_id, round(h.score, 6)) for h in fast.hits]
        expected = [(h.thread_id, round(h.score, 6)) for h in slow.hits]
        if req.sort == "relevance":  # equal scores may come in either order
            got, expected = sorted(got), sorted(expected)
        else:
            got, expected = [i for i, _ in got], [i for i, _ in expected]
        if fast.total != slow.total or got != expected or not slow.total:
            return f"{text!r}: {fast.total} matches {got[:5]}, Whoosh {slow.total} {expected[:5]}"
    return None


def run(backend_cls) -> str | None:
    """None when the array path agrees with Whoosh on a tiny index; else what went wrong."""
    with tempfile.TemporaryDirectory(prefix="continuum-search-check-") as tmp:
        backend = backend_cls(os.path.join(tmp, "index"), cache_mb=4)
        try:
            with backend.writer_lock():
                backend.rebuild(_doc(n) for n in range(1, 25))
                backend.index({n: _doc(n) for n in range(25, 37)})  # a second segment
                backend.index({3: _doc(3, version=1), 8: None})  # deletions in the first
            return _compare(backend)
        except Exception as exc:  # the check cannot tell: take the safe path
            return f"the check itself failed: {type(exc).__name__}: {exc}"
        finally:
            backend.close()


def passed(backend_cls) -> bool:
    """The self-check's verdict for this process (run on the first call)."""
    global _outcome
    if _outcome is UNCHECKED:
        with _lock:
            if _outcome is UNCHECKED:
                began = time.perf_counter()
                _outcome = run(backend_cls)
                if _outcome is not None:
                    log.warning("search: the array path disagrees with Whoosh (%s); every "
                                "query uses Whoosh's own matchers (slower)", _outcome)
                else:
                    log.info("search: array path self-check passed in %.0f ms",
                             (time.perf_counter() - began) * 1000)
    return _outcome is None
