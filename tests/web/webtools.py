"""Helpers for the HTML page tests: forms with CSRF tokens, page titles."""

from __future__ import annotations

import re


def token_of(client) -> str:
    return client.get("/csrf-token").get_json()["csrf_token"]


def submit(client, url: str, data: dict | None = None, **kwargs):
    """POST a form the way a page does: with the session's CSRF token."""
    data = dict(data or {})
    data.setdefault("csrf_token", token_of(client))
    return client.post(url, data=data, **kwargs)


def title_of(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    return match.group(1) if match else ""


def text(resp) -> str:
    return resp.get_data(as_text=True)
