"""The load test's arithmetic, kept free of servers and sockets so that tests can check it:
percentiles, the workload mix, the per-route report and the matching of notifications
to the writes that caused them.
"""

from __future__ import annotations

import bisect
import random
from collections import defaultdict

# The mix: 80 % page reads, 15 % API reads, 5 % writes; within each, the routes.
MIX = {
    "page home": 20.0, "page space": 20.0, "page thread": 28.0, "page search": 12.0,
    "api threads": 4.0, "api thread": 5.0, "api search": 3.0, "api spaces": 3.0,
    "write answer": 2.0, "write vote": 2.0, "write question": 1.0,
}


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (the smallest value with at least p % of values at or below)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil without floats drifting
    return ordered[int(rank) - 1]


class Mix:
    """Picks operations in the mix's proportions: a shuffled deck rather than independent
    draws, so that even a short run has every route at its share (± one deck)."""

    def __init__(self, weights: dict[str, float] = MIX, deck: int = 200, seed: int = 0):
        total = sum(weights.values())
        cards: list[str] = []
        for name, weight in weights.items():
            cards += [name] * round(weight / total * deck)
        self._cards = cards
        self._rng = random.Random(seed)
        self._hand: list[str] = []

    def pick(self) -> str:
        if not self._hand:
            self._hand = self._cards[:]
            self._rng.shuffle(self._hand)
        return self._hand.pop()


def route_report(samples: list[tuple[str, float, float, bool]], duration: float) -> dict[str, dict]:
    """samples: (route, started_at, latency_s, ok). Per route and in total: requests, per
    second, p50 and p99 in milliseconds, errors."""
    by_route: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for route, _start, latency, ok in samples:
        by_route[route].append((latency, ok))
        by_route["all"].append((latency, ok))
    out = {}
    for route in sorted(by_route, key=lambda r: (r == "all", r)):
        rows = by_route[route]
        lat = [latency * 1000 for latency, _ in rows]
        out[route] = {"requests": len(rows), "per_s": round(len(rows) / duration, 1),
                      "p50_ms": round(percentile(lat, 50), 1),
                      "p99_ms": round(percentile(lat, 99), 1),
                      "errors": sum(1 for _, ok in rows if not ok)}
    return out


def match_deliveries(writes: list[tuple[str, float]], arrivals: list[tuple[str, float]]
                     ) -> list[float]:
    """Seconds from each write to each notification it caused.

    writes: (key, started_at) — the key names what the notification will carry (the
    thread and the verb); arrivals: (key, received_at). An arrival belongs to the latest
    write of its key that started before it; arrivals with no such write (notifications
    the workload did not cause on purpose) are left out.
    """
    starts: dict[str, list[float]] = defaultdict(list)
    for key, started in writes:
        starts[key].append(started)
    for times in starts.values():
        times.sort()
    out = []
    for key, received in arrivals:
        times = starts.get(key)
        if not times:
            continue
        i = bisect.bisect_right(times, received)
        if i:
            out.append(received - times[i - 1])
    return out
