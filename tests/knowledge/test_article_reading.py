"""Articles in search, lists, feeds and structured data: labelled "Article", never a
twin of the question they were written from, and as private as their space."""

from __future__ import annotations

import json
import re

from community.moderation import knowledge


def _promote(db, solved, space=None, title="Descaling the espresso machine safely", body=None):
    article = knowledge.promote(db.session, solved["question"], by=solved["mod"],
                                space=space or solved["kb"], title=title, body=body)
    db.session.commit()
    return article


def _ld(html: str) -> list[dict]:
    return [json.loads(b) for b in
            re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


def test_search_labels_the_article_and_leaves_its_question_out(db, solved, drain, client):
    article = _promote(db, solved)
    drain()
    found = client.get("/api/v1/search", query_string={"q": "descale espresso"}).get_json()
    ids = [i["thread_id"] for i in found["items"]]
    assert article.id in ids and solved["question"].id not in ids
    assert next(i["kind"] for i in found["items"] if i["thread_id"] == article.id) == "article"
    only = client.get("/api/v1/search", query_string={"q": "espresso", "kind": "article"})
    assert [i["thread_id"] for i in only.get_json()["items"]] == [article.id]
    page = client.get("/search", query_string={"q": "descale espresso"}).get_data(as_text=True)
    result = page.split('class="search-result thread-row')[1].split("</li>")[0]
    assert f'href="/articles/{article.id}/' in result
    assert '<span class="chip kind-chip kind-article">Article</span>' in result
    similar = client.get("/api/v1/search/similar",
                         query_string={"title": "descale the espresso machine"}).get_json()
    assert [i["thread_id"] for i in similar["items"]] == [article.id]
    assert similar["items"][0]["kind"] == "article"


def test_the_question_still_shows_when_its_article_is_not_among_the_results(
        db, solved, drain, client):
    _promote(db, solved, title="Scale removal guide for coffee makers",
             body="Run the machine's cleaning cycle with a descaler, then flush it.")
    drain()
    found = client.get("/api/v1/search", query_string={"q": "citric acid at hand"}).get_json()
    assert solved["question"].id in [i["thread_id"] for i in found["items"]]


def test_space_lists_show_the_article_label(db, solved, client):
    article = _promote(db, solved)
    page = client.get("/spaces/kb").get_data(as_text=True)
    row = page.split(f'href="/articles/{article.id}/')[1].split("</li>")[0]
    assert '<span class="chip kind-chip kind-article">Article</span>' in row
    listed = client.get("/api/v1/threads", query_string={"kind": "article"}).get_json()
    assert [(t["id"], t["kind"]) for t in listed["items"]] == [(article.id, "article")]
    filtered = client.get("/spaces/kb", query_string={"kind": "article"}).get_data(as_text=True)
    assert f'href="/articles/{article.id}/' in filtered


def test_a_public_article_has_tech_article_data_not_a_qa_page(db, solved, client):
    article = _promote(db, solved)
    html = client.get(f"/articles/{article.id}").get_data(as_text=True)
    (data,) = _ld(html)
    assert data["@type"] == "TechArticle" and data["headline"] == article.title
    assert [a["name"] for a in data["author"]] == ["asker", "answerer"]
    assert data["url"].endswith(f"/articles/{article.id}/descaling-the-espresso-machine-safely")
    assert "QAPage" not in html and "acceptedAnswer" not in html


def test_feeds_and_sitemaps_point_at_the_article_page(db, solved, client):
    article = _promote(db, solved)
    feed = client.get("/feed.atom").get_data(as_text=True)
    sitemap = client.get("/sitemap-1.xml").get_data(as_text=True)
    for text in (feed, sitemap):
        assert f"/articles/{article.id}/descaling-the-espresso-machine-safely" in text
        assert f"/threads/{article.id}/" not in text


def test_an_article_in_a_staff_space_does_not_exist_for_members(
        db, solved, make_space, drain, member_client, employee_client, client):
    hidden = make_space(slug="internal-kb", name="Internal KB", visibility="staff")
    article = _promote(db, solved, space=hidden, title="Descaling notes for the support team")
    drain()
    for c in (member_client, client):
        for url in (f"/articles/{article.id}", f"/articles/{article.id}/history",
                    f"/articles/{article.id}/versions/1", f"/threads/{article.id}",
                    f"/api/v1/articles/{article.id}", f"/api/v1/articles/{article.id}/revisions",
                    f"/api/v1/threads/{article.id}"):
            resp = c.get(url)
            assert resp.status_code == 404, url
            assert "support team" not in resp.get_data(as_text=True), url
        found = c.get("/api/v1/search", query_string={"q": "descaling support team"}).get_json()
        assert article.id not in [i["thread_id"] for i in found["items"]]
        for feed in ("/feed.atom", "/sitemap-1.xml"):
            assert f"/articles/{article.id}" not in c.get(feed).get_data(as_text=True)
        # The public question neither links to it nor names it.
        page = c.get(f"/threads/{solved['question'].id}").get_data(as_text=True)
        assert "support team" not in page and "has a knowledge article" not in page
    staff_page = employee_client.get(f"/articles/{article.id}")
    assert staff_page.status_code == 200 and "noindex" in staff_page.get_data(as_text=True)
    assert employee_client.get(f"/api/v1/articles/{article.id}").get_json()["space"] == "internal-kb"
    member_patch = member_client.patch(f"/api/v1/articles/{article.id}",
                                       json={"body": "A member's edit of a hidden article."})
    assert member_patch.status_code == 404
