"""Whoosh's ranking computed a posting block at a time with numpy.

Whoosh walks its matcher tree one document at a time in Python. On a common
word (one in half the documents) a query visits tens of thousands of postings
through several method calls each, and an exact count and ranking then cost
hundreds of milliseconds. The arithmetic is simple: BM25F per term, scores
summed through AND and OR, a phrase scored as the AND of its words. So this
module reads each term's postings from Whoosh's own index as arrays (per
segment, cached: segments never change, only their deletions, which are applied
on every query), scores them with the searcher's own statistics and combines
them with sorted-array set operations. Same matches and same scores as Whoosh's
collector (the tests compare them); a query shape it does not cover raises
``Unsupported`` and the caller asks Whoosh.
"""

from __future__ import annotations

import pickle
import threading
from collections import OrderedDict
from itertools import chain

import numpy as np
from whoosh import query, scoring
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.columns import NumericColumn
from whoosh.matching import NullMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
_NOTHING = np.empty(0, dtype=np.int64)
_SHIFT = np.int64(1 << 32)  # rank of the doc * _SHIFT + position: one sortable key per occurrence
_UINT = 4  # formats.Positions: a value starts with its occurrence count
# A phrase decodes (and caches) a word's every position unless its candidates are
# fewer than one in FULL_DECODE_SHARE of the word's documents: a block decoded
# for one candidate costs as much as for all of its 128.
FULL_DECODE_SHARE = 64
COMMON_SHARE = 16  # a word in one document of 16 or more: its phrase candidates are many


# Set operations on sorted docnums. Over long lists a table the size of the index
# (one slot per docnum) is several times faster than sorting; short lists are
# merged by binary search instead, so a rare word does not pay for the table.
DENSE_SHARE = 64


def _find(keys: np.ndarray, sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(which of ``keys`` are in ``sorted_keys``, where they are there), by binary search."""
    if not len(sorted_keys):
        return np.zeros(len(keys), dtype=bool), np.zeros(len(keys), dtype=np.int64)
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[at] == keys, at


def _intersect(a: np.ndarray, b: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Indexes into ``a`` and ``b`` (sorted, unique, below ``n``) of their common docnums."""
    if (len(a) + len(b)) * DENSE_SHARE < n:
        if len(a) > len(b):  # the shorter list searched in the longer
            ib, ia = _intersect(b, a, n)
            return ia, ib
        hit, at = _find(a, b)
        return np.nonzero(hit)[0], at[hit]
    where = np.full(n, -1, dtype=np.int64)
    where[b] = np.arange(len(b))
    ib = where[a]
    hit = ib >= 0
    return np.nonzero(hit)[0], ib[hit]


def _contains(ids: np.ndarray, other: np.ndarray, n: int) -> np.ndarray:
    """Which of ``ids`` are in ``other`` (both sorted, docnums below ``n``)."""
    if (len(ids) + len(other)) * DENSE_SHARE < n:
        return _find(ids, other)[0]
    mask = np.zeros(n, dtype=bool)
    mask[other] = True
    return mask[ids]


def _union(ids: list, scores: list, n: int):
    """(sorted docnums, summed scores, how many lists held each) of scored lists."""
    every = np.concatenate(ids)
    weights = np.concatenate(scores)
    if len(every) * DENSE_SHARE < n:
        out, inverse, counts = np.unique(every, return_inverse=True, return_counts=True)
        return out, np.bincount(inverse, weights=weights, minlength=len(out)), counts
    counts = np.bincount(every, minlength=n)
    out = np.nonzero(counts)[0]
    return out, np.bincount(every, weights=weights, minlength=n)[out], counts[out]


class Unsupported(Exception):
    """A query shape Whoosh must answer itself."""


class ArrayCache:
    """A process's decoded postings and columns, least recently used out first."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._items: OrderedDict = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key, load):
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        value = load()  # outside the lock: two threads may both load, both get the same
        self.put(key, value)
        return value

    def has(self, key) -> bool:
        return key in self._items

    def put(self, key, value) -> None:
        size = _nbytes(value)
        if size > self.max_bytes:
            return
        for a in value if isinstance(value, tuple) else (value,):
            a.flags.writeable = False  # shared by every request: never changed in place
        with self._lock:
            if key not in self._items:
                self._items[key] = value
                self._bytes += size
                while self._bytes > self.max_bytes:
                    _, old = self._items.popitem(last=False)
                    self._bytes -= _nbytes(old)


def _nbytes(value) -> int:
    return sum(a.nbytes for a in value) if isinstance(value, tuple) else value.nbytes


def _raw_matcher(reader, field: str, btext: bytes):
    try:
        m = reader.postings(field, btext)
    except TermNotFound:  # in another segment only
        return NullMatcher()
    # Deletions are applied per query (they change; the postings do not).
    return m.child if isinstance(m, FilterMatcher) else m


def _block_ids(m: W3LeafMatcher) -> np.ndarray:
    """The current block's docnums (stored as deltas from 0: ``_mini_ids``)."""
    m._read_data()
    return np.cumsum(np.asarray(m._data[0], dtype=np.int64))


def _load_postings(reader, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    m = _raw_matcher(reader, field, btext)
    ids, weights = [], []
    if isinstance(m, W3LeafMatcher):
        # Whoosh's private block API (pinned <2.8): a block's ids and weights at once.
        while m.is_active():
            ids.append(_block_ids(m).astype(np.int32))
            m._read_weights()
            weights.append(np.asarray(m._weights, dtype=np.float32))
            m._next_block()
        if not ids:
            return np.empty(0, np.int32), np.empty(0, np.float32)
        return np.concatenate(ids), np.concatenate(weights)
    while m.is_active():  # short, inlined lists
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    return np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float32)


def _within(counts: np.ndarray) -> np.ndarray:
    """0, 1, ... counts[0] - 1, 0, 1, ... counts[1] - 1, ...: each item's rank in its run."""
    return np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)


def _unpickle_positions(values) -> list:
    """Each value's position deltas, by unpickling (the general case).

    A value is a count and a protocol-2 pickle of the deltas
    (``formats.Positions.encode``); the pickles' bodies are joined into one
    tuple and unpickled at once rather than one by one.
    """
    bodies = []
    for v in values:
        body = v[_UINT:]
        if body[:2] != b"\x80\x02":
            raise Unsupported("positions in an unknown encoding")
        bodies.append(body[2:-1] if body.endswith(b".") else body[2:])
    lists = pickle.loads(b"\x80\x02(" + b"".join(bodies) + b"t.")
    if len(lists) != len(values):
        raise Unsupported("positions in an unknown encoding")
    return lists


_HEADER = np.frombuffer(b"\x80\x02]q\x00", dtype=np.uint8)  # protocol 2, a list, memo 0
_K, _STOP = ord("K"), ord(".")  # K: an int below 256 in the next byte


def _decode_positions(values) -> tuple[np.ndarray, np.ndarray]:
    """(occurrences per posting, positions) of a term's ``Positions`` values.

    Unpickling is most of a cold phrase's cost. A pickled list whose every delta
    is below 256 is regular: header, then ``K`` and one byte per delta. Those
    (nearly all of them: positions are close together) are read straight from
    the joined bytes with numpy; any other value is unpickled.
    """
    n = len(values)
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=n)
    buf = np.frombuffer(b"".join(values), dtype=np.uint8)
    starts = np.cumsum(lengths) - lengths
    head = buf[starts[:, None] + np.arange(_UINT + len(_HEADER))].astype(np.int64)
    counts = (head[:, 0] << 24) | (head[:, 1] << 16) | (head[:, 2] << 8) | head[:, 3]
    stop = buf[starts + lengths - 1] == _STOP
    # header, "(" when more than one, K and a byte per delta, "a" or "e", maybe "."
    regular = (head[:, _UINT:] == _HEADER).all(axis=1) & (counts > 0) & (
        lengths == _UINT + len(_HEADER) + (counts > 1) + 2 * counts + 1 + stop)
    first = np.cumsum(counts) - counts  # where each posting's positions start
    c = counts[regular]
    items = starts[regular] + _UINT + len(_HEADER) + (c > 1)  # each value's first K
    # the deltas' bytes: a value's first is its first K's next byte, then every second
    step = np.full(int(c.sum()), 2, dtype=np.int64)
    step[np.cumsum(c) - c] = items + 1 - np.concatenate(([0], (items + 2 * c - 1)[:-1]))
    at = np.cumsum(step)
    if len(at) and not (buf[at - 1] == _K).all():
        raise Unsupported("positions in an unknown encoding")
    odd = np.nonzero(~regular)[0]
    if not len(odd):
        deltas = buf[at].astype(np.int64)
    else:
        deltas = np.empty(int(counts.sum()), dtype=np.int64)
        deltas[np.repeat(first[regular], c) + _within(c)] = buf[at]
        lists = _unpickle_positions([values[i] for i in odd])
        c = counts[odd]
        if [len(x) for x in lists] != c.tolist():
            raise Unsupported("positions in an unknown encoding")
        deltas[np.repeat(first[odd], c) + _within(c)] = np.fromiter(
            chain.from_iterable(lists), dtype=np.int64, count=int(c.sum()))
    # positions: the deltas summed within each posting
    total = np.cumsum(deltas)
    before = np.zeros(n, dtype=np.int64)
    later = first > 0
    before[later] = total[first[later] - 1]
    return counts, total - np.repeat(before, counts)


def _occurrence_table(ids: list, values: list):
    """(docs, offsets, positions): doc ``docs[k]``'s positions are
    ``positions[offsets[k]:offsets[k + 1]]``, ascending."""
    if not ids:
        return np.empty(0, np.int32), np.zeros(1, np.int64), np.empty(0, np.int32)
    counts, positions = _decode_positions(values)
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return np.concatenate(ids).astype(np.int32), offsets, positions.astype(np.int32)


def _everything(reader, field: str, btext: bytes):
    """A term's postings (ids, weights) and occurrence table, from one pass over its blocks."""
    m = _raw_matcher(reader, field, btext)
    if not isinstance(m, W3LeafMatcher):
        return _load_postings(reader, field, btext), _occurrences_in(reader, field, btext, None)
    ids, weights, values = [], [], []
    while m.is_active():
        ids.append(_block_ids(m).astype(np.int32))
        m._read_weights()
        m._read_values()
        weights.append(np.asarray(m._weights, dtype=np.float32))
        values.extend(m._values)
        m._next_block()
    if not ids:
        return (np.empty(0, np.int32), np.empty(0, np.float32)), _occurrence_table([], [])
    return (np.concatenate(ids), np.concatenate(weights)), _occurrence_table(ids, values)


def _occurrences_in(reader, field: str, btext: bytes, wanted: np.ndarray | None):
    """The term's occurrence table over the ``wanted`` local docs (sorted), or over
    every document when None. Only the blocks holding a wanted doc are read."""
    m = _raw_matcher(reader, field, btext)
    ids, values = [], []
    k = 0
    while m.is_active() and (wanted is None or k < len(wanted)):
        if isinstance(m, W3LeafMatcher):
            if wanted is not None and wanted[k] > m.block_max_id():
                m._next_block()
                continue
            block = _block_ids(m)
            m._read_values()
            if wanted is None:
                values.extend(m._values)
            else:
                picked = np.nonzero(np.isin(block, wanted, assume_unique=True))[0]
                block = block[picked]
                values.extend(m._values[i] for i in picked)
                k = int(np.searchsorted(wanted, m.block_max_id(), side="right"))
            ids.append(block)
            m._next_block()
        else:
            doc = m.id()
            if wanted is None or doc in wanted:
                ids.append(np.array([doc]))
                values.append(m.value())
            m.next()
    return _occurrence_table(ids, values)


def _gather(table, local: np.ndarray) -> np.ndarray:
    """rank of the doc in ``local`` * _SHIFT + position, for each occurrence of the
    term in the ``local`` docs (every one of which holds it): sorted, as ``local`` is."""
    docs, offsets, positions = table
    at = np.searchsorted(docs, local)
    begin = offsets[at]
    counts = offsets[at + 1] - begin
    picked = np.repeat(begin, counts) + _within(counts)
    return np.repeat(np.arange(len(local), dtype=np.int64) * _SHIFT, counts) + positions[picked]


def _column(reader, field: str, cache: ArrayCache, key) -> np.ndarray:
    """A numeric column of one segment as an array (Whoosh reads it one doc at a time)."""
    def load():
        n = reader.doc_count_all()
        col = reader.column_reader(field, translate=False)
        if isinstance(col, NumericColumn.Reader):
            raw = col._dbfile.get(col._basepos, col._count * col._fixedlen)
            dtype = np.dtype(">" + col._typecode)
            values = np.frombuffer(raw, dtype=dtype)
            out = np.full(n, col._default, dtype=dtype.newbyteorder("="))
            out[:len(values)] = values[:n]
            return out
        raise Unsupported(f"column {field!r} is not numeric")
    return cache.get(key, load)


def _lengths(reader, field: str, cache: ArrayCache, seg: str) -> np.ndarray:
    def load():
        n = reader.doc_count_all()
        col = reader._perdoc._cached_reader(f"_{field}_len", NumericColumn("B", default=0))
        if col is None:
            return np.ones(n, dtype=np.uint8)
        raw = col._dbfile.get(col._basepos, col._count)
        out = np.zeros(n, dtype=np.uint8)
        out[:col._count] = np.frombuffer(raw, dtype=np.uint8)[:n]
        return out
    return cache.get(("len", seg, field), load)


class Evaluator:
    """Matches and BM25F scores of a parsed query on one searcher, as sorted arrays."""

    def __init__(self, searcher, cache: ArrayCache):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.cache = cache
        self.n = self.reader.doc_count_all()
        self.leaves = [(r, off, r.segment().segment_id()) for r, off in self.reader.leaf_readers()
                       if r.segment() is not None]  # None: an empty index

    # ---- leaves ------------------------------------------------------------------

    def _btext(self, field: str, text) -> bytes | None:
        if field not in self.searcher.schema:
            return None
        try:
            btext = self.searcher.schema[field].to_bytes(text)
        except ValueError:
            return None
        return btext if (field, btext) in self.reader else None

    def _segment_postings(self, field: str, btext: bytes):
        """(leaf reader, doc offset, segment key, local ids, weights) with deletions out."""
        for r, off, seg in self.leaves:
            ids, weights = self.cache.get(("post", seg, field, btext),
                                          lambda r=r: _load_postings(r, field, btext))
            if not len(ids):
                continue
            if r.has_deletions():
                keep = ~self._deleted(r, seg)[ids]
                ids, weights = ids[keep], weights[keep]
            yield r, off, seg, ids, weights

    def _deleted(self, r, seg: str) -> np.ndarray:
        """A segment's deleted docs as a mask, kept while the searcher lives (its
        deletions are fixed for it)."""
        masks = self.searcher.__dict__.setdefault("deletion_masks", {})
        if seg not in masks:
            mask = np.zeros(r.doc_count_all(), dtype=bool)
            mask[np.fromiter(r.deleted_docs_set, dtype=np.int64)] = True
            masks[seg] = mask
        return masks[seg]

    def ids(self, q) -> np.ndarray:
        """The sorted global docnums matching a filter query (no scores)."""
        if isinstance(q, query.Term):
            btext = self._btext(q.fieldname, q.text)
            if btext is None:
                return _NOTHING
            parts = [ids.astype(np.int64) + off
                     for _, off, _, ids, _ in self._segment_postings(q.fieldname, btext)]
            return np.concatenate(parts) if parts else _NOTHING
        if isinstance(q, query.And):
            out = None
            for child in q.subqueries:
                ids = self.ids(child)
                out = ids if out is None else out[_intersect(out, ids, self.n)[0]]
            return _NOTHING if out is None else out
        if isinstance(q, query.Or):
            parts = [self.ids(child) for child in q.subqueries]
            if not parts:
                return _NOTHING
            return _union(parts, [np.zeros(len(p)) for p in parts], self.n)[0]
        if q is query.NullQuery:
            return _NOTHING
        raise Unsupported(type(q).__name__)

    def _term(self, field: str, text, boost: float):
        btext = self._btext(field, text)
        if btext is None:
            return _NOTHING, np.empty(0)
        s, w = self.searcher, self.searcher.weighting
        if type(w) is not scoring.BM25F:
            raise Unsupported("only BM25F is computed here")
        idf = s.idf(field, btext)
        avgfl = s.avg_field_length(field) or 1
        B, K1 = w._field_B.get(field, w.B), w.K1
        all_ids, all_scores = [], []
        for r, off, seg, ids, weights in self._segment_postings(field, btext):
            tf = weights.astype(np.float64)
            fl = _LENGTH[_lengths(r, field, self.cache, seg)[ids]]
            # scoring.bm25, in the same order of operations
            score = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
            all_ids.append(ids.astype(np.int64) + off)
            all_scores.append(score * boost if boost != 1.0 else score)
        if not all_ids:
            return _NOTHING, np.empty(0)
        return np.concatenate(all_ids), np.concatenate(all_scores)

    # ---- the tree ----------------------------------------------------------------

    def scored(self, q) -> tuple[np.ndarray, np.ndarray]:
        """(sorted docnums, scores) of every document the query matches."""
        if isinstance(q, query.Term):
            return self._term(q.fieldname, q.text, q.boost)
        if isinstance(q, query.Phrase):
            return self._phrase(q)
        if q is query.NullQuery:
            return _NOTHING, np.empty(0)
        if isinstance(q, query.AndNot):
            ids, scores = self.scored(q.a)
            keep = ~_contains(ids, self.scored(q.b)[0], self.n)
            return self._boost(q, ids[keep], scores[keep])
        if isinstance(q, query.And):
            return self._and(q)
        if isinstance(q, query.Or):
            if q.minmatch:
                raise Unsupported("OR with a minimum")
            if q.scale and len(q.subqueries) > 1:
                return self._coord(q)
            parts = [self.scored(child) for child in q.subqueries]
            parts = [p for p in parts if len(p[0])]
            if not parts:
                return _NOTHING, np.empty(0)
            if len(parts) == 1:
                return self._boost(q, *parts[0])
            ids, scores, _ = _union([p[0] for p in parts], [p[1] for p in parts], self.n)
            return self._boost(q, ids, scores)
        raise Unsupported(type(q).__name__)

    def _coord(self, q):
        """A scaled OR ("any of these words"): Whoosh's CoordMatcher lifts a document
        by how many of the query's terms it holds."""
        leaves = []
        stack = list(q.subqueries)
        while stack:
            node = stack.pop()
            if isinstance(node, query.Term):
                leaves.append(node)
            elif isinstance(node, query.Or) and not node.scale and not node.minmatch \
                    and node.boost == 1.0:
                stack.extend(node.subqueries)
            else:
                raise Unsupported("scaled OR over more than words")
        present = [(t, b) for t in leaves
                   if (b := self._btext(t.fieldname, t.text)) is not None]
        parts = [self._term(t.fieldname, t.text, t.boost) for t, _b in present]
        parts = [p for p in parts if len(p[0])]
        if not parts:
            return _NOTHING, np.empty(0)
        ids, total, matching = _union([p[0] for p in parts], [p[1] for p in parts], self.n)
        # Whoosh builds its matchers per segment: a word missing from a document's
        # segment is not one of that document's "terms in the query".
        per_leaf = np.array([sum((t.fieldname, b) in r for t, b in present)
                             for r, _off, _seg in self.leaves], dtype=np.float64)
        starts = np.array([off for _r, off, _seg in self.leaves], dtype=np.int64)
        n = per_leaf[np.searchsorted(starts, ids, side="right") - 1]
        scale = q.scale
        # wrappers.CoordMatcher._sqr, in the same order of operations
        with np.errstate(divide="ignore", invalid="ignore"):
            scores = (total + ((matching - 1) / (n - scale) ** 2)) * ((n - 1) / n)
        scores[(n == 0) | (n == scale)] = 0.0
        return self._boost(q, ids, scores)

    @staticmethod
    def _boost(q, ids, scores):
        return (ids, scores * q.boost) if q.boost != 1.0 else (ids, scores)

    def _and(self, q):
        positive = [c for c in q.subqueries if not isinstance(c, query.Not)]
        negative = [c for c in q.subqueries if isinstance(c, query.Not)]
        if not positive:
            raise Unsupported("NOT alone")
        ids, scores = self.scored(positive[0])
        for child in positive[1:]:
            if not len(ids):
                break
            cids, cscores = self.scored(child)
            ia, ib = _intersect(ids, cids, self.n)
            ids, scores = ids[ia], scores[ia] + cscores[ib]
        for child in negative:
            keep = ~_contains(ids, self.scored(child.query)[0], self.n)
            # Whoosh's inverse matcher scores 1.0 where the excluded words are absent.
            ids, scores = ids[keep], scores[keep] + 1.0
        return self._boost(q, ids, scores)

    def _phrase(self, q):
        if q.slop != 1:
            raise Unsupported("sloppy phrase")
        words = list(q.words)
        if not words:
            return _NOTHING, np.empty(0)
        btexts = [self._btext(q.fieldname, w) for w in words]
        if any(b is None for b in btexts):
            return _NOTHING, np.empty(0)
        if len(words) > 1:
            self._preload_common(q.fieldname, btexts)
        # Scored as the AND of its words (Whoosh's phrase wraps that intersection) ...
        ids, scores = self._and(query.And([query.Term(q.fieldname, w) for w in words]))
        if len(words) == 1 or not len(ids):
            return self._boost(q, ids, scores)
        # ... kept where the words stand next to each other, in order.
        keep = np.zeros(len(ids), dtype=bool)
        for r, off, seg in self.leaves:
            lo, hi = np.searchsorted(ids, [off, off + r.doc_count_all()])
            if lo == hi:
                continue
            local = ids[lo:hi] - off
            # starts: rank * _SHIFT + position of the first word where the phrase may begin
            starts = _gather(self._table(r, seg, q.fieldname, btexts[0], local), local)
            for i, btext in enumerate(btexts[1:], 1):
                if not len(starts):
                    break
                keys = _gather(self._table(r, seg, q.fieldname, btext, local), local) - i
                starts = starts[_find(starts, keys)[0]]
            keep[lo + starts // _SHIFT] = True
        return self._boost(q, ids[keep], scores[keep])

    def _preload_common(self, field: str, btexts: list[bytes]) -> None:
        """A common word's postings and positions read in one pass over its blocks.

        Its positions will be decoded whole anyway (its candidates are many), and
        reading its blocks once instead of twice halves a cold phrase's cost.
        """
        for r, _off, seg in self.leaves:
            n = r.doc_count_all()
            for btext in btexts:
                post, pos = ("post", seg, field, btext), ("pos", seg, field, btext)
                if self.cache.has(pos) or self.cache.has(post):
                    continue
                try:
                    common = r.doc_frequency(field, btext) * COMMON_SHARE >= n
                except TermNotFound:
                    continue
                if common:
                    postings, table = _everything(r, field, btext)
                    self.cache.put(post, postings)
                    self.cache.put(pos, table)

    def _table(self, r, seg: str, field: str, btext: bytes, local: np.ndarray):
        """A term's occurrence table, covering at least the ``local`` docs of one segment.

        Decoding positions is the slow part. When the phrase's candidates are a
        good part of the term's documents (a common word: the kind that comes
        back), every occurrence is decoded once and cached; otherwise only the
        candidates' are, and not kept.
        """
        pos = ("pos", seg, field, btext)
        if not self.cache.has(pos):
            postings = self.cache.get(("post", seg, field, btext),
                                      lambda: _load_postings(r, field, btext))[0]
            if len(local) * FULL_DECODE_SHARE < len(postings):
                return _occurrences_in(r, field, btext, local)
        return self.cache.get(pos, lambda: _occurrences_in(r, field, btext, None))


def top(ids: np.ndarray, keys: np.ndarray, limit: int, *, descending_ids: bool = False):
    """Indexes of the ``limit`` largest keys, ties by docnum (ascending unless asked)."""
    if limit <= 0 or not len(ids):
        return np.empty(0, dtype=np.int64)
    if limit < len(keys):
        bar = np.partition(keys, len(keys) - limit)[len(keys) - limit]
        candidates = np.nonzero(keys >= bar)[0]
    else:
        candidates = np.arange(len(keys))
    tie = ids[candidates] if descending_ids else -ids[candidates]
    order = np.lexsort((tie, keys[candidates]))[::-1]  # keys may be unsigned: no negation
    return candidates[order[:limit]]


def sort_keys(evaluator: Evaluator, field: str) -> np.ndarray:
    """The whole index's values of a sortable numeric column, by global docnum."""
    parts = [_column(r, field, evaluator.cache, ("col", seg, field))
             for r, _off, seg in evaluator.leaves]
    return np.concatenate(parts) if parts else _NOTHING
