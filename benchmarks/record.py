"""Print a benchmark's figures beside the previous recorded ones, then record them.

Figures are kept as JSON in benchmarks/results/<name>.json (the latest run) and
appended as a dated table to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import json
import platform
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _fmt(value) -> str:
    return f"{value:,}" if isinstance(value, int | float) else str(value)


def record(name: str, results: dict[str, dict], *, command: str, note: str = "") -> None:
    store = HERE / "results" / f"{name}.json"
    previous = json.loads(store.read_text())["results"] if store.exists() else {}
    columns = sorted({k for figures in results.values() for k in figures})
    print(f"\n{name}: " + note)
    header = ["scenario", *columns]
    print(" | ".join(header))
    for scenario, figures in results.items():
        cells = [scenario]
        for col in columns:
            now = figures.get(col, "")
            before = previous.get(scenario, {}).get(col)
            if isinstance(now, int | float) and isinstance(before, int | float) and before:
                cells.append(f"{_fmt(now)} ({(now - before) / before:+.0%} vs {_fmt(before)})")
            else:
                cells.append(_fmt(now))
        print(" | ".join(cells))
    store.parent.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    store.write_text(json.dumps({"recorded_at": stamp, "command": command, "results": results},
                                indent=2) + "\n")
    lines = [f"\n### {name} — {stamp}\n", f"`{command}` on {platform.machine()}, "
             f"{platform.python_implementation()} {platform.python_version()}. {note}\n",
             "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for scenario, figures in results.items():
        lines.append("| " + " | ".join([scenario, *(_fmt(figures.get(c, "")) for c in columns)]) + " |")
    with open(HERE / "RESULTS.md", "a") as fh:
        fh.write("\n".join(lines) + "\n")
