"""Several readers with the same rights on one cached thread page: each page carries its
own reader's CSRF token and nothing of anyone else's, and every form on it works
(community/web/page_cache.py; SECURITY.md, "Learned from the first release")."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from webtools import text


class Forms(HTMLParser):
    """The page's forms as a browser would submit them, and its <meta name="csrf-token">."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self.meta: list[str] = []
        self._form: dict | None = None
        self._select: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and a.get("name") == "csrf-token":
            self.meta.append(a["content"])
        elif tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = {"action": a["action"], "fields": {}, "tokens": [], "submit": None,
                          "vote": "data-vote-form" in a}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            if a["name"] == "csrf_token":
                self._form["tokens"].append(a.get("value", ""))
            self._form["fields"].setdefault(a["name"], a.get("value") or "")
        elif tag == "textarea":
            self._form["fields"][a["name"]] = "A reply long enough to be posted, from a test."
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and self._select not in self._form["fields"]:
            self._form["fields"][self._select] = a["value"]
        elif tag == "button" and a.get("type", "submit") == "submit" and self._form["submit"] is None:
            # The first enabled button is the one a click sends (▲ in a vote box).
            if "disabled" not in a:
                self._form["submit"] = (a.get("name"), a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


PASSWORD = "correct-horse-battery"  # tests/conftest.py

# Forms whose effect changes what the other forms act on (three flags hide a post, a
# moderator moves the thread, signing out ends the session): sent last, in this order.
LATER = (("/flag",), ("/delete", "/moderate", "/promote", "/unaccept"), ("/lang", "/logout"))


# What a reader types into the free-text fields that need something.
FILL = {"target": "elsewhere"}


def phase(action: str) -> int:
    return next((n for n, marks in enumerate(LATER, 1) if any(m in action for m in marks)), 0)


@pytest.fixture(autouse=True)
def _cache_on(app):
    app.config["PAGE_CACHE_ENTRIES"] = 512


@pytest.fixture
def pages(db, make_space, make_thread, make_post, make_user):
    space = make_space()
    make_space(slug=FILL["target"])  # where a moderator's "move" sends a thread
    question = make_thread(space=space, kind="question", tags=["alpha"])
    idea = make_thread(space=space, kind="idea")
    discussion = make_thread(space=space, kind="discussion")
    for thread in (question, idea, discussion):
        make_post(thread=thread)
        make_post(thread=thread)
    return {kind: f"/threads/{t.id}" for kind, t in
            (("question", question), ("idea", idea), ("discussion", discussion))}


AUDIENCES = {
    "members": ("member", 3),
    "employees": ("employee", 2),
    "moderators": ("moderator", 2),
}


@pytest.mark.parametrize("kind", ["question", "idea", "discussion"])
@pytest.mark.parametrize("audience", AUDIENCES)
def test_readers_sharing_a_cached_page_each_get_their_own_token_and_working_forms(
        pages, browser, make_user, renders, kind, audience):
    role, count = AUDIENCES[audience]
    readers = [browser(make_user(role=role) if role else None) for _ in range(count)]
    seen = []
    for reader in readers:
        resp = reader.get(pages[kind])
        assert resp.status_code == 200
        seen.append(Forms(text(resp)))
    assert renders.count("threads/_thread.html") == 1, "all readers shared one rendering"

    own = []
    for page in seen:
        tokens = set(page.meta) | {t for form in page.forms for t in form["tokens"]}
        assert len(page.meta) == 1
        assert len(tokens) == 1, "one token per page, the reader's own"
        assert all(form["tokens"] for form in page.forms), "every form carries it"
        own.append(tokens.pop())
    assert len(set(own)) == len(own), "no reader's token shows up on another's page"

    # The same forms on every page; each is sent once (a second lock or escalation
    # would be refused for what it is), each reader sending its share with its own token.
    layouts = [[(f["action"], sorted((k, v) for k, v in f["fields"].items() if k != "csrf_token"))
                for f in page.forms] for page in seen]
    assert all(layout == layouts[0] for layout in layouts)
    order = sorted(range(len(seen[0].forms)), key=lambda i: phase(seen[0].forms[i]["action"]))
    senders = set()
    for n, i in enumerate(order):
        who = n % count
        form = seen[who].forms[i]
        if form["submit"] is None:
            continue  # nothing to click: a vote box on the reader's own post
        # The idea page's "link a question" box (staff): the question of these pages.
        fill = {**FILL, "ref": pages["question"]}
        data = {**form["fields"], **{k: v for k, v in fill.items() if k in form["fields"]}}
        name, value = form["submit"]
        if name:
            data[name] = value
        resp = readers[who].post(form["action"], data=data)
        assert resp.status_code in (302, 303), (form["action"], data, resp.status_code,
                                                 text(resp)[text(resp).find("<main"):][:1500])
        senders.add(who)
    assert senders == set(range(count)), "every reader sent a form with their own token"


@pytest.mark.parametrize("kind", ["question", "idea", "discussion"])
def test_guests_sharing_a_cached_page_get_no_token_and_start_no_session(
        pages, browser, renders, kind):
    for guest in [browser() for _ in range(3)]:
        resp = guest.get(pages[kind])
        assert resp.status_code == 200
        assert "Set-Cookie" not in resp.headers, "no session: nothing to sign or send back"
        page = Forms(text(resp))
        assert not page.meta and not any(form["tokens"] for form in page.forms)
        # Only the language form posts, and a guest's needs no token (security.GUEST_FORMS).
        assert [form["action"] for form in page.forms] == ["/lang"]
    assert renders.count("threads/_thread.html") == 1, "all guests shared one rendering"


def test_a_guest_clicking_vote_up_on_a_cached_page_signs_in_and_comes_back(
        pages, browser, make_user):
    browser().get(pages["question"])  # another guest fills the cache
    guest = browser()
    html = text(guest.get(pages["question"]))
    vote_up = re.search(r'<a class="vote-button vote-up" href="([^"]+)"', html)
    sign_in = unescape(vote_up.group(1))
    assert sign_in.startswith("/login?next=")
    assert guest.get(sign_in).status_code == 200
    user = make_user()
    resp = guest.post(sign_in, data={"login": user.username, "password": PASSWORD,
                                     "csrf_token": guest.get("/csrf-token").get_json()["csrf_token"]})
    assert resp.status_code in (302, 303)
    assert resp.headers["Location"].startswith(pages["question"])
    # Back on the thread, signed in: the vote box is now the form that votes.
    page = Forms(text(guest.get(resp.headers["Location"])))
    vote = next(f for f in page.forms if f["vote"])
    resp = guest.post(vote["action"], data={**vote["fields"], "value": "1"},
                      headers={"Accept": "application/json"})
    assert resp.status_code == 200 and resp.get_json()["my_vote"] == 1


def test_a_members_answer_from_a_cached_page_is_posted(db, pages, browser, make_user):
    browser(make_user()).get(pages["question"])
    member = browser(make_user())
    page = Forms(text(member.get(pages["question"])))
    form = next(f for f in page.forms if f["action"].endswith("/answer"))
    resp = member.post(form["action"], data={**form["fields"],
                                             "body": "Restart it, then clear the cache."})
    assert resp.status_code == 303
    assert "Restart it, then clear the cache." in text(member.get(pages["question"]))
