"""Staff edit a knowledge article in versions; anyone who may read it reads its history."""

from __future__ import annotations

from sqlalchemy import select

from community.models import ArticleRevision, AuditEntry, Thread
from community.moderation import knowledge
from tests.conftest import csrf_token


def _article(db, solved) -> Thread:
    article = knowledge.promote(db.session, solved["question"], by=solved["mod"],
                                space=solved["kb"], title="Descaling the espresso machine")
    db.session.commit()
    return article


def _versions(db, article) -> list[tuple]:
    return db.session.execute(select(ArticleRevision.version, ArticleRevision.title,
                                     ArticleRevision.editor_id, ArticleRevision.note)
                              .where(ArticleRevision.article_id == article.id)
                              .order_by(ArticleRevision.version)).all()


def test_an_edit_is_a_new_version_listed_in_the_history(db, browser, solved, make_user):
    article = _article(db, solved)
    employee = make_user(role="employee", username="emma")
    staff = browser(employee)
    form = staff.get(f"/articles/{article.id}/edit").get_data(as_text=True)
    assert 'name="base_version" value="1"' in form
    resp = staff.post(f"/articles/{article.id}/edit", data={
        "csrf_token": csrf_token(staff), "base_version": "1", "title": "Descaling, the safe way",
        "body": "Citric acid, the programme twice, then rinse the tank well.",
        "note": "Shorter steps"})
    assert resp.status_code == 303
    page = staff.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Version 2 of the article is published." in page and "Descaling, the safe way" in page
    assert _versions(db, article) == [
        (1, "Descaling the espresso machine", solved["mod"].id, ""),
        (2, "Descaling, the safe way", employee.id, "Shorter steps")]
    assert db.session.scalar(select(AuditEntry.action).where(
        AuditEntry.action == "article_edit", AuditEntry.target_id == article.id)) == "article_edit"
    # A member reads the history of a public article and an older version.
    reader = browser(make_user())
    history = reader.get(f"/articles/{article.id}/history").get_data(as_text=True)
    items = history.split('class="article-versions')[1].split("</ol>")[0]
    assert items.index("Version 2") < items.index("Version 1")
    assert "emma" in items.lower() and "Shorter steps" in items
    old = reader.get(f"/articles/{article.id}/versions/1").get_data(as_text=True)
    assert "Descaling the espresso machine" in old and "Version 1 of 2" in old
    assert reader.get(f"/articles/{article.id}/versions/3").status_code == 404


def test_a_stale_edit_is_refused_and_changes_nothing(db, solved, moderator_client):
    article = _article(db, solved)
    first = moderator_client.patch(f"/api/v1/articles/{article.id}", json={
        "body": "A first edit that becomes version two.", "base_version": 1})
    assert first.get_json()["version"] == 2
    stale = moderator_client.patch(f"/api/v1/articles/{article.id}", json={
        "body": "An edit made from the first version.", "base_version": 1})
    assert stale.status_code == 409
    db.session.expire_all()
    assert db.session.get(Thread, article.id).body == "A first edit that becomes version two."
    assert [v[0] for v in _versions(db, article)] == [1, 2]


def test_the_same_text_again_makes_no_version(db, solved, moderator_client):
    article = _article(db, solved)
    resp = moderator_client.patch(f"/api/v1/articles/{article.id}", json={"title": article.title})
    assert resp.get_json()["version"] == 1 and len(_versions(db, article)) == 1


def test_members_cannot_edit_and_nothing_changes(db, browser, solved, make_user, member_client):
    article = _article(db, solved)
    before = (article.title, article.body)
    member = browser(make_user())
    assert member.get(f"/articles/{article.id}/edit").status_code == 403
    resp = member.post(f"/articles/{article.id}/edit", data={
        "csrf_token": csrf_token(member), "title": "A member's takeover of the title",
        "body": "A member's body that must never be published."})
    assert resp.status_code == 403
    assert member_client.patch(f"/api/v1/articles/{article.id}",
                               json={"body": "A member's body, by the API."}).status_code == 403
    assert "Edit the article" not in member.get(f"/articles/{article.id}").get_data(as_text=True)
    db.session.expire_all()
    assert (db.session.get(Thread, article.id).title, db.session.get(Thread, article.id).body) == before
    assert len(_versions(db, article)) == 1


def test_an_invalid_edit_reshows_the_form_with_the_field_named(db, browser, solved):
    article = _article(db, solved)
    mod = browser(solved["mod"])
    resp = mod.post(f"/articles/{article.id}/edit", data={
        "csrf_token": csrf_token(mod), "title": "Short", "body": "A body that is long enough."})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'id="title-errors"' in html and 'value="Short"' in html
    assert len(_versions(db, article)) == 1
