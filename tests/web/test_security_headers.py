"""Every response's security headers (community/security.py): set once each, and no
shared cache ever keeps a signed-in reader's page (a view's own headers are kept:
tests/api/test_api_profile.py, the avatar)."""

from __future__ import annotations

from community.security import CSP

EXPECTED = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY", "Referrer-Policy": "strict-origin-when-cross-origin"}


def _once_each(resp) -> None:
    for name, value in EXPECTED.items():
        assert resp.headers.getlist(name) == [value], name
    assert resp.headers.getlist("Vary").count("Cookie") == 1


def test_a_guests_page_and_a_missing_one_carry_each_header_once(client, make_thread):
    thread = make_thread()
    page = client.get(f"/threads/{thread.id}")
    assert page.status_code == 200
    _once_each(page)
    assert "no-store" not in page.headers.get("Cache-Control", "")
    missing = client.get("/threads/999999")
    assert missing.status_code == 404
    _once_each(missing)


def test_a_signed_in_page_and_the_api_are_never_stored(app, login, make_user, member_client):
    browser = login(app.test_client(), make_user())
    page = browser.get("/")
    _once_each(page)
    assert page.headers["Cache-Control"] == "no-store"
    api = member_client.get("/api/v1/spaces",
                            headers={"Authorization": f"Bearer {member_client.token}"})
    assert api.status_code == 200
    _once_each(api)
    assert api.headers["Cache-Control"] == "no-store"
