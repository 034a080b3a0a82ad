"""Helpers for the HTML page tests: forms with CSRF tokens, page titles."""

from __future__ import annotations

import re
import threading


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


# ---- cached pages (tests of community/web/page_cache.py's contract) ------------------

TOKENS = re.compile(r'(name="csrf_token" value="|name="csrf-token" content=")[^"]+')


def page(client, url: str) -> str:
    """The page, its CSRF tokens (each reader's own) blanked for comparing."""
    resp = client.get(url)
    assert resp.status_code == 200, text(resp)[:300]
    return TOKENS.sub(r"\1TOKEN", text(resp))


def fresh(app, client, url: str) -> str:
    """The page rendered from scratch, as it would be with no cache at all."""
    app.extensions["page_cache"].clear()
    return page(client, url)


def read_at_once(clients: list, urls, rounds: int) -> dict[int, list[str]]:
    """Each client reads every url ``rounds`` times, all clients in threads at once:
    the pages each one got, in order."""


    results: dict[int, list[str]] = {i: [] for i in range(len(clients))}
    errors: list[BaseException] = []

    def read(i, client):
        try:
            for _ in range(rounds):
                for url in urls:
                    resp = client.get(url)
                    assert resp.status_code == 200
                    results[i].append(text(resp))
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    workers = [threading.Thread(target=read, args=(i, c)) for i, c in enumerate(clients)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not errors, errors
    return results
