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


def parallel_readers(app, db, login, users: list) -> list:
    """A browser for each of ``users``, renamed "Parallel Reader <i>", then a guest's."""
    for i, user in enumerate(users):
        user.display_name = f"Parallel Reader {i}"
    db.session.commit()
    return [login(app.test_client(), user) for user in users] + [app.test_client()]


def assert_each_page_is_its_readers(results: dict[int, list[str]], signed_in: int) -> None:
    """``read_at_once``'s pages for ``parallel_readers``: each reader's pages name that
    reader only (the guest's nobody), and no placeholder is left in any of them."""
    from community.web.page_cache import CSRF_PLACEHOLDER

    for i, pages in results.items():
        for html in pages:
            assert CSRF_PLACEHOLDER not in html
            names = set(re.findall(r"Parallel Reader \d", html))
            assert names == ({f"Parallel Reader {i}"} if i < signed_in else set())
