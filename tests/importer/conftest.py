"""Hand-made Stack Exchange dump folders, written in the dump's own format."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest

ROOTS = {"Posts.xml": "posts", "Users.xml": "users", "Votes.xml": "votes",
         "Comments.xml": "comments", "Tags.xml": "tags", "PostLinks.xml": "postlinks",
         "Badges.xml": "badges"}


def dump_xml(name: str, rows: list[dict]) -> str:
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f"<{ROOTS[name]}>"]
    for row in rows:
        attrs = " ".join(f"{k}={quoteattr(str(v), {chr(10): '&#xA;'})}" for k, v in row.items())
        lines.append(f"  <row {attrs} />")
    lines.append(f"</{ROOTS[name]}>")
    return "\n".join(lines) + "\n"


@pytest.fixture
def write_dump(tmp_path):
    """write_dump({"Posts.xml": [rows] or raw text, ...}, site=...) -> the folder."""

    def write(files: dict, *, site: str = "tea.stackexchange.com", root: Path | None = None) -> Path:
        folder = (root or tmp_path / "dumps") / site
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            text = content if isinstance(content, str) else dump_xml(name, content)
            (folder / name).write_bytes(b"\xef\xbb\xbf" + text.encode())
        return folder

    return write
