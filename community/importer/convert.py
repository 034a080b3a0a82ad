"""HTML bodies to Markdown, then to sanitised HTML: inline, or on worker processes.

Conversion is the costly part of an import (BeautifulSoup, then markdown-it and nh3),
so big dumps spread it over processes while the main one parses and writes.
"""

from __future__ import annotations

import html as html_lib
import multiprocessing
import os
import re
from collections import deque

from markdownify import MarkdownConverter

from ..rendering import render_markdown

_converter = MarkdownConverter(heading_style="ATX", bullets="-")
_BLANKS = re.compile(r"\n{3,}")
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t]+")

# Above this size a Posts.xml is converted on worker processes (spawn start-up ~0.5 s).
POOL_THRESHOLD_BYTES = 8 << 20


def html_to_markdown(html: str) -> str:
    if not html:
        return ""
    try:
        return _BLANKS.sub("\n\n", _converter.convert(html)).strip()
    except RecursionError:
        # Thousands of nested elements exhaust the tree walk: keep the words, as plain text.
        text = html_lib.unescape(_TAG.sub(" ", html))
        return _BLANKS.sub("\n\n", _SPACES.sub(" ", text)).strip()


def convert_html(html: str) -> tuple[str, str]:
    markdown = html_to_markdown(html)
    return markdown, render_markdown(markdown)


def convert_markdown(text: str) -> tuple[str, str]:
    return text, render_markdown(text)


def _convert_job(items: list[tuple[bool, str]]) -> list[tuple[str, str]]:
    return [convert_html(text) if is_html else convert_markdown(text) for is_html, text in items]


class Converter:
    """Submit a batch's texts, get the results back in submission order.

    ``submit(items, payload)`` returns the finished (payload, results) pairs that fell
    out of the pipeline; ``drain()`` returns the rest. Inline when ``workers`` is 0.
    """

    def __init__(self, workers: int = 0):
        self.workers = workers
        self._pool = None
        self._pending: deque = deque()

    def __enter__(self):
        if self.workers:
            # spawn: a fork of a process holding database connections and threads is unsafe.
            self._pool = multiprocessing.get_context("spawn").Pool(self.workers)
        return self

    def __exit__(self, *exc):
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def submit(self, items: list[tuple[bool, str]], payload) -> list:
        if self._pool is None:
            return [(payload, _convert_job(items))]
        self._pending.append((payload, self._pool.apply_async(_convert_job, (items,))))
        done = []
        while len(self._pending) > self.workers + 1:
            payload, result = self._pending.popleft()
            done.append((payload, result.get()))
        return done

    def drain(self) -> list:
        done = []
        while self._pending:
            payload, result = self._pending.popleft()
            done.append((payload, result.get()))
        return done


def auto_workers(posts_bytes: int) -> int:
    if posts_bytes < POOL_THRESHOLD_BYTES:
        return 0
    return max(1, min(os.cpu_count() or 1, 4))
