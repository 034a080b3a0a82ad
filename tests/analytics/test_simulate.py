"""`flask community simulate` plays a community through the services: with the default
parameters every question gets a first response inside its SLA, at least 70 % are
solved without staff, and `recompute --check` then finds the facts consistent."""

from __future__ import annotations

import re


def test_a_short_simulation_meets_its_targets_and_leaves_no_drift(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["community", "simulate", "--days", "1", "--seed", "5",
                                 "--start", "2026-11-23"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "space simulated-5: 2026-11-23 to 2026-11-23" in out
    questions = int(re.search(r"^questions (\d+)", out, re.M).group(1))
    assert questions >= 5
    assert "answered 100%" in out and "unanswered 0" in out
    cases, met, breached = map(int, re.search(
        r"cases (\d+): SLA met (\d+), breached (\d+)", out).groups())
    assert (met, breached) == (cases, 0)
    assert int(re.search(r"solved without staff (\d+)%", out).group(1)) >= 70

    again = runner.invoke(args=["community", "simulate", "--days", "2", "--seed", "5"])
    assert again.exit_code == 1 and "already played" in again.output

    check = runner.invoke(args=["community", "recompute", "--check"])
    assert check.exit_code == 0, check.output
    assert check.output.strip().endswith("no drift")
