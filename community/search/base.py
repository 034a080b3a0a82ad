"""The search backend interface: index, remove, search, rebuild, health.

The Whoosh backend is the embedded default; the PostgreSQL full-text backend
(``SEARCH_BACKEND = "postgres"``) implements the same methods. Backends know documents and space ids, never users: access
control is decided by the caller (``community.search.service``) and re-checked
against the database.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from ..errors import DomainError


class SearchUnavailable(DomainError):
    """The index is missing or broken: search alone answers 503."""

    status, code = 503, "unavailable"

    def __init__(self, message=None):
        super().__init__(str(message or _l("Search is unavailable right now; the index is being rebuilt. Please try again in a moment.")))


class IndexUnavailable(Exception):
    """Raised by a backend whose index cannot be opened or read."""


@dataclass
class SearchRequest:
    text: str                      # the user's words, already length-checked
    allowed_spaces: frozenset[int]  # the caller's readable space ids: the access filter
    space: int | None = None
    kind: str | None = None
    tag: str | None = None
    status: str | None = None
    sort: str = "relevance"
    offset: int = 0
    limit: int = 20
    title_only: bool = False       # "similar questions": titles, any word
    any_word: bool = False


@dataclass
class Hit:
    thread_id: int
    score: float


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    # (language, term) pairs the query looks for, for highlighting
    terms: dict[str, set[str]] = field(default_factory=dict)


class SearchBackend(ABC):
    @abstractmethod
    def index(self, documents: dict[int, dict | None]) -> None:
        """Add or replace each thread's document (None removes it), in one commit."""

    def remove(self, thread_ids: Iterable[int]) -> None:
        self.index(dict.fromkeys(thread_ids))

    @abstractmethod
    def search(self, request: SearchRequest) -> SearchResult: ...

    @abstractmethod
    def suggest(self, text: str) -> str | None:
        """A corrected spelling of ``text`` from the index's own words, if any."""

    @abstractmethod
    def rebuild(self, documents: Iterable[dict], *, procs: int = 1,
                progress: Callable[[int], None] | None = None) -> None:
        """Build a fresh index from ``documents`` and swap it in atomically."""

    @abstractmethod
    def exists(self) -> bool: ...

    @abstractmethod
    def missing(self) -> bool:
        """No index at all (not even a broken one): the indexer builds one first."""

    @abstractmethod
    def writer_lock(self, blocking: bool = True):
        """A context manager yielding True when this process is the one writer."""

    # False: the service cuts snippets itself (``snippets.fragment``) from the result's terms.
    cuts_snippets = False

    def headlines(self, query: str, texts: list[tuple[str, str]]) -> list[str | None]:
        """Snippets of (language, text) pairs cut by the backend (when ``cuts_snippets``),
        escaped but for <mark>; None for a text without any of the query's words."""
        raise NotImplementedError

    @abstractmethod
    def healthy(self) -> bool: ...

    def version(self):
        """A value that changes with every committed write to the index, for keeping
        answers (community/search/page.py); None: no cheap one, every search asks."""
        return None

    def on_process_start(self) -> None:
        """Once when ``serve`` or ``worker`` starts: tidy up and check, before any work."""
        return None

    def ranking_ok(self) -> bool:
        """False when the backend answers on its slower, safer path (a failed self-check)."""
        return True
