"""Reading the account emails the SMTP server received."""

from __future__ import annotations

import re


def parts(msg) -> tuple[str, str]:
    """(plain text, HTML) of a message; both must be there."""
    text = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    return text, html


def link(msg, path: str) -> str:
    """The one absolute link to ``path`` in the message, the same in both parts."""
    text, html = parts(msg)
    found = set(re.findall(r"https?://[^\s\"<>]+" + re.escape(path) + r"[A-Za-z0-9_\-]+", text))
    assert len(found) == 1, text
    (url,) = found
    assert url in html
    return url


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]
