"""Official answers, knowledge articles linked both ways, edit history with diffs."""

from __future__ import annotations

from sqlalchemy import select

from community.models import AuditEntry, KnowledgeLink, Post


def test_staff_mark_an_answer_official_members_cannot(db, make_thread, make_post, employee_client,
                                                      member_client):
    post = make_post(thread=make_thread())
    assert member_client.post(f"/api/v1/posts/{post.id}/official", json={}).status_code == 403
    resp = employee_client.post(f"/api/v1/posts/{post.id}/official", json={"official": True})
    assert resp.status_code == 200 and resp.get_json()["is_official"] is True
    assert member_client.get(f"/api/v1/posts/{post.id}").get_json()["is_official"] is True
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.target_id == post.id)) == "official"


def test_a_solved_thread_becomes_a_knowledge_article_linked_both_ways(
        db, make_thread, make_post, make_space, client_for, moderator_client, member_client, client):
    kb = make_space(slug="knowledge")
    thread = make_thread(title="How do I reset the water filter counter?")
    answer = make_post(thread=thread, body="Hold the filter button for five seconds.")
    assert moderator_client.post(f"/api/v1/threads/{thread.id}/promote",
                                 json={"space": "knowledge"}).status_code == 422  # not solved
    assert client_for(thread.author).post(f"/api/v1/threads/{thread.id}/accept",
                                          json={"post_id": answer.id}).status_code == 200
    assert member_client.post(f"/api/v1/threads/{thread.id}/promote",
                              json={"space": "knowledge"}).status_code == 403
    resp = moderator_client.post(f"/api/v1/threads/{thread.id}/promote", json={"space": "knowledge"})
    assert resp.status_code == 201, resp.get_json()
    article = resp.get_json()
    assert db.session.get(type(thread), article["id"]).space_id == kb.id
    assert "five seconds" in article["body"]
    link = db.session.get(KnowledgeLink, article["id"])
    assert link.source_id == thread.id
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "This question has a knowledge article:" in page and f"/articles/{article['id']}" in page
    assert f"/threads/{thread.id}" in client.get(f"/articles/{article['id']}").get_data(as_text=True)
    assert moderator_client.post(f"/api/v1/threads/{thread.id}/promote",
                                 json={"space": "knowledge"}).status_code == 409
    # Staff edit the article through its own endpoint: a new version each time.
    assert moderator_client.patch(f"/api/v1/threads/{article['id']}",
                                  json={"body": article["body"] + " x"}).status_code == 403
    resp = moderator_client.patch(f"/api/v1/articles/{article['id']}",
                                  json={"body": article["body"] + "\n\nThen unplug it for a minute."})
    assert resp.get_json()["version"] == 2
    versions = client.get(f"/api/v1/articles/{article['id']}/revisions").get_json()["items"]
    assert [v["version"] for v in versions] == [2, 1]
    assert "Then unplug it for a minute." in versions[0]["body"]


def test_post_history_shows_diffs_to_its_author_and_moderators_only(
        db, client_for, make_user, make_thread, make_post, moderator_client, member_client):
    author = make_user()
    post = make_post(thread=make_thread(), author=author, body="The first version of my answer.")
    c = client_for(author)
    assert c.patch(f"/api/v1/posts/{post.id}", json={"body": "The second version of my answer."}).status_code == 200
    history = c.get(f"/api/v1/posts/{post.id}/revisions")
    assert history.status_code == 200
    diff = history.get_json()["items"][0]["diff"]
    assert "-The first version of my answer." in diff and "+The second version of my answer." in diff
    assert moderator_client.get(f"/api/v1/posts/{post.id}/revisions").status_code == 200
    assert member_client.get(f"/api/v1/posts/{post.id}/revisions").status_code == 403


def test_history_page_renders_the_diff(app, db, make_user, make_thread, make_post, login):
    author = make_user()
    post = make_post(thread=make_thread(), author=author, body="Old words in the answer.")
    from community.services import threads

    threads.edit_post(db.session, db.session.get(Post, post.id), by=author, body="New words in the answer.")
    db.session.commit()
    c = login(app.test_client(), author)
    page = c.get(f"/posts/{post.id}/history").get_data(as_text=True)
    assert "diff-del" in page and "Old words" in page and "New words" in page
