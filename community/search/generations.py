"""Index generations on disk: ``SEARCH_INDEX_DIR`` is a symlink to the live one.

A rebuild writes a new generation beside the live index and swaps the link; a
rebuild killed with SIGKILL skips every cleanup and leaves its half-built folder.
The next rebuild, ``serve`` or ``worker`` removes such folders.
"""

from __future__ import annotations

import logging
import os
import re
import shutil

log = logging.getLogger(__name__)

# Beside the index: a generation (``.gen-<pid>-<time>-<hex>``, or ``.<time>-<hex>``
# before pids were recorded) or a plain index moved aside (``.old-<pid>``).
LEFTOVER = r"\.(?:(?:gen-(?P<pid>\d+)-)?\d{8}T\d{6}-[0-9a-f]{8}|old-(?P<aside>\d+))"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_leftovers(path: str, *, writer: bool) -> list[str]:
    """Remove the folders killed rebuilds left beside the index (a SIGKILL skips
    every cleanup). With the writer lock held (``writer``) no rebuild is running,
    so any generation but the live one is left over; without it, only those whose
    building process is gone."""
    parent, name = os.path.split(path)
    try:
        entries = os.listdir(parent)
    except FileNotFoundError:
        return []
    live = os.path.realpath(path)
    pattern = re.compile(re.escape(name) + LEFTOVER)
    removed = []
    for entry in entries:
        found = pattern.fullmatch(entry)
        folder = os.path.join(parent, entry)
        if not found or folder == live or os.path.islink(folder) or not os.path.isdir(folder):
            continue
        pid = found.group("pid") or found.group("aside")
        if not writer and (pid is None or _alive(int(pid))):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        log.warning("search: removed %s, left by a rebuild that did not finish", folder)
        removed.append(folder)
    return removed

