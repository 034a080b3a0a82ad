"""Every page reachable from the demo community answers without a server error,
for a guest and for each demo role."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urlparse

import pytest
from sqlalchemy import select

from community.demo import ACCOUNTS, seed
from community.extensions import db
from community.models import User

LINK = re.compile(r'href="([^"]+)"')
MAX_PAGES = 120


@pytest.fixture
def demo(db):
    seed(db.session, echo=lambda *a, **k: None)
    db.session.commit()


def crawl(client) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque(["/"])
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        resp = client.get(path)
        seen[path] = resp.status_code
        if resp.status_code != 200 or "text/html" not in resp.content_type:
            continue
        for href in LINK.findall(resp.get_data(as_text=True)):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            parts = urlparse(href)
            if parts.scheme or parts.netloc or not href.startswith("/"):
                continue
            if href.startswith(("/static/", "/api/")) or href in seen:
                continue
            queue.append(href)
    return seen


@pytest.mark.parametrize("username", [None] + [a[0] for a in ACCOUNTS])
def test_no_page_of_the_demo_site_fails(app, demo, login, fresh_context_per_request, username):
    client = app.test_client()
    if username:
        user = db.session.scalar(select(User).where(User.username == username))
        password = next(a[3] for a in ACCOUNTS if a[0] == username)
        login(client, user, password=password)
    seen = crawl(client)
    errors = {path: code for path, code in seen.items() if code >= 500}
    assert not errors, errors
    assert len(seen) > 20
    if username == "marc":  # a moderator reaches the staff and moderation pages
        assert {"/cases", "/triage", "/moderation"} <= set(seen)
