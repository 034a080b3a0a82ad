"""The load test's arithmetic (benchmarks/load_stats.py): the benchmark itself never runs here."""

from collections import Counter

import pytest

from benchmarks.__main__ import main as run_benchmarks
from benchmarks.load_stats import MIX, Mix, match_deliveries, percentile, route_report


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))  # 1..100
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile([7.0], 99) == 7.0
    assert percentile([], 50) == 0.0
    assert percentile([3, 1, 2], 50) == 2  # sorted first


def test_the_issue_mix_is_80_15_5():
    total = sum(MIX.values())
    share = {kind: sum(w for name, w in MIX.items() if name.startswith(kind)) / total
             for kind in ("page", "api", "write")}
    assert share == pytest.approx({"page": 0.80, "api": 0.15, "write": 0.05})


def test_mix_deals_every_route_at_its_share():
    mix = Mix(deck=200, seed=3)
    picks = Counter(mix.pick() for _ in range(2000))  # ten decks
    total = sum(MIX.values())
    for name, weight in MIX.items():
        assert picks[name] == round(weight / total * 200) * 10
    # A short run still sees writes: each deck of 200 holds its 10.
    short = Mix(deck=200, seed=4)
    first_deck = Counter(short.pick() for _ in range(200))
    assert sum(n for name, n in first_deck.items() if name.startswith("write")) == 10


def test_route_report_counts_errors_and_rates_per_route():
    samples = [("page home", 0.0, 0.010, True), ("page home", 0.1, 0.030, True),
               ("page home", 0.2, 0.020, False), ("api spaces", 0.3, 0.005, True)]
    report = route_report(samples, duration=2.0)
    assert list(report) == ["api spaces", "page home", "all"]  # the total last
    assert report["page home"] == {"requests": 3, "per_s": 1.5, "p50_ms": 20.0, "p99_ms": 30.0,
                                   "errors": 1}
    assert report["all"]["requests"] == 4
    assert report["all"]["errors"] == 1
    assert report["all"]["p50_ms"] == 10.0


def test_deliveries_belong_to_the_latest_earlier_write_of_their_thread():
    writes = [("10", 100.0), ("10", 105.0), ("11", 101.0)]
    arrivals = [("10", 100.4), ("10", 105.2), ("11", 101.9), ("12", 103.0), ("11", 100.5)]
    delays = match_deliveries(writes, arrivals)
    # thread 12 was nobody's write; the arrival on 11 before its write is not its doing
    assert delays == pytest.approx([0.4, 0.2, 0.9])


def test_an_unknown_benchmark_name_fails_without_running_anything(capsys):
    assert run_benchmarks(["no-such-thing", "--posts", "10"]) == 1
    out = capsys.readouterr().out
    assert "no benchmark named no-such-thing" in out
    assert "no benchmark named 10" not in out  # an option's value is not a benchmark's name
