"""User strings reach pages escaped or sanitised: titles, bodies, tags, names, <title>."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from webtools import text, title_of

from community.models import Tag, User
from community.services import threads as thread_service

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "'><iframe src=javascript:alert(1)>",
]
BODY_PAYLOADS = PAYLOADS + [
    "[x](javascript:alert(1))",
    "[y](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">z</a>',
    "![i](x onerror=alert(1))",
]
class _Tags(HTMLParser):
    """Every real tag and attribute of a page, as a browser's tokenizer sees them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: (v or "") for k, v in attrs}))

    handle_startendtag = handle_starttag


def assert_clean(html: str) -> None:
    """The payloads may appear as escaped text, never as live tags or attributes."""
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in {"svg", "iframe", "object", "embed", "base", "style"}, tag
        if tag == "script":
            # Our scripts, or structured data (a data block no browser runs; that text
            # cannot end it early is tests/web/test_discovery.py's business).
            assert (attrs.get("src", "").startswith("/static/")
                    or attrs == {"type": "application/ld+json"}), attrs
        if tag == "img":
            assert attrs.get("src") != "x", attrs
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            if name in ("href", "src", "action", "formaction"):
                scheme = value.strip().lower().split(":", 1)[0]
                assert scheme not in {"javascript", "data", "vbscript"}, (tag, name, value)


@pytest.fixture
def hostile(db, make_space, make_user):
    space = make_space(slug="xss", name="XSS <b>space</b>")
    author = make_user(username="hostile")
    author.display_name = '"><img src=x onerror=alert(1)><script>alert(1)</script>'
    # Usernames are restricted by the service; bypass it to prove the templates escape.
    weird = User(username='"><img src=x onerror=alert(1)>'[:30],
                 username_lower='"><img src=x onerror=alert(1)>'[:30].lower(),
                 email="weird@example.test", display_name="<script>alert(1)</script>",
                 password_hash=None)
    db.session.add(weird)
    db.session.commit()
    created = []
    for i, payload in enumerate(PAYLOADS):
        body = "\n\n".join(BODY_PAYLOADS) + f"\n\nnumber {i}"
        t = thread_service.create_thread(db.session, space, by=author, kind="question",
                                         title=f"Title {i} {payload}", body=body)
        # Tags are validated too; write hostile names directly to test the escaping.
        t.tags = [Tag(name=payload[:35])] if i < 2 else []
        thread_service.create_post(db.session, t, by=weird, body=body)
        created.append(t)
    db.session.commit()
    return {"space": space, "threads": created, "author": author, "weird": weird}


def test_home_and_space_pages_escape_user_strings(hostile, client):
    for url in ["/", "/spaces/xss", "/spaces/xss?tag=" + PAYLOADS[0][:35]]:
        page = text(client.get(url))
        assert_clean(page)
    page = text(client.get("/spaces/xss"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "XSS &lt;b&gt;space&lt;/b&gt;" in page
    assert_clean(title_of(page))


def test_thread_pages_escape_titles_and_sanitise_bodies(hostile, client):
    for thread in hostile["threads"]:
        page = text(client.get(f"/threads/{thread.id}"))
        assert_clean(page)
        title = title_of(page)
        assert "<" not in title.replace("</title>", "")
        assert title.endswith(" · Continuum")
    page = text(client.get(f"/threads/{hostile['threads'][0].id}"))
    assert "Title 0 &lt;script&gt;alert(1)&lt;/script&gt; · Continuum" in page


def test_profile_pages_escape_names(hostile, client):
    page = text(client.get("/users/hostile"))
    assert_clean(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    weird = hostile["weird"]
    resp = client.get("/users/" + weird.username)
    assert resp.status_code == 200
    assert_clean(text(resp))
    assert_clean(title_of(text(resp)))


def test_search_box_and_forms_echo_input_escaped(hostile, make_user, browser):
    from webtools import submit

    make_user(username="typist")
    c = browser(make_user())
    resp = submit(c, "/ask", {"space": "xss", "kind": "question", "title": PAYLOADS[1],
                              "body": PAYLOADS[0], "tags": PAYLOADS[2]})
    assert resp.status_code == 422
    assert_clean(text(resp))
    login = text(c.get('/login?next="><script>alert(1)</script>'))
    assert_clean(login)
