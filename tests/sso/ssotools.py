"""Driving a browser (the Flask test client) through the loopback provider's pages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests

ROLE_CLAIM = "community_role"
CALLBACK = "http://localhost/auth/oidc/callback"


def to_provider(client, next_url=None, **headers):
    """Press "Sign in with …": the redirect to the provider's authorization page."""
    resp = client.get("/auth/oidc/login", query_string={"next": next_url} if next_url else {},
                      headers=headers)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return resp.headers["Location"]


def at_provider(authorize_url: str, sub: str | None, action: str = "approve") -> str:
    """The person at the provider's page picks who they are (or denies): the URL the
    provider sends the browser back to."""
    with requests.Session() as http:
        page = http.get(authorize_url, timeout=5)
        assert page.status_code == 200, page.text
        back = http.post(authorize_url, data={"sub": sub or "", "action": action},
                         allow_redirects=False, timeout=5)
    assert back.status_code == 302, back.text
    return back.headers["Location"]


def callback_path(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == CALLBACK
    return f"{parts.path}?{parts.query}"


def sign_in(client, sub: str, next_url=None, **headers):
    """The whole journey; the answer of the callback."""
    back = at_provider(to_provider(client, next_url, **headers), sub)
    return client.get(callback_path(back), headers=headers)


def query(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
