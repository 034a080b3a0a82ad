"""What search engines and feed readers get: canonical addresses, descriptions, QAPage
structured data, the sitemaps, robots.txt and the Atom feeds (public content only)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from community.moderation import queue, words
from community.services import threads, votes
from tests.web.webtools import text

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SITE = "https://community.example"


def _json_ld(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1, blocks
    return json.loads(blocks[0])


def _canonical(html: str) -> list[str]:
    return re.findall(r'<link rel="canonical" href="([^"]*)">', html)


def _meta(html: str, name: str) -> str:
    match = re.search(rf'<meta (?:name|property)="{re.escape(name)}" content="([^"]*)">', html)
    assert match, name
    return match.group(1)


def _feed_titles(resp) -> list[str]:
    assert resp.status_code == 200, resp.status_code
    assert resp.mimetype == "application/atom+xml"
    root = ET.fromstring(resp.data)
    return [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]


def _sitemap_locs(resp) -> list[str]:
    assert resp.status_code == 200 and resp.mimetype == "application/xml"
    return [loc.text for loc in ET.fromstring(resp.data).iter(f"{SITEMAP}loc")]


def test_a_question_carries_qapage_data_with_its_accepted_and_suggested_answers(
        db, client, make_thread, make_post, make_user):
    asker = make_user()
    thread = make_thread(author=asker, title="How do I descale the machine?",
                         body="The **boiler** is full of scale. What works?")
    accepted = make_post(thread=thread, body="Citric acid, *twice* a year.")
    other = make_post(thread=thread, body="Vinegar works too, then rinse well.")
    votes.cast_vote(db.session, other, by=make_user(), value=1)
    votes.accept_answer(db.session, thread, accepted, by=asker)
    db.session.commit()

    data = _json_ld(text(client.get(f"/threads/{thread.id}")))
    assert data["@context"] == "https://schema.org" and data["@type"] == "QAPage"
    question = data["mainEntity"]
    assert question["@type"] == "Question"
    assert question["name"] == "How do I descale the machine?"
    assert question["text"] == "The boiler is full of scale. What works?"
    assert question["answerCount"] == 2
    assert question["author"] == {"@type": "Person", "name": asker.display_name}
    assert question["dateCreated"].startswith(thread.created_at.date().isoformat())
    assert isinstance(question["upvoteCount"], int)
    assert question["acceptedAnswer"]["text"] == "Citric acid, twice a year."
    assert question["acceptedAnswer"]["author"]["name"] == accepted.author.display_name
    assert question["acceptedAnswer"]["url"].endswith(f"#post-{accepted.id}")
    [suggested] = question["suggestedAnswer"]
    assert suggested["text"] == "Vinegar works too, then rinse well."
    assert suggested["upvoteCount"] == 1
    for answer in (question["acceptedAnswer"], suggested):
        assert {"@type", "text", "dateCreated", "upvoteCount", "url", "author"} <= answer.keys()


def test_a_post_with_a_closing_script_tag_cannot_break_out_of_the_structured_data(
        db, client, make_thread, make_post):
    evil = "</script><script>alert(1)</script><!-- & -->"
    thread = make_thread(title="Why does </script> appear?", body=f"Body text then {evil} done")
    make_post(thread=thread, body=f"An answer with `{evil}` inside")
    resp = client.get(f"/threads/{thread.id}")
    html = text(resp)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    data = json.loads(block)  # the whole block parses: nothing closed it early
    assert evil in data["mainEntity"]["text"]
    assert evil in data["mainEntity"]["suggestedAnswer"][0]["text"]
    assert "<script>alert(1)" not in html
    # Data, not script: the strict policy (no inline script, no nonce) stays as it is.
    assert "script-src 'self';" in resp.headers["Content-Security-Policy"]


def test_deleted_and_held_answers_stay_out_of_the_structured_data(
        db, client, make_thread, make_post, make_user):
    moderator = make_user(role="moderator")
    thread = make_thread(body="A question with several answers, some removed.")
    kept = make_post(thread=thread, body="This answer stays visible.")
    gone = make_post(thread=thread, body="This answer was deleted.")
    threads.delete_post(db.session, gone, by=moderator)
    words.add_word(db.session, word="zebracorn", action="approve", by_id=moderator.id)
    db.session.commit()
    held = make_post(thread=thread, body="A zebracorn answer awaiting approval.")
    assert held.deleted_at is not None  # held for a moderator

    question = _json_ld(text(client.get(f"/threads/{thread.id}")))["mainEntity"]
    assert [a["text"] for a in question["suggestedAnswer"]] == [kept.body]
    assert question["answerCount"] == 1


def test_the_canonical_address_is_absolute_from_public_url_else_the_host(
        app, db, client, make_thread, make_user, browser):
    thread = make_thread(title="Grinder settings for espresso")
    path = f"/threads/{thread.id}/grinder-settings-for-espresso"
    assert _canonical(text(client.get(f"/threads/{thread.id}"))) == [f"http://localhost{path}"]
    # The page is cached for every guest: another host's address must not stick to it.
    other = client.get(f"/threads/{thread.id}", headers={"Host": "evil.example"})
    assert _canonical(text(other)) == [f"http://evil.example{path}"]
    assert _canonical(text(client.get(f"/threads/{thread.id}"))) == [f"http://localhost{path}"]

    app.config["PUBLIC_URL"] = SITE + "/"
    for reader in (client, browser(make_user())):
        html = text(reader.get(f"/threads/{thread.id}/whatever-slug",
                               headers={"Host": "evil.example"}))
        assert _canonical(html) == [SITE + path]
        assert _meta(html, "og:url") == SITE + path


def test_every_page_has_one_absolute_canonical_address(app, db, client, make_space, make_user):
    app.config["PUBLIC_URL"] = SITE
    space = make_space(slug="brewing")
    make_user(username="barista")
    for path in ("/", f"/spaces/{space.slug}", "/users/barista", "/leaderboard", "/login"):
        html = text(client.get(path + "?page=2"))
        assert _canonical(html) == [SITE + path], path


def test_the_description_is_the_questions_plain_text_cut_near_160_characters(
        db, client, make_thread):
    body = ("# Pressure\n\nMy **espresso** machine shows [9 bar](https://example.com) but the "
            "shots run fast. " + "I have tried a finer grind and a heavier tamp. " * 6)
    thread = make_thread(title="Shots run fast at 9 bar", body=body)
    html = text(client.get(f"/threads/{thread.id}"))
    description = _meta(html, "description")
    assert description.startswith("Pressure My espresso machine shows 9 bar but the shots")
    assert len(description) <= 160 and description.endswith("…")
    assert "**" not in description and "<" not in description and "https" not in description
    assert _meta(html, "og:description") == _meta(html, "twitter:description") == description
    assert _meta(html, "og:title") == "Shots run fast at 9 bar"
    assert _meta(html, "twitter:card") == "summary"


def test_a_members_thread_has_no_structured_data_and_asks_not_to_be_indexed(
        db, make_space, make_thread, make_user, browser):
    thread = make_thread(space=make_space(visibility="members"), body="Members only question body.")
    html = text(browser(make_user()).get(f"/threads/{thread.id}"))
    assert '<meta name="robots" content="noindex">' in html
    assert "application/ld+json" not in html and 'name="description"' not in html
    assert len(_canonical(html)) == 1


def _content(db, make_space, make_thread, make_user):
    """One thread of each kind a guest may or may not read, all tagged `beans`."""
    public = make_space(slug="public-space")
    members = make_space(slug="members-space", visibility="members")
    staff = make_space(slug="staff-space", visibility="staff")
    moderator = make_user(role="moderator")
    made = {name: make_thread(space=space, title=f"The {name} thread about beans",
                              author=make_user(role="employee"), tags=["beans"],
                              body=f"The {name} thread's body, long enough.")
            for name, space in (("public", public), ("members", members), ("staff", staff),
                                ("hidden", public))}
    queue.hide(db.session, made["hidden"], by_id=moderator.id)  # a moderator hid it
    words.add_word(db.session, word="zebracorn", action="approve", by_id=moderator.id)
    db.session.commit()
    made["held"] = make_thread(space=public, title="The held thread about beans", tags=["beans"],
                               body="A zebracorn question awaiting a moderator.")
    assert made["held"].deleted_at is not None
    return made


def test_the_sitemap_lists_public_threads_only_and_splits_by_the_setting(
        app, db, client, make_space, make_thread, make_user):
    made = _content(db, make_space, make_thread, make_user)
    more = [make_thread(space=made["public"].space) for _ in range(3)]
    app.config["SITEMAP_URLS_PER_FILE"] = 2
    files = _sitemap_locs(client.get("/sitemap.xml"))
    # home + the public space + 4 public threads = 6 addresses, 2 per file
    assert files == [f"http://localhost/sitemap-{n}.xml" for n in (1, 2, 3)]
    listed = []
    for url in files:
        locs = _sitemap_locs(client.get(url.removeprefix("http://localhost")))
        assert 1 <= len(locs) <= 2
        listed += locs
    threads_listed = [u for u in listed if "/threads/" in u]
    assert {int(u.split("/")[4]) for u in threads_listed} == {t.id for t in [made["public"], *more]}
    assert "http://localhost/spaces/public-space" in listed
    assert not any("members-space" in u or "staff-space" in u for u in listed)
    assert client.get("/sitemap-4.xml").status_code == 404
    assert client.get("/sitemap-0.xml").status_code == 404


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_off_private_paths(app, client):
    app.config["PUBLIC_URL"] = SITE
    resp = client.get("/robots.txt")
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    lines = text(resp).splitlines()
    assert lines[0] == "User-agent: *"
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    for path in ("/search", "/admin", "/settings", "/api/", "/moderation"):
        assert f"Disallow: {path}" in lines


def test_feeds_never_list_members_staff_deleted_or_held_content(
        db, client, make_space, make_thread, make_user, browser):
    made = _content(db, make_space, make_thread, make_user)
    public_only = ["The public thread about beans"]
    assert _feed_titles(client.get("/feed.atom")) == public_only
    assert _feed_titles(client.get("/spaces/public-space/feed.atom")) == public_only
    assert _feed_titles(client.get("/tags/beans/feed.atom")) == public_only
    # A feed is public whoever fetches it: a staff member's reader gets the same.
    staff_browser = browser(make_user(role="admin"))
    assert _feed_titles(staff_browser.get("/feed.atom")) == public_only
    for slug in ("members-space", "staff-space", "no-such-space"):
        assert staff_browser.get(f"/spaces/{slug}/feed.atom").status_code == 404
    assert client.get("/tags/no-such-tag/feed.atom").status_code == 404
    entry = ET.fromstring(client.get("/feed.atom").data).find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}id").text == (
        f"http://localhost/threads/{made['public'].id}/the-public-thread-about-beans")
    assert "long enough" in entry.find(f"{ATOM}content").text


def test_a_feed_answers_304_to_a_matching_etag_and_changes_with_its_content(
        db, client, make_space, make_thread):
    space = make_space(slug="roasting")
    make_thread(space=space, title="First roast profile")
    first = client.get("/spaces/roasting/feed.atom")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = client.get("/spaces/roasting/feed.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    since = client.get("/spaces/roasting/feed.atom", headers={"If-Modified-Since": modified})
    assert since.status_code == 304

    make_thread(space=space, title="Second roast profile")
    changed = client.get("/spaces/roasting/feed.atom", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert _feed_titles(changed) == ["Second roast profile", "First roast profile"]


def test_feeds_and_preview_speak_french(db, client, make_space, make_thread, make_user, browser):
    make_thread(space=make_space(slug="cafe", name="Café"))
    fr = {"Accept-Language": "fr"}
    root = ET.fromstring(client.get("/spaces/cafe/feed.atom", headers=fr).data)
    assert root.find(f"{ATOM}title").text == "Continuum : nouveautés dans Café"
    assert ET.fromstring(client.get("/feed.atom", headers=fr).data).find(
        f"{ATOM}title").text == "Continuum : dernières questions"
    assert "Aperçu" in text(browser(make_user()).get("/ask", headers=fr))
