"""The figures' cache: readers of one key at once share one computation and one
answer, entries expire (counted from when their computation began), the cache stays
bounded, a failure is not kept, and through the API a commit shows once the entry has
expired (API.md: figures reflect a commit within 60 seconds)."""

from __future__ import annotations

import threading
import time

import pytest
from analytics_history import BODY, at, clock

from community.analytics.cache import MAX_SECONDS, FigureCache
from community.services import threads

WEEK = "from=2026-11-23&to=2026-11-30"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_readers_of_one_key_at_once_share_one_computation():
    cache = FigureCache(30, 8)
    calls, gate = [], threading.Event()

    def compute():
        calls.append(threading.get_ident())
        gate.wait(5)  # every reader is waiting before the figures are ready
        return {"questions": len(calls), "made_by": threading.get_ident()}

    answers, start = [], threading.Barrier(8)

    def reader():
        start.wait()
        answers.append(cache.get(("summary", 1), compute))

    readers = [threading.Thread(target=reader) for _ in range(8)]
    for t in readers:
        t.start()
    deadline = time.monotonic() + 5
    while not cache._pending and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)  # the other seven are now blocked on the computation
    gate.set()
    for t in readers:
        t.join(5)
    assert len(calls) == 1
    assert len(answers) == 8
    assert all(a is answers[0] for a in answers)
    assert answers[0]["questions"] == 1
    assert cache._pending == {}


def test_an_entry_expires_counted_from_the_start_of_its_computation():
    now = Clock()
    cache = FigureCache(30, 8, clock=now)
    made = []

    def compute():
        made.append(now.now)
        now.now += 5  # the computation itself takes five seconds
        return len(made)

    assert cache.get("k", compute) == 1
    now.now = 1029.9  # 29.9 s after the computation began, 24.9 s after it ended
    assert cache.get("k", compute) == 1
    now.now = 1030.0
    assert cache.get("k", compute) == 2
    assert made == [1000.0, 1030.0]


def test_the_cache_is_bounded_and_keeps_the_recently_used():
    cache = FigureCache(30, 3, clock=Clock())
    for key in "abc":
        cache.get(key, lambda key=key: key.upper())
    cache.get("a", lambda: "again")  # a is used: b is now the oldest
    cache.get("d", lambda: "D")
    assert len(cache) == 3
    assert cache.get("a", lambda: "recomputed") == "A"
    assert cache.get("b", lambda: "recomputed") == "recomputed"


def test_a_failure_is_not_kept_and_the_lifetime_is_capped():
    cache = FigureCache(30, 3, clock=Clock())

    def broken():
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        cache.get("k", broken)
    assert cache.get("k", lambda: 7) == 7
    assert FigureCache(3600, 3).seconds == MAX_SECONDS == 30  # twice that: API.md's 60 s
    off = FigureCache(0, 3)
    assert [off.get("k", lambda n=n: n) for n in (1, 2)] == [1, 2]


def test_a_commit_shows_in_the_summary_once_the_entry_expires(app, db, history, staff):
    now = Clock()
    app.extensions["analytics_cache"] = FigureCache(30, 8, clock=now)
    url = f"/api/v1/analytics/summary?{WEEK}"
    assert staff.get(url).get_json()["questions"] == 5
    asker = history.questions[0].author
    with clock(at(27, 9)):
        threads.create_thread(db.session, history.space, by=asker, kind="question",
                              title="How do I reset the export schedule?", body=BODY)
    db.session.commit()
    assert staff.get(url).get_json()["questions"] == 5  # the entry is 0 s old
    assert staff.get(f"{url}&space={history.space.slug}").get_json()["questions"] == 6
    now.now += 30
    fresh = staff.get(url).get_json()
    assert (fresh["questions"], fresh["unanswered"]) == (6, 2)


@pytest.fixture
def staff(client_for, make_user):
    return client_for(make_user(role="moderator"))
