"""Watched words: block, approve, flag, censor; case and accents folded; CSV in and out."""

from __future__ import annotations

from sqlalchemy import select

from community.models import ModerationItem, Notification
from community.moderation import words


def _words(db, admin, *rows):
    for word, action, *rest in rows:
        words.add_word(db.session, word=word, action=action,
                       replacement=rest[0] if rest else None, by_id=admin.id)
    db.session.commit()


def test_folding_ignores_case_and_accents():
    assert words.fold("CRÉTIN") == words.fold("crétin") == "cretin"
    assert words.fold("Ça Déçoit") == "ca decoit"


def test_a_blocked_word_refuses_the_post_saying_which_word(db, make_user, make_thread, member_client):
    _words(db, make_user(role="admin"), ("crétin", "block"))
    thread = make_thread()
    resp = member_client.post(f"/api/v1/threads/{thread.id}/posts",
                              json={"body": "Only a CRETIN would design it this way"})
    assert resp.status_code == 422
    assert "crétin" in resp.get_json()["error"]["message"]
    ok = member_client.post(f"/api/v1/threads/{thread.id}/posts",
                            json={"body": "Only a cretinous design, frankly"})
    assert ok.status_code == 201  # whole words only


def test_an_approval_word_holds_the_post_and_tells_the_author(db, make_user, make_thread,
                                                               client_for, moderator_client, client):
    _words(db, make_user(role="admin"), ("remboursement", "approve"))
    thread = make_thread()
    author = make_user()
    resp = client_for(author).post(f"/api/v1/threads/{thread.id}/posts",
                                   json={"body": "Je veux un REMBOURSEMENT tout de suite"})
    assert resp.status_code == 201
    post_id = resp.get_json()["id"]
    assert client.get(f"/api/v1/posts/{post_id}").status_code == 404
    assert client.get(f"/api/v1/threads/{thread.id}").get_json()["answer_count"] == 0
    assert db.session.scalar(select(Notification.id).where(
        Notification.user_id == author.id, Notification.verb == "content_held"))
    item = db.session.scalar(select(ModerationItem).where(ModerationItem.target_id == post_id))
    assert item.kind == "approval" and item.hidden
    assert moderator_client.post(f"/api/v1/moderation/items/{item.id}",
                                 json={"action": "restore"}).status_code == 200
    assert client.get(f"/api/v1/posts/{post_id}").status_code == 200
    assert client.get(f"/api/v1/threads/{thread.id}").get_json()["answer_count"] == 1


def test_a_flag_word_queues_the_post_but_publishes_it(db, make_user, make_thread, member_client, client):
    _words(db, make_user(role="admin"), ("arnaque", "flag"))
    thread = make_thread()
    resp = member_client.post(f"/api/v1/threads/{thread.id}/posts", json={"body": "C'est une Arnaque"})
    assert resp.status_code == 201
    assert client.get(f"/api/v1/posts/{resp.get_json()['id']}").status_code == 200
    item = db.session.scalar(select(ModerationItem).where(ModerationItem.target_id == resp.get_json()["id"]))
    assert item.kind == "word" and not item.hidden and item.state == "open"


def test_a_censored_word_is_replaced_in_display_whatever_its_accents(db, make_user, make_thread,
                                                                     member_client):
    _words(db, make_user(role="admin"), ("putain", "censor", "p***"))
    thread = make_thread()
    resp = member_client.post(f"/api/v1/threads/{thread.id}/posts",
                              json={"body": "PUTAIN, ça marche enfin"})
    assert resp.status_code == 201
    body = resp.get_json()
    assert "p***" in body["body_html"] and "PUTAIN" not in body["body_html"]
    assert words.censor(db.session, "Pütain et putain") == "p*** et p***"


def test_staff_are_not_held_and_moderators_are_not_blocked(db, make_user, make_thread, client_for,
                                                           client):
    _words(db, make_user(role="admin"), ("spamword", "block"), ("holdword", "approve"))
    thread = make_thread()
    mod = client_for(make_user(role="moderator"))
    assert mod.post(f"/api/v1/threads/{thread.id}/posts", json={"body": "quoting spamword here"}).status_code == 201
    emp = client_for(make_user(role="employee"))
    resp = emp.post(f"/api/v1/threads/{thread.id}/posts", json={"body": "a holdword here"})
    assert resp.status_code == 201
    # A guest (who never sees held content) reads both answers, and nothing waits in the queue.
    shown = client.get(f"/api/v1/threads/{thread.id}").get_json()
    assert [p["body"] for p in shown["posts"]] == ["quoting spamword here", "a holdword here"]
    assert db.session.scalars(select(ModerationItem)).all() == []


def test_words_csv_round_trip_and_admin_only_page(db, app, make_user, login):
    admin = make_user(role="admin")
    n = words.import_csv(db.session, "word,action,replacement\nIdiot,block,\nmerde,censor,m***\n",
                         by_id=admin.id)
    db.session.commit()
    assert n == 2
    out = words.export_csv(db.session)
    assert "Idiot,block," in out and "merde,censor,m***" in out
    c = login(app.test_client(), admin)
    page = c.get("/moderation/words")
    assert page.status_code == 200 and b"Idiot" in page.data
    assert c.get("/moderation/words.csv").data.decode().startswith("word,action")
    member = login(app.test_client(), make_user())
    assert member.get("/moderation/words").status_code == 404


def test_a_bad_csv_line_imports_nothing(db, app, make_user):
    import pytest

    from community.errors import ValidationFailed

    admin = make_user(role="admin")
    with app.test_request_context(), pytest.raises(ValidationFailed):
        words.import_csv(db.session, "ok,block\nbad,explode\n", by_id=admin.id)
    db.session.rollback()
    assert words.all_words(db.session) == []
