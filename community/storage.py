"""Where files the application keeps (avatars) live: one small interface, a folder today.

Keys are relative paths made by the application (``avatars/12/ab34-64.webp``), never by
a user. Another backend (S3) only has to provide ``put``, ``get`` and ``delete``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import current_app


class FolderStorage:
    def __init__(self, root: str):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"storage key outside the folder: {key!r}")
        return path

    def put(self, key: str, data: bytes) -> None:
        """Written whole or not at all: a crash never leaves half a file under ``key``."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, keys: list[str]) -> None:
        for key in keys:
            self._path(key).unlink(missing_ok=True)


def avatars() -> FolderStorage:
    return FolderStorage(current_app.config["AVATAR_STORAGE_DIR"])
