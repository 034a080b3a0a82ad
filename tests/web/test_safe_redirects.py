"""One safe-redirect rule for every form that takes a `next`: hostile targets never leave
the site, never break the response, and never stop (or repeat) the action itself."""

from __future__ import annotations

from urllib.parse import unquote, urljoin, urlsplit

import pytest
from sqlalchemy import func, select
from webtools import submit

from community.models import Flag
from community.web.helpers import is_safe_next, safe_next

PASSWORD = "correct-horse-battery"

HOSTILE = [
    # protocol-relative and backslash forms
    "//evil.example", "///evil.example", "////evil.example", "//evil.example/path",
    "/\\evil.example", "\\\\evil.example", "/\\/evil.example", "\\/evil.example",
    # tabs and line breaks, which browsers drop inside a URL
    "/\t/evil.example", "\t//evil.example", "/\r\n//evil.example", "/\n/evil.example",
    "/\r/evil.example", "/\r\nLocation: https://evil.example", "/\x00/evil.example",
    "/\x7f/evil.example", " //evil.example",
    # the same, percent-encoded (a proxy or a second hop may decode them)
    "/%09/evil.example", "/%0D%0A//evil.example", "/%0a/evil.example", "/%2F/evil.example",
    "%2F%2Fevil.example", "/%2F%2Fevil.example", "/%5Cevil.example", "/%5C%5Cevil.example",
    "%2f%2fevil.example",
    # schemes
    "https://evil.example", "http://evil.example/x", "https:/evil.example", "http:evil.example",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "evil.example",
    # userinfo
    "https://localhost@evil.example", "//localhost@evil.example", "http://user:pw@evil.example/",
    # IDN and look-alike slashes
    "//evіl.example", "//ｅｖｉｌ.example", "／／evil.example", "/\u2215/evil.example/\u200b",
    "//xn--evl-ndb.example",
    # overlong: a huge value, and overlong UTF-8 for "/"
    "/" + "a" * 5000, "%C0%AF%C0%AFevil.example", "/\u202e/evil.example",
    "", None,
]

SAFE = ["/", "/threads/3/how-do-i", "/ask?kind=idea", "/search?q=caf%C3%A9&page=2",
        "/threads/3#post-4", "/users/zoë", "/notifications?page=2"]


def lands_on_site(location: str, page: str = "http://localhost/threads/1") -> bool:
    """Where a browser would go: it drops tabs and line breaks, reads "\\" as "/",
    and resolves the rest against the page. Checked raw and once percent-decoded."""
    for value in (location, unquote(location)):
        cleaned = "".join(c for c in value if c not in "\t\r\n").strip("\x00 ").replace("\\", "/")
        parts = urlsplit(urljoin(page, cleaned))
        if parts.scheme not in ("http", "https") or parts.netloc != "localhost":
            return False
    return True


@pytest.mark.parametrize("target", HOSTILE)
def test_a_hostile_target_is_refused_for_the_fallback(target):
    assert not is_safe_next(target)
    assert safe_next(target, "/fallback") == "/fallback"


@pytest.mark.parametrize("target", SAFE)
def test_a_path_on_this_site_is_kept(target):
    assert is_safe_next(target) and safe_next(target, "/fallback") == target


def test_the_flag_forms_save_the_flag_once_and_stay_on_site(db, make_user, make_thread,
                                                             make_post, browser):
    thread = make_thread()
    flagger = make_user()
    c = browser(flagger)
    for target in filter(None, HOSTILE):
        post = make_post(thread=thread)
        resp = submit(c, f"/posts/{post.id}/flag", {"reason": "spam", "next": target})
        assert resp.status_code == 303, (target, resp.status_code)
        assert resp.headers["Location"].endswith(f"/threads/{thread.id}"), target
        assert lands_on_site(resp.headers["Location"])
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Flag).where(
            Flag.target_type == "post", Flag.target_id == post.id,
            Flag.user_id == flagger.id)) == 1, target
    # The thread's own flag form goes through the same rule.
    resp = submit(c, f"/threads/{thread.id}/flag", {"reason": "spam", "next": "/\t/evil.example"})
    assert resp.status_code == 303 and lands_on_site(resp.headers["Location"])


def test_sign_in_signs_in_and_stays_on_site(app, make_user, fresh_context_per_request):
    user = make_user()
    for target in filter(None, HOSTILE):
        client = app.test_client()
        client.get("/login")
        resp = submit(client, "/login", {"login": user.username, "password": PASSWORD,
                                         "next": target})
        assert resp.status_code == 303, target
        assert resp.headers["Location"] in ("/", "http://localhost/"), (target, resp.headers)
        assert user.username in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\r\n//evil.example",
                                    "/%2F%2Fevil.example", "javascript:alert(1)"])
def test_the_other_next_forms_stay_on_site(target, make_user, make_thread, browser):
    thread = make_thread()
    c = browser(make_user(role="moderator"))
    answers = [
        submit(c, "/lang", {"lang": "fr", "next": target}),
        submit(c, "/notifications/read", {"all": "1", "next": target}),
        submit(c, f"/threads/{thread.id}/follow", {"next": target}),
        submit(c, f"/threads/{thread.id}/moderate", {"action": "close", "reason": "done",
                                                      "next": target}),
    ]
    for resp in answers:
        assert resp.status_code == 303, resp.get_data(as_text=True)[:300]
        assert lands_on_site(resp.headers["Location"]), resp.headers["Location"]
