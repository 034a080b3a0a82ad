"""Promoting a solved question makes a knowledge article of its own kind: the space
picked from a list, the text edited before publishing, the authors credited, the
question linking to it."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from community.models import ArticleCredit, ArticleRevision, KnowledgeLink, Post, Thread
from tests.conftest import csrf_token


def _articles(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Thread)
                             .where(Thread.kind == "article"))


def test_the_form_offers_the_spaces_and_starts_from_the_question_and_answer(
        db, browser, solved, make_space):
    make_space(slug="staff-notes", name="Staff notes", visibility="staff")
    page = browser(solved["mod"]).get(f"/threads/{solved['question'].id}/promote")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    options = re.findall(r'<option value="([^"]*)"', html.split('id="promote-space"')[1]
                         .split("</select>")[0])
    # every space the moderator may post in, in the site order (position, then name)
    assert options == ["", "kb", "qa", "staff-notes"]
    body = html.split('id="promote-body"')[1].split("</textarea>")[0]
    assert "citric acid at hand" in body and "descaling programme" in body
    assert "Also credit helper for their answer" in html


def test_publishing_makes_an_article_with_credits_and_a_first_version(db, browser, solved):
    mod = browser(solved["mod"])
    q, other = solved["question"], solved["other"]
    resp = mod.post(f"/threads/{q.id}/promote", data={
        "csrf_token": csrf_token(mod), "confirm": "1", "space": "kb",
        "title": "Descaling the espresso machine",
        "body": "Use citric acid, run the programme twice, rinse the tank.",
        "credit": str(other.id)})
    assert resp.status_code == 303
    article = db.session.scalar(select(Thread).where(Thread.kind == "article"))
    assert resp.headers["Location"] == f"/articles/{article.id}/descaling-the-espresso-machine"
    assert (article.space.slug, article.title) == ("kb", "Descaling the espresso machine")
    assert db.session.get(KnowledgeLink, article.id).source_id == q.id
    credits = db.session.execute(select(ArticleCredit.user_id, ArticleCredit.role)
                                 .where(ArticleCredit.article_id == article.id)
                                 .order_by(ArticleCredit.position)).all()
    assert credits == [(solved["asker"].id, "asker"), (solved["answerer"].id, "answerer"),
                       (solved["helper"].id, "answerer")]
    first = db.session.scalar(select(ArticleRevision).where(ArticleRevision.article_id == article.id))
    assert (first.version, first.body, first.editor_id) == (
        1, "Use citric acid, run the programme twice, rinse the tank.", solved["mod"].id)
    page = mod.get(resp.headers["Location"]).get_data(as_text=True)
    assert "The knowledge article was made from this thread." in page
    credit_line = page.split('class="article-credits"')[1].split("</p>")[0]
    assert "Written from the answers of:" in credit_line
    for name in ("asker", "answerer", "helper"):
        assert f'href="/users/{name}"' in credit_line
    assert "Last updated" in page and f"/articles/{article.id}/history" in page
    assert "Accept" not in page and 'name="body"' not in page  # no answer box, no accept


def test_the_thread_page_button_opens_the_form_and_creates_nothing(db, browser, solved):
    mod = browser(solved["mod"])
    thread_page = mod.get(f"/threads/{solved['question'].id}").get_data(as_text=True)
    assert f'href="/threads/{solved["question"].id}/promote"' in thread_page
    resp = mod.post(f"/threads/{solved['question'].id}/promote",
                    data={"csrf_token": csrf_token(mod), "space": "kb"})
    assert resp.status_code == 200 and "Publish the article" in resp.get_data(as_text=True)
    assert _articles(db) == 0


def test_an_empty_or_unknown_space_is_a_field_error_and_nothing_is_made(db, browser, solved,
                                                                        moderator_client):
    mod = browser(solved["mod"])
    q = solved["question"]
    for space, message in (("", "Choose the space the article goes in."),
                           ("nowhere", "Choose a space you can post in.")):
        resp = mod.post(f"/threads/{q.id}/promote", data={
            "csrf_token": csrf_token(mod), "confirm": "1", "space": space,
            "title": "My edited title for the article", "body": "My edited body, kept as typed."})
        html = resp.get_data(as_text=True)
        assert resp.status_code == 422
        errors = html.split('id="space-errors"')[1].split("</ul>")[0]
        assert message in errors
        assert "My edited body, kept as typed." in html  # the text is kept
    api = moderator_client.post(f"/api/v1/threads/{q.id}/promote", json={"space": ""})
    assert api.status_code == 422 and "space" in api.get_json()["error"]["fields"]
    assert _articles(db) == 0 and db.session.scalar(select(func.count(KnowledgeLink.article_id))) == 0


def test_the_question_links_to_its_article_and_the_old_address_redirects(db, browser, client,
                                                                         solved):
    mod = browser(solved["mod"])
    q = solved["question"]
    mod.post(f"/threads/{q.id}/promote", data={"csrf_token": csrf_token(mod), "confirm": "1",
                                               "space": "kb", "title": "Descaling, step by step"})
    article = db.session.scalar(select(Thread).where(Thread.kind == "article"))
    page = client.get(f"/threads/{q.id}").get_data(as_text=True)
    note = page.split('class="knowledge-link"')[1].split("</p>")[0]
    assert "This question has a knowledge article:" in note
    assert f'href="/articles/{article.id}"' in note and "Descaling, step by step" in note
    old = client.get(f"/threads/{article.id}")
    assert old.status_code == 301
    assert old.headers["Location"] == f"/articles/{article.id}/descaling-step-by-step"
    assert f"/threads/{q.id}" in client.get(old.headers["Location"]).get_data(as_text=True)


def test_an_article_takes_no_answers(db, solved, member_client, moderator_client):
    created = moderator_client.post(f"/api/v1/threads/{solved['question'].id}/promote",
                                    json={"space": "kb"}).get_json()
    resp = member_client.post(f"/api/v1/threads/{created['id']}/posts",
                              json={"body": "An answer on an article should be refused."})
    assert resp.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Post)
                             .where(Post.thread_id == created["id"])) == 0


def test_members_and_employees_cannot_promote(db, browser, solved, make_user, member_client):
    q = solved["question"]
    member = browser(make_user())
    assert member.get(f"/threads/{q.id}/promote").status_code == 403
    resp = member.post(f"/threads/{q.id}/promote", data={
        "csrf_token": csrf_token(member), "confirm": "1", "space": "kb"})
    assert resp.status_code == 403
    assert member_client.post(f"/api/v1/threads/{q.id}/promote",
                              json={"space": "kb"}).status_code == 403
    assert "/promote" not in member.get(f"/threads/{q.id}").get_data(as_text=True)
    assert _articles(db) == 0


def test_the_question_page_follows_the_articles_new_title(db, solved, client, moderator_client):
    article = moderator_client.post(f"/api/v1/threads/{solved['question'].id}/promote",
                                    json={"space": "kb", "title": "Descaling, the first title"})
    article_id = article.get_json()["id"]
    assert "Descaling, the first title" in client.get(
        f"/threads/{solved['question'].id}").get_data(as_text=True)  # now in the page cache
    moderator_client.patch(f"/api/v1/articles/{article_id}",
                           json={"title": "Descaling, the second title"})
    page = client.get(f"/threads/{solved['question'].id}").get_data(as_text=True)
    assert "Descaling, the second title" in page and "Descaling, the first title" not in page
