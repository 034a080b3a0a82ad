"""What an import did, per kind of row: imported, updated, skipped with the reasons."""

from __future__ import annotations

import sys
import time
from collections import Counter, defaultdict

import click

MAX_WARNINGS_PER_REASON = 20


class Summary:
    def __init__(self):
        self.imported: Counter[str] = Counter()
        self.updated: Counter[str] = Counter()
        self.unchanged: Counter[str] = Counter()
        self.skipped: dict[str, Counter[str]] = defaultdict(Counter)
        self.warnings: list[str] = []
        self._warned: Counter[tuple[str, str]] = Counter()

    def skip(self, kind: str, reason: str, n: int = 1, *, file: str | None = None,
             line: int | None = None) -> None:
        self.skipped[kind][reason] += n
        if file is None:
            return
        self._warned[(kind, reason)] += 1
        seen = self._warned[(kind, reason)]
        if seen <= MAX_WARNINGS_PER_REASON:
            self.warnings.append(f"{file}:{line}: {kind} skipped: {reason}")
        elif seen == MAX_WARNINGS_PER_REASON + 1:
            self.warnings.append(f"{file}: further '{reason}' warnings not shown")

    @property
    def changed_anything(self) -> bool:
        return bool(sum(self.imported.values()) or sum(self.updated.values()))

    def lines(self) -> list[str]:
        kinds = sorted(set(self.imported) | set(self.updated) | set(self.unchanged)
                       | set(self.skipped))
        out = ["Summary:"]
        for kind in kinds:
            parts = [f"{self.imported[kind]:,} imported", f"{self.updated[kind]:,} updated"]
            if self.unchanged[kind]:
                parts.append(f"{self.unchanged[kind]:,} unchanged")
            skipped = self.skipped.get(kind)
            if skipped:
                reasons = "; ".join(f"{n:,} {reason}" for reason, n in skipped.most_common())
                parts.append(f"{sum(skipped.values()):,} skipped ({reasons})")
            out.append(f"  {kind}: " + ", ".join(parts))
        if not self.changed_anything:
            out.append("  nothing new: the database already holds this dump")
        return out


class Progress:
    """A bar per file on a terminal, a log line every few seconds otherwise."""

    def __init__(self, echo=click.echo, *, tty: bool | None = None, interval: float = 5.0):
        self.echo = echo
        self.tty = sys.stdout.isatty() if tty is None else tty
        self.interval = interval

    def start(self, name: str, total_bytes: int) -> None:
        self.name, self.total = name, max(total_bytes, 1)
        self.rows, self.started = 0, time.perf_counter()
        self._last = self.started
        if not self.tty:
            self.echo(f"{name}: reading ({total_bytes:,} bytes)")

    def advance(self, rows: int, position: int) -> None:
        self.rows += rows
        now = time.perf_counter()
        if self.tty:
            if now - self._last >= 0.2:
                self._last = now
                self._draw(position, now)
        elif now - self._last >= self.interval:
            self._last = now
            self.echo(f"{self.name}: {self.rows:,} rows, {self._rate(now):,.0f} rows/s, "
                      f"{min(position / self.total, 1):.0%}")

    def finish(self, detail: str = "") -> float:
        now = time.perf_counter()
        if self.tty:
            self._draw(self.total, now)
            click.echo("", err=False)
        self.echo(f"{self.name}: {self.rows:,} rows in {now - self.started:.1f} s "
                  f"({self._rate(now):,.0f} rows/s){detail}")
        return now - self.started

    def _rate(self, now: float) -> float:
        return self.rows / max(now - self.started, 1e-9)

    def _draw(self, position: int, now: float) -> None:
        done = min(position / self.total, 1.0)
        bar = "#" * int(done * 30)
        click.echo(f"\r{self.name:<14} [{bar:<30}] {done:4.0%} {self.rows:>10,} rows "
                   f"{self._rate(now):>8,.0f}/s", nl=False)
