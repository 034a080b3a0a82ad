"""Streaming rows out of a dump file, with the line each row sits on.

The parser is ElementTree's pull parser (what ``iterparse`` wraps), fed one bounded
line at a time so every row knows its line and memory stays flat however big the
file; each element is cleared once read and the root is emptied as we go.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

MAX_READ = 1 << 20  # a pathological single-line file is still read in 1 MiB pieces
# Dump numbers are plain decimals (Python's int() would also take " 7", "7_0", "٧") and fit
# a 32-bit column: anything else is a malformed row, never an overflow in the database.
_INTEGER = re.compile(r"-?[0-9]{1,10}")
INT_LIMIT = 1 << 31


class DumpError(Exception):
    """A fatal problem with the dump: the message names the file and, when known, the line."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None):
        self.file, self.line = file, line
        where = f"{file}:{line}: " if file and line else (f"{file}: " if file else "")
        super().__init__(where + message)


class RowError(ValueError):
    """One row cannot be imported (a missing or malformed attribute): skipped and reported."""


def iter_rows(path: Path, state: dict | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, attributes) of every <row> in ``path``; DumpError when the XML is broken.

    ``state["bytes"]`` follows how far the file has been read (for progress bars).
    """
    state = state if state is not None else {}
    name = path.name
    parser = ET.XMLPullParser(events=("start", "end"))
    root = None
    line = 0
    with open(path, "rb") as fh:  # bytes: expat reads the encoding and skips the BOM
        while True:
            chunk = fh.readline(MAX_READ)
            if not chunk:
                break
            state["bytes"] = state.get("bytes", 0) + len(chunk)
            if chunk.endswith(b"\n"):
                line += 1
            try:
                parser.feed(chunk)
                events = list(parser.read_events())
            except ET.ParseError as exc:
                raise DumpError(_parse_message(exc), file=name, line=_line(exc, line)) from None
            for event, element in events:
                if event == "start":
                    if root is None:
                        root = element
                    continue
                if element.tag == "row":
                    yield line if chunk.endswith(b"\n") else line + 1, dict(element.attrib)
                element.clear()
            if root is not None and len(root) > 256:
                del root[:]
        try:
            parser.close()
        except ET.ParseError as exc:
            raise DumpError(f"the file is truncated or malformed ({_parse_message(exc)})",
                            file=name, line=_line(exc, line + 1)) from None
    if root is None:
        raise DumpError("the file holds no XML document", file=name, line=max(line, 1))


def _line(exc: ET.ParseError, fallback: int) -> int:
    pos = getattr(exc, "position", None)
    return pos[0] if pos and pos[0] else fallback


def _parse_message(exc: ET.ParseError) -> str:
    # "not well-formed (invalid token): line 3, column 4" -> keep the reason only
    return str(exc).split(": line")[0]


def parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
        # OverflowError: a date outside the calendar once moved to UTC ("9999-12-31T23:00-05:00")
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise RowError(f"bad date {value[:40]!r}") from None


def require(row: dict[str, str], *names: str) -> None:
    missing = [n for n in names if not (row.get(n) or "").strip()]
    if missing:
        raise RowError("missing attribute " + ", ".join(missing))


def integer(row: dict[str, str], name: str, default: int | None = 0) -> int | None:
    value = row.get(name)
    if value is None or value == "":
        return default
    if not _INTEGER.fullmatch(value) or not -INT_LIMIT <= int(value) < INT_LIMIT:
        raise RowError(f"{name} is not a number: {value[:40]!r}")
    return int(value)


class SeenIds:
    """The ids already read from one file, so a repeated row is skipped, not imported twice
    (and a re-run, reading the same first row, changes nothing). Dump ids are dense: a
    bitmap of 1 bit per id keeps memory flat (10 MB for Stack Overflow's 80 million)."""

    def __init__(self):
        self._bits = bytearray()
        self._negative: set[int] = set()

    def add(self, n: int) -> bool:
        """True the first time ``n`` is seen."""
        if n < 0:
            new = n not in self._negative
            self._negative.add(n)
            return new
        byte, mask = n >> 3, 1 << (n & 7)
        if byte >= len(self._bits):
            self._bits.extend(bytes(max(byte + 1 - len(self._bits), len(self._bits))))
        if self._bits[byte] & mask:
            return False
        self._bits[byte] |= mask
        return True


def parse_tags(value: str | None) -> list[str]:
    """Both dump spellings: "<a><b>" (older) and "|a|b|" (newer)."""
    if not value:
        return []
    if value.startswith("<"):
        names = value.strip("<>").split("><")
    else:
        names = value.strip("|").split("|")
    seen: list[str] = []
    for raw in names:
        tag = raw.strip().lower()[:35]
        if tag and tag not in seen:
            seen.append(tag)
    return seen
