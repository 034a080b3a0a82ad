"""Export: everything the account wrote and everything stored about it, nobody else's."""

from __future__ import annotations

import json

from community.extensions import db as _db
from community.models import ApiToken, Comment, Notification
from community.services import threads
from tests.conftest import csrf_token
from tests.web.test_web_query_count import counting


def test_the_export_holds_the_account_and_nothing_of_anyone_else(db, client_for, two_people):
    p = two_people
    api = client_for(p.ada)
    resp = api.get("/api/v1/me/export")
    assert resp.status_code == 200
    data = resp.get_json()
    assert data["profile"]["email"] == "ada@private.example"
    assert data["profile"]["display_name"] == "Ada Lovelace"
    assert [t["title"] for t in data["threads"]] == ["How do I descale the grinder?"]
    assert data["threads"][0]["body"].startswith("Ada's question")
    assert [(x["body"], x["thread_title"]) for x in data["posts"]] == [
        ("Ada answers: purge the wand with vinegar.", "Zed asks about steam wands")]
    assert [c["body"] for c in data["comments"]] == ["Ada comments on Zed."]
    assert [(v["target_id"], v["value"]) for v in data["votes"]] == [(p.zed_post.id, 1)]
    assert [f["note"] for f in data["flags_raised"]] == ["Ada's flag note"]
    assert [w["query"] for w in data["watches"]] == ["grinder"]
    assert {f["target_type"] for f in data["follows"]} == {"thread"}  # her own question
    assert data["ledger"] and all(e["points"] for e in data["ledger"])  # Zed's upvote
    assert data["badges"]  # first question, first answer…
    # Zed answered her question: she was notified; the export keeps what, not who.
    assert "answer_posted" in {n["verb"] for n in data["notifications"]}
    tokens = db.session.query(ApiToken).filter_by(user_id=p.ada.id).all()
    assert [t["id"] for t in data["api_tokens"]] == [t.id for t in tokens]
    text = json.dumps(data)
    for secret in [api.token] + [t.token_hash for t in tokens]:
        assert secret not in text  # metadata only, never a credential
    for of_zed in ("zed@secret.example", "Zebulon", "zed_q", "Zed answers quizzically",
                   "Zed comments zanily", "Zed's flag note", "zanzibar", "xylophonic"):
        assert of_zed not in text, of_zed


def test_an_export_takes_as_many_queries_for_many_records_as_for_few(
        db, client_for, make_user, make_space, make_thread, make_post):
    def queries_for(n: int) -> int:
        space = make_space()
        me, other = make_user(), make_user()
        for i in range(n):
            thread = make_thread(space=space, author=me, tags=[f"tag{i}", "common"])
            post = threads.create_post(db.session, thread, by=other, body=f"answer {i} here")
            db.session.add(Comment(thread_id=thread.id, post_id=post.id, author_id=me.id,
                                   body="thanks", body_html="<p>thanks</p>"))
            make_post(thread=make_thread(space=space, author=other), author=me)
        db.session.commit()
        api = client_for(me)
        api.get("/api/v1/me/export")  # warm up
        with counting(_db.engine) as statements:
            resp = api.get("/api/v1/me/export")
        assert resp.status_code == 200
        body = resp.get_json()
        assert len(body["threads"]) == n and len(body["comments"]) == n
        assert db.session.query(Notification).filter_by(user_id=me.id).count() >= n
        return len(statements)

    few, many = queries_for(2), queries_for(12)
    assert many == few, (few, many)
    assert many < 40


def test_the_export_page_downloads_the_json(db, browser, make_user, app):
    user = make_user(username="downloader")
    page = browser(user)
    html = page.get("/settings/export").get_data(as_text=True)
    assert 'href="/settings/export.json"' in html and 'href="/settings/delete"' in html
    resp = page.get("/settings/export.json")
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(resp.get_data(as_text=True))
    assert data["profile"]["username"] == "downloader"
    assert data["sessions"] and data["sessions"][0]["ip"] == "127.0.0.1"
    assert csrf_token(page)
    assert app.test_client().get("/settings/export.json").status_code in (302, 303)
    assert app.test_client().get("/api/v1/me/export").status_code == 401
