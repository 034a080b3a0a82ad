"""Search survives a Whoosh whose private internals changed under ``search/arrays.py``.

The fault is simulated the way an upgrade would bring it: Whoosh renames the
private method that loads a posting block (``W3LeafMatcher._read_data``), and its
own public matchers keep working through the new name. The array path then
fails; every search must still answer, with Whoosh's results, and say so in
/healthz and the log.
"""

from __future__ import annotations

import logging
import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from searchtools import ids
from whoosh.codec.whoosh3 import W3LeafMatcher

from community.search import arrays, selfcheck
from community.search.whoosh_backend import WhooshBackend

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def recheck(monkeypatch):
    """The self-check's verdict is kept per process: this test's process checks again."""
    monkeypatch.setattr(selfcheck, "_outcome", selfcheck.UNCHECKED)


def _through_new_name(original):
    def read(self):
        if self._data is None:
            self._load_block()
        return original(self)
    return read


def rename_block_loader(monkeypatch) -> None:
    """What a Whoosh release could do: ``_read_data`` becomes ``_load_block``."""
    monkeypatch.setattr(W3LeafMatcher, "_load_block", W3LeafMatcher._read_data, raising=False)
    for name in ("_read_ids", "_read_weights", "_read_values"):
        monkeypatch.setattr(W3LeafMatcher, name, _through_new_name(getattr(W3LeafMatcher, name)))
    monkeypatch.delattr(W3LeafMatcher, "_read_data")


@pytest.fixture
def corpus(make_thread, make_space, drain):
    """Enough threads that common words are stored in posting blocks, the part
    arrays.py reads itself, in two spaces and two segments."""
    space, other = make_space(), make_space()
    made = [make_thread(space=space if n % 2 else other,
                        title=f"Siphon brewing question number {n} about glass and flame",
                        body=f"The siphon {'with a cloth filter ' if n % 3 else ''}needs "
                             f"steady heat for round {n}.")
            for n in range(12)]
    drain()
    made += [make_thread(space=space, title="A later siphon question about cloth filters")]
    drain()
    return made


QUERIES = [{"q": "siphon"}, {"q": "siphon cloth"}, {"q": "cloth OR flame"},
           {"q": "siphon -cloth"}, {"q": '"cloth filter"'}, {"q": "siphon", "sort": "recent"}]


def answers(search) -> list:
    out = []
    for params in QUERIES:
        resp = search(**params)
        assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
        out.append((ids(resp), resp.get_json()["total"]))
    return out


def test_the_installed_whoosh_passes_the_self_check():
    assert selfcheck.run(WhooshBackend) is None


def test_the_pinned_whoosh_is_the_installed_one():
    pins = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pin = next(p for p in pins if p.lower().startswith("whoosh-reloaded"))
    assert re.fullmatch(r"whoosh-reloaded==[\w.]+", pin), pin
    assert pin.split("==")[1] == metadata.version("whoosh-reloaded")


def test_a_changed_whoosh_internal_fails_the_self_check(monkeypatch):
    rename_block_loader(monkeypatch)
    failure = selfcheck.run(WhooshBackend)
    assert failure is not None and "_read_data" in failure


def test_search_answers_through_whoosh_when_the_self_check_fails(
        recheck, monkeypatch, corpus, search, client, caplog):
    expected = answers(search)  # the array path, internals intact (checked at the first search)
    assert client.get("/healthz").get_json()["search_ranking"] == "ok"
    assert all(found for found, _total in expected[:3])
    monkeypatch.setattr(selfcheck, "_outcome", selfcheck.UNCHECKED)  # a new process...
    rename_block_loader(monkeypatch)  # ...on an upgraded Whoosh
    with caplog.at_level(logging.WARNING, logger="community.search"):
        assert answers(search) == expected
        health = client.get("/healthz")
    assert health.status_code == 200
    assert health.get_json()["search"] == "degraded"
    assert health.get_json()["search_ranking"] == "fallback"
    assert any("disagrees with Whoosh" in r.getMessage() for r in caplog.records)
    # the page too
    page = client.get("/search", query_string={"q": "siphon cloth"})
    assert page.status_code == 200 and b"Siphon brewing question" in page.data


def test_an_error_inside_the_array_path_falls_back_for_that_query(
        app, monkeypatch, corpus, search, caplog):
    expected = answers(search)
    assert selfcheck.passed(WhooshBackend)  # the check passed before the fault appeared
    rename_block_loader(monkeypatch)
    app.extensions["search"]._arrays = arrays.ArrayCache(2**24)  # nothing read yet
    with caplog.at_level(logging.WARNING, logger="community.search"):
        assert answers(search) == expected
    failures = [r for r in caplog.records if "array path failed" in r.getMessage()]
    assert failures and failures[0].exc_info is not None
