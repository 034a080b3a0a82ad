"""The Whoosh backend: one writer (the indexer), a small pool of searchers per process.

- Searchers are expensive to open (60-75 ms at 100k documents) and not safe to
  share between threads, so each process keeps a few open and refreshes one only
  when the index generation (or, after a reindex swap, the directory) changed.
- ``SEARCH_INDEX_DIR`` is a symlink to the current generation directory, so a
  rebuild is swapped in with one atomic rename.
- Only one process writes: ``writer_lock()`` is an advisory file lock taken by
  the indexer for each batch and by a rebuild for its whole duration.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import pickle
import re
import secrets
import shutil
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterable

import numpy as np
from whoosh import collectors, qparser, query
from whoosh import index as whoosh_index
from whoosh.index import EmptyIndexError

from . import arrays, generations, selfcheck
from .analysis import LANGUAGES, fold
from .base import Hit, IndexUnavailable, SearchBackend, SearchRequest, SearchResult
from .documents import make_schema

# What a missing, truncated or garbled index raises (SECURITY.md), plus the
# low-level errors a damaged segment surfaces as.
CORRUPT = (whoosh_index.IndexError, EOFError, OSError, struct.error, zlib.error,
           pickle.UnpicklingError)
log = logging.getLogger(__name__)
TITLE_BOOST = 3.0
POOL_SIZE = 4
FILTER_CACHE = 32


def _parser(schema, lang: str, group) -> qparser.QueryParser:
    """Plain words, "phrases", -word and OR; no fields, wildcards, ranges or boosts."""
    parser = qparser.MultifieldParser(
        [f"title_{lang}", f"text_{lang}"], schema,
        fieldboosts={f"title_{lang}": TITLE_BOOST}, group=group)
    for plugin in (qparser.FieldsPlugin, qparser.WildcardPlugin, qparser.RangePlugin,
                   qparser.BoostPlugin, qparser.EveryPlugin, qparser.SingleQuotePlugin,
                   qparser.OperatorsPlugin):
        parser.remove_plugin_class(plugin)
    parser.add_plugin(qparser.OperatorsPlugin(
        And=None, AndNot=None, AndMaybe=None, Require=None,
        Not=r"(^|(?<=(\s|[()])))-(?=[\w\"(])"))
    return parser


def positive_terms(q) -> set[tuple[str, str]]:
    """(field, text) of the terms a hit must or may contain: not the excluded ones."""
    if isinstance(q, query.Not):
        return set()
    if isinstance(q, query.AndNot):
        return positive_terms(q.a)
    if isinstance(q, query.Phrase):
        return {(q.fieldname, w) for w in q.words}
    if isinstance(q, query.Term):
        return {(q.fieldname, q.text)}
    out: set = set()
    for child in q.children():
        out |= positive_terms(child)
    return out


class WhooshBackend(SearchBackend):
    def __init__(self, path: str, cache_mb: int = 128):
        self.path = os.path.abspath(path)
        self.schema = make_schema()
        self._arrays = arrays.ArrayCache(cache_mb * 2**20)
        self._lock = threading.Lock()
        self._ix = None
        self._real: str | None = None
        self._idle: list = []
        self._parsers = {
            (lang, any_word): _parser(self.schema, lang,
                                      qparser.OrGroup.factory(0.9) if any_word else qparser.AndGroup)
            for lang in LANGUAGES for any_word in (False, True)
        }

    # ---- opening and the searcher pool -------------------------------------------

    def _reset(self) -> None:
        for s in self._idle:
            with contextlib.suppress(Exception):
                s.close()
        self._idle, self._ix, self._real = [], None, None

    def _index(self):
        real = os.path.realpath(self.path)
        if self._ix is None or real != self._real:
            self._reset()
            if not os.path.isdir(real):
                raise IndexUnavailable(f"no index at {self.path}")
            try:
                self._ix = whoosh_index.open_dir(real, schema=self.schema)
            except CORRUPT as exc:
                raise IndexUnavailable(str(exc)) from exc
            self._real = real
        return self._ix

    @contextlib.contextmanager
    def searcher(self):
        with self._lock:
            ix = self._index()
            s = self._idle.pop() if self._idle else None
        try:
            if s is None:
                s = ix.searcher()
                s.filter_cache = {}
            elif not s.up_to_date():
                # Not ``refresh()``: whoosh-reloaded 2.7.5's reader reuse keeps the old
                # segments beside the new ones, so an updated document shows up twice.
                s.close()
                s = ix.searcher()
                s.filter_cache = {}
        except CORRUPT as exc:
            with self._lock:
                self._reset()
            raise IndexUnavailable(str(exc)) from exc
        ok = False
        try:
            yield s
            ok = True
        except CORRUPT as exc:
            with self._lock:
                self._reset()
            raise IndexUnavailable(str(exc)) from exc
        finally:
            if ok:
                with self._lock:
                    if self._ix is ix and len(self._idle) < POOL_SIZE:
                        self._idle.append(s)
                        s = None
            if s is not None:
                with contextlib.suppress(Exception):
                    s.close()

    def close(self) -> None:
        with self._lock:
            self._reset()

    def exists(self) -> bool:
        try:
            return whoosh_index.exists_in(os.path.realpath(self.path))
        except CORRUPT:
            return False

    def missing(self) -> bool:
        return not os.path.isdir(os.path.realpath(self.path))

    def healthy(self) -> bool:
        try:
            with self.searcher() as s:
                s.doc_count()
            return True
        except IndexUnavailable:
            return False

    def version(self):
        """(the live directory, its latest generation): each commit writes the next
        generation's TOC, and a rebuild swaps in another directory. A directory
        listing, about 20 µs."""
        with self._lock:
            ix = self._index()
            real = self._real
        try:
            return real, ix.latest_generation()
        except CORRUPT as exc:
            raise IndexUnavailable(str(exc)) from exc

    # ---- queries -----------------------------------------------------------------

    def parse(self, text: str, *, any_word: bool = False, title_only: bool = False):
        per_lang, terms = [], {}
        for lang in LANGUAGES:
            q = self._parsers[(lang, any_word)].parse(text)
            if title_only:
                q = q.accept(lambda n, lang=lang: n if not isinstance(n, (query.Term, query.Phrase))
                             or n.fieldname == f"title_{lang}" else query.NullQuery)
            q = q.normalize()
            positive = {t for f, t in positive_terms(q)}
            if q is query.NullQuery or not positive:
                continue
            per_lang.append(q)
            terms[lang] = positive
        if not per_lang:
            return None, {}
        return (per_lang[0] if len(per_lang) == 1 else query.Or(per_lang)), terms

    @staticmethod
    def filter_query(req: SearchRequest):
        """The documents the caller may read and asked for (never from the query text)."""
        parts = [query.Or([query.Term("space", str(i)) for i in sorted(req.allowed_spaces)])]
        if req.space is not None:
            parts.append(query.Term("space", str(req.space)))
        if req.kind:
            parts.append(query.Term("kind", req.kind))
        if req.tag:
            parts.append(query.Term("tags", req.tag.lower()))
        if req.status == "unsolved":
            parts.append(query.And([query.Term("kind", "question"),
                                    query.Or([query.Term("status", "open"),
                                              query.Term("status", "answered")])]))
        elif req.status:
            parts.append(query.Term("status", req.status))
        return query.And(parts)

    def _filter(self, s, req: SearchRequest, ev: arrays.Evaluator | None):
        """``filter_query`` as a mask over docnums, kept while the searcher lives;
        computed by the evaluator, or by Whoosh when ``ev`` is None (the same mask)."""
        key = (req.allowed_spaces, req.space, req.kind, req.tag, req.status)
        cache = s.filter_cache
        if key not in cache:
            mask = np.zeros(s.doc_count_all(), dtype=bool)
            q = self.filter_query(req)
            mask[ev.ids(q) if ev else list(s.docs_for_query(q))] = True
            if len(cache) >= FILTER_CACHE:
                cache.clear()
            cache[key] = mask
        return cache[key]

    def arrays_ok(self) -> bool:
        """Whether the array path answered as Whoosh does on the self-check's index
        (run once per process, on first use or at ``serve``/``worker`` start)."""
        return selfcheck.passed(type(self))

    def ranking_ok(self) -> bool:
        return self.arrays_ok()

    def search(self, req: SearchRequest) -> SearchResult:
        return self.answer(req, use_arrays=self.arrays_ok())

    def answer(self, req: SearchRequest, *, use_arrays: bool, strict: bool = False) -> SearchResult:
        """The array path when asked (unless ``strict``, any error in it falls back to
        Whoosh's matchers: it reads Whoosh's private internals), else Whoosh's path."""
        q, terms = self.parse(req.text, any_word=req.any_word, title_only=req.title_only)
        if q is None or not req.allowed_spaces:
            return SearchResult(hits=[], total=0, terms=terms)
        with self.searcher() as s:
            if use_arrays:
                try:
                    return self._search_arrays(s, q, req, terms)
                except arrays.Unsupported:
                    pass
                except Exception:
                    if strict:
                        raise
                    log.warning("search: the array path failed; Whoosh's own matchers answer",
                                exc_info=True)
            return self._search_whoosh(s, q, req, terms)

    def _search_arrays(self, s, q, req: SearchRequest, terms) -> SearchResult:
        ev = arrays.Evaluator(s, self._arrays)
        mask = self._filter(s, req, ev)
        if not mask.any():
            return SearchResult(hits=[], total=0, terms=terms)
        ids, scores = ev.scored(q)
        keep = mask[ids]
        ids, scores = ids[keep], scores[keep]
        limit = req.offset + req.limit
        if req.sort in ("recent", "votes"):
            keys = arrays.sort_keys(ev, "created" if req.sort == "recent" else "score")
            picked = arrays.top(ids, keys[ids], limit, descending_ids=True)
        else:
            picked = arrays.top(ids, scores, limit)
        hits = [Hit(thread_id=int(s.stored_fields(int(ids[i]))["id"]), score=float(scores[i]))
                for i in picked[req.offset:]]
        return SearchResult(hits=hits, total=len(ids), terms=terms)

    def _search_whoosh(self, s, q, req: SearchRequest, terms) -> SearchResult:
        """Whoosh's own matchers: for the query shapes ``arrays`` does not compute, and
        whenever the array path failed (its self-check, or this query)."""
        mask = self._filter(s, req, None)
        if not mask.any():
            return SearchResult(hits=[], total=0, terms=terms)
        allowed = set(np.nonzero(mask)[0].tolist())
        limit = req.offset + req.limit
        if req.sort in ("recent", "votes"):
            results = s.search(q, limit=limit, filter=allowed, reverse=True,
                               sortedby="created" if req.sort == "recent" else "score")
        else:
            # One pass that scores and counts every match. Whoosh's default top-k
            # pass swaps in cheaper matchers once the top list fills, which
            # drops documents that cannot rank: its count then falls short
            # (446 of 1,665 matches, measured), so pages and totals would lie.
            top = collectors.TopCollector(limit=limit, usequality=False, replace=0)
            collector = collectors.FilterCollector(top, allow=allowed)
            s.search_with_collector(q, collector)
            results = collector.results()
        page = results[req.offset:req.offset + req.limit]
        hits = [Hit(thread_id=int(h["id"]), score=h.score or 0.0) for h in page]
        return SearchResult(hits=hits, total=len(results), terms=terms)

    def suggest(self, text: str) -> str | None:
        """Each word unknown to the index replaced by its closest known word."""
        with self.searcher() as s:
            reader = s.reader()
            corrector = s.corrector("spell")
            changed = False

            def fix(match: re.Match) -> str:
                nonlocal changed
                word = match.group()
                folded = fold(word.lower())
                if len(folded) < 3 or folded.isdigit() or ("spell", folded) in reader:
                    return word
                found = corrector.suggest(folded, limit=1, maxdist=2, prefix=1)
                if found and found[0] != folded:
                    changed = True
                    return found[0]
                return word

            fixed = re.sub(r"(?<![-\w])\w+", fix, text)
        return fixed if changed else None

    # ---- writing -----------------------------------------------------------------

    @contextlib.contextmanager
    def writer_lock(self, blocking: bool = True):
        """Yields True when this process is the one writer, False if another is."""
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        fd = os.open(self.path + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def index(self, documents: dict[int, dict | None]) -> None:
        """Caller holds ``writer_lock``. One commit for the whole batch."""
        real = os.path.realpath(self.path)
        try:
            ix = whoosh_index.open_dir(real, schema=self.schema)
        except (EmptyIndexError, *CORRUPT) as exc:
            raise IndexUnavailable(str(exc)) from exc
        writer = ix.writer(timeout=10.0)
        try:
            for thread_id, doc in documents.items():
                if doc is None:
                    writer.delete_by_term("id", str(thread_id))
                else:
                    writer.update_document(**doc)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def rebuild(self, documents: Iterable[dict], *, procs: int = 1,
                progress: Callable[[int], None] | None = None) -> None:
        """Caller holds ``writer_lock``. Builds beside the live index, then swaps."""
        parent, name = os.path.split(self.path)
        os.makedirs(parent, exist_ok=True)
        self.remove_leftovers(writer=True)
        # The builder's pid in the name: a folder whose builder is gone is a leftover.
        new = os.path.join(parent, f"{name}.gen-{os.getpid()}-{time.strftime('%Y%m%dT%H%M%S')}"
                                   f"-{secrets.token_hex(4)}")
        os.makedirs(new)
        try:
            ix = whoosh_index.create_in(new, self.schema)
            if procs > 1:
                writer = ix.writer(procs=procs, multisegment=True, limitmb=256)
            else:
                writer = ix.writer(limitmb=256)
            try:
                for n, doc in enumerate(documents, 1):
                    writer.add_document(**doc)
                    if progress and n % 100 == 0:
                        progress(100)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
        self._swap(new)

    def remove_leftovers(self, *, writer: bool) -> list[str]:
        return generations.remove_leftovers(self.path, writer=writer)

    def on_process_start(self) -> None:
        with self.writer_lock(blocking=False) as writer:
            self.remove_leftovers(writer=writer)
        # Beside the start-up, not before it: the server listens at once, and a search
        # that comes before the verdict waits for it.
        threading.Thread(target=self.arrays_ok, name="search-selfcheck", daemon=True).start()

    def _swap(self, new: str) -> None:
        old = os.path.realpath(self.path) if os.path.lexists(self.path) else None
        link = self.path + ".swap"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(link)
        os.symlink(os.path.basename(new), link)
        if os.path.isdir(self.path) and not os.path.islink(self.path):
            # An index from before symlinks (or made by hand): moved aside once.
            aside = f"{self.path}.old-{os.getpid()}"  # pid: see remove_leftovers
            os.rename(self.path, aside)
            old = aside
        os.replace(link, self.path)  # atomic: readers see the old or the new index
        if old and os.path.realpath(old) != os.path.realpath(new):
            shutil.rmtree(old, ignore_errors=True)
        with self._lock:
            self._reset()
