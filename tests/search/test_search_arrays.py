"""The numpy evaluator finds exactly what Whoosh finds, with Whoosh's scores.

A real index of several segments (the indexer's batches) with deletions (updated
documents), and queries of every shape the parser gives: words, OR, -exclusion,
phrases, both languages, unknown words.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from whoosh import collectors, formats

from community.search import arrays
from community.search.base import SearchRequest
from community.search.whoosh_backend import WhooshBackend

EN = ("grinder burr espresso roast bean water pressure milk brew filter kettle crema shot "
      "bitter sour sweet body aroma fresh stale scale descale gasket pump machine warranty "
      "tamp basket boiler steam latte ratio bloom paper cold iced").split()
FR = ("moulin mouture torréfaction grain eau pression lait filtre bouilloire crème amer "
      "acide sucré arôme frais rassis détartrer joint pompe garantie café vapeur").split()


def _doc(rng, n: int, version: int = 0) -> dict:
    lang, words = ("fr", FR) if n % 3 == 0 else ("en", EN)
    pick = lambda k: " ".join(rng.choices(words, k=k))  # noqa: E731
    title, text = pick(rng.randint(3, 8)), pick(rng.randint(5, 80))
    return {"id": str(n), f"title_{lang}": title, f"text_{lang}": text,
            "tags": "", "spell": "",
            "space": str(1 + n % 3), "kind": "question" if n % 4 else "idea",
            "status": "open" if n % 2 else "answered", "accepted": n % 5 == 0,
            "score": rng.randint(-3, 20) + version,
            "created": datetime(2026, 1, 1) + timedelta(minutes=n),
            "_boost": 1.0 + (n % 7) / 10}


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    rng = random.Random(5)
    b = WhooshBackend(str(tmp_path_factory.mktemp("arrays") / "index"))
    with b.writer_lock():
        b.rebuild(_doc(rng, n) for n in range(1, 301))
        for start in (301, 341, 381):  # more segments, as the indexer's batches make
            b.index({n: _doc(rng, n) for n in range(start, start + 40)})
        # updates and deletions leave deleted documents in the older segments
        b.index({n: _doc(rng, n, version=1) for n in rng.sample(range(1, 400), 60)})
        b.index(dict.fromkeys(rng.sample(range(1, 400), 25)))
    return b


QUERIES = ["grinder", "espresso crema", "bitter sour sweet", "burr OR blade", "crema -bitter",
           "milk -steam -latte", '"burr grinder"', '"fresh bean water"', '"scale descale" pump',
           "torréfaction", "cafe lait", '"moulin grain"', "mouture -amer", "nothingness",
           "grinder nothingness", "pressure OR nothingness", "(boiler OR pump) warranty",
           '"espresso"', "shot shot", '"shot shot"']


# phrases: every position decoded, or the candidates' only, or read with the postings
@pytest.mark.parametrize("share", [(1_000_000, 0), (0, 0), (1_000_000, 1_000_000)])
@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("any_word", [False, True])  # every word required, or any (scaled OR)
# set operations: over a table of every docnum (64: these lists are long), or merged (0)
@pytest.mark.parametrize("dense", [64, 0])
def test_the_same_matches_and_scores_as_whoosh(backend, text, share, any_word, dense, monkeypatch):
    monkeypatch.setattr(arrays, "FULL_DECODE_SHARE", share[0])
    monkeypatch.setattr(arrays, "COMMON_SHARE", share[1])
    monkeypatch.setattr(arrays, "DENSE_SHARE", dense)
    backend._arrays = arrays.ArrayCache(2**24)
    q, _terms = backend.parse(text, any_word=any_word)
    with backend.searcher() as s:
        leaves = [r for r, _ in s.reader().leaf_readers()]
        assert len(leaves) > 1 and s.reader().has_deletions()
        try:
            ids, scores = arrays.Evaluator(s, backend._arrays).scored(q)
        except arrays.Unsupported:
            # "any of" over phrases or exclusions: left to Whoosh (see the last test)
            assert any_word and ('"' in text or "-" in text)
            return
        top = collectors.TopCollector(limit=100_000, usequality=False, replace=0)
        s.search_with_collector(q, top)
        expected = {hit.docnum: hit.score for hit in top.results()}
    assert sorted(expected) == ids.tolist()
    for docnum, score in zip(ids.tolist(), scores.tolist(), strict=True):
        assert score == pytest.approx(expected[docnum], rel=1e-9)


def test_matches_are_found_at_all(backend):
    """The comparison above is not between two empty answers."""
    with backend.searcher() as s:
        ev = arrays.Evaluator(s, backend._arrays)
        sizes = {text: len(ev.scored(backend.parse(text)[0])[0]) for text in QUERIES}
    assert sizes["grinder"] > 100 and 0 < sizes['"burr grinder"'] < sizes["grinder"]
    assert sizes["nothingness"] == 0 and sizes["torréfaction"] > 10
    assert 0 < sizes['"shot shot"'] < sizes["shot shot"]


def _request(text, **kw):
    return SearchRequest(text=text, allowed_spaces=frozenset({1, 2, 3}), limit=10, **kw)


@pytest.mark.parametrize("sort,field", [("recent", "created"), ("votes", "score")])
def test_sorted_pages_follow_whoosh_sort(backend, sort, field):
    pages = [backend.search(_request("espresso", sort=sort, offset=o)) for o in (0, 10)]
    q, _ = backend.parse("espresso")
    with backend.searcher() as s:
        column = s.reader().column_reader(field)
        docnum = {int(s.stored_fields(n)["id"]): n for n in range(s.doc_count_all())
                  if not s.reader().is_deleted(n)}
        expected = [column[h.docnum] for h in s.search(q, limit=20, sortedby=field, reverse=True)]
        got = [column[docnum[h.thread_id]] for p in pages for h in p.hits]
    assert pages[0].total == pages[1].total > 20
    assert got == expected and len(set(got)) > 1  # ties may come in another order, values not


def test_filters_and_totals_agree_with_whoosh(backend):
    req = _request("grinder OR crema", space=2, status="open")
    result = backend.search(req)
    q, _ = backend.parse(req.text)
    with backend.searcher() as s:
        allowed = set(s.docs_for_query(backend.filter_query(req)))
        top = collectors.TopCollector(limit=100_000, usequality=False, replace=0)
        s.search_with_collector(q, collectors.FilterCollector(top, allow=allowed))
        expected = [int(h["id"]) for h in top.results()]
    assert result.total == len(expected) > 0
    assert [h.thread_id for h in result.hits] == expected[:10]


def test_a_shape_it_does_not_compute_is_answered_by_whoosh(backend):
    text = "latte machine -gasket OR pompe"  # a NOT inside an OR
    q, _ = backend.parse(text)
    with backend.searcher() as s:
        with pytest.raises(arrays.Unsupported):
            arrays.Evaluator(s, backend._arrays).scored(q)
        top = collectors.TopCollector(limit=100_000, usequality=False, replace=0)
        s.search_with_collector(q, top)
        expected = [int(h["id"]) for h in top.results()]
    result = backend.search(_request(text))
    assert result.total == len(expected) > 0
    assert [h.thread_id for h in result.hits] == expected[:10]


def test_a_small_cache_evicts_and_answers_the_same(backend):
    backend._arrays = arrays.ArrayCache(2**24)
    texts = ["grinder", "espresso crema", '"burr grinder"', "cafe lait", "bitter OR sweet"]
    expected = [backend.search(_request(t)) for t in texts]
    small = backend._arrays = arrays.ArrayCache(20_000)
    for _ in range(2):
        got = [backend.search(_request(t)) for t in texts]
        assert [(r.total, [h.thread_id for h in r.hits]) for r in got] == \
            [(r.total, [h.thread_id for h in r.hits]) for r in expected]
        assert 0 < small._bytes <= small.max_bytes
    # what one request was handed, the next one reads: no request may change it
    cached = next(iter(small._items.values()))
    with pytest.raises(ValueError):
        (cached[0] if isinstance(cached, tuple) else cached)[:1] = 0


def test_positions_are_decoded_as_whoosh_decodes_them():
    """Small gaps are read from the bytes, any other list is unpickled: both as Whoosh reads."""
    rng = random.Random(3)
    lists = [[0], [7], [1, 2, 3], [300], [5, 70_000], list(range(0, 3000, 2)),
             sorted(rng.sample(range(5000), 40)), [255, 511, 512]]
    lists += [sorted(rng.sample(range(200), rng.randint(1, 30))) for _ in range(50)]
    fmt = formats.Positions()
    values = [fmt.encode(p) for p in lists]
    values += [v[:-1] for v in values[:10]]  # stored without the pickle's final "."
    lists += lists[:10]
    counts, positions = arrays._decode_positions(values)
    assert counts.tolist() == [len(p) for p in lists]
    assert positions.tolist() == [x for v in values for x in fmt.decode_positions(v)]
    assert positions.tolist() == [x for p in lists for x in p]


def test_any_word_counts_the_words_of_each_documents_segment(tmp_path):
    """Whoosh builds its matchers per segment: a word absent from a segment (a small
    later batch, say one edited thread) is not counted for that segment's documents."""
    def doc(n: int, text: str) -> dict:
        return {"id": str(n), "title_en": text, "text_en": f"{text} and some more words",
                "space": "1", "kind": "question", "status": "open", "score": n,
                "created": datetime(2026, 1, 1) + timedelta(minutes=n)}

    b = WhooshBackend(str(tmp_path / "index"))
    with b.writer_lock():
        b.rebuild(doc(n, "espresso grinder kettle") for n in range(1, 11))
        b.index({3: doc(3, "espresso only, edited")})  # a segment without "grinder"
    q, _ = b.parse("espresso grinder kettle", any_word=True)
    with b.searcher() as s:
        assert len(list(s.reader().leaf_readers())) == 2
        ids, scores = arrays.Evaluator(s, b._arrays).scored(q)
        top = collectors.TopCollector(limit=100, usequality=False, replace=0)
        s.search_with_collector(q, top)
        expected = {hit.docnum: hit.score for hit in top.results()}
    assert sorted(expected) == ids.tolist() and len(ids) == 10
    for docnum, score in zip(ids.tolist(), scores.tolist(), strict=True):
        assert score == pytest.approx(expected[docnum], rel=1e-9)
