"""Hand-made Stack Exchange dump folders, written in the dump's own format."""

from __future__ import annotations

from pathlib import Path

import pytest
from se_dump_rows import dump_xml


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
