"""One anonymous search allowance per address, whichever search route is used."""

from __future__ import annotations

import pytest
from searchtools import ids

from community.services import accounts

ROUTES = [("/search", {"q": "pourover"}),
          ("/api/v1/search", {"q": "pourover"}),
          ("/api/v1/search/similar", {"title": "pourover kettle temperature"})]



@pytest.fixture
def indexed(make_thread, drain):
    made = make_thread(title="Pourover kettle temperature for light roasts")
    drain()
    return made


def assert_rate_limited(resp) -> None:
    """429 in the documented envelope (API.md), with the wait in Retry-After."""
    assert resp.status_code == 429, resp.get_data(as_text=True)[:300]
    assert int(resp.headers["Retry-After"]) > 0
    if resp.request.path.startswith("/api/"):
        body = resp.get_json()
        assert set(body) == {"error"} and body["error"]["code"] == "rate_limited"
        assert body["error"]["message"].strip()
    else:
        assert resp.mimetype == "text/html"


@pytest.mark.parametrize("last", range(len(ROUTES)))
def test_fifteen_guest_searches_on_any_routes_then_every_route_is_429(limited_app, indexed, last):
    guest = limited_app.test_client()
    for n in range(15):
        path, params = ROUTES[n % len(ROUTES)]
        resp = guest.get(path, query_string=params)
        assert resp.status_code == 200, (n, path, resp.get_data(as_text=True)[:300])
        if path == "/api/v1/search":
            assert ids(resp) == [indexed.id]  # real searches, not empty answers
    path, params = ROUTES[last]
    assert_rate_limited(guest.get(path, query_string=params))
    for path, params in ROUTES:  # the allowance is spent for every route
        assert_rate_limited(guest.get(path, query_string=params))


def test_a_signed_in_member_at_the_same_address_is_not_limited(limited_app, db, make_user, indexed):
    guest = limited_app.test_client()
    for n in range(16):
        path, params = ROUTES[n % len(ROUTES)]
        guest.get(path, query_string=params)
    assert_rate_limited(guest.get(*ROUTES[0][:1], query_string=ROUTES[0][1]))
    token = accounts.issue_token(db.session, make_user())
    db.session.commit()
    member = limited_app.test_client()
    for n in range(30):
        path, params = ROUTES[n % len(ROUTES)]
        resp = member.get(path, query_string=params, headers={"Authorization": f"Bearer {token}"})
        assert resp.status_code == 200, (n, path, resp.status_code)
        if path == "/api/v1/search":
            assert ids(resp) == [indexed.id]  # still real answers
