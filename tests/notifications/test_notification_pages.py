"""The /notifications, preferences and /watches pages."""

from __future__ import annotations


def csrf_token(client) -> str:
    return client.get("/csrf-token").get_json()["csrf_token"]


def test_guests_are_sent_to_sign_in(client):
    for path in ("/notifications", "/watches", "/notifications/preferences"):
        resp = client.get(path)
        assert resp.status_code in (302, 303) and "/login?next=" in resp.headers["Location"]


def test_the_page_groups_by_thread_and_marks_read(client, login, make_user, make_thread, make_post):
    asker = make_user()
    first = make_thread(author=asker, title="First thread about tamping pressure")
    second = make_thread(author=asker, title="Second thread about <b>water</b> filters")
    make_post(thread=first)
    make_post(thread=first)
    make_post(thread=second)
    login(client, asker)
    html = client.get("/notifications").get_data(as_text=True)
    assert html.count('class="notification-group"') >= 2
    assert html.count("First thread about tamping pressure</a></h2>") == 1
    assert "&lt;b&gt;water&lt;/b&gt;" in html and "<b>water</b>" not in html
    unread = client.get("/notifications?filter=unread").get_data(as_text=True)
    assert unread.count("is-unread") >= 3
    resp = client.post("/notifications/read", data={"all": "1", "csrf_token": csrf_token(client)})
    assert resp.status_code == 303
    assert "is-unread" not in client.get("/notifications?filter=unread").get_data(as_text=True)


def test_marking_read_needs_the_csrf_token(client, login, make_user, make_thread, make_post):
    asker = make_user()
    make_post(thread=make_thread(author=asker))
    login(client, asker)
    assert client.post("/notifications/read", data={"all": "1"}).status_code == 400
    assert "is-unread" in client.get("/notifications?filter=unread").get_data(as_text=True)


def test_watches_page_creates_and_deletes(client, login, make_user, db):
    from community.models import Watch

    user = make_user(role="employee")
    login(client, user)
    token = csrf_token(client)
    resp = client.post("/watches", data={"query": 'steam "milk jug"', "tags": "milk",
                                         "spaces": "", "csrf_token": token})
    assert resp.status_code == 303
    html = client.get("/watches").get_data(as_text=True)
    assert "steam &#34;milk jug&#34;" in html or "steam &quot;milk jug&quot;" in html
    [watch] = db.session.query(Watch).all()
    bad = client.post("/watches", data={"query": "", "csrf_token": token})
    assert bad.status_code == 422
    client.post(f"/watches/{watch.id}/delete", data={"csrf_token": token})
    assert db.session.query(Watch).count() == 0


def test_preferences_page_saves(client, login, make_user):
    login(client, make_user())
    html = client.get("/notifications/preferences").get_data(as_text=True)
    assert "email-answer_posted" in html and "case_assigned" not in html
    resp = client.post("/notifications/preferences", data={
        "csrf_token": csrf_token(client), "email-answer_posted": "daily"})
    assert resp.status_code == 303
    html = client.get("/notifications/preferences").get_data(as_text=True)
    assert 'value="daily" selected' in html


def test_follow_button_endpoint(client, login, make_user, make_thread, db):
    from community.notifications import follows

    user = make_user()
    thread = make_thread()
    login(client, user)
    client.post(f"/threads/{thread.id}/follow", data={"csrf_token": csrf_token(client)})
    assert follows.is_following(db.session, user, "thread", thread.id)
    client.post(f"/threads/{thread.id}/follow", data={"follow": "0", "csrf_token": csrf_token(client)})
    assert not follows.is_following(db.session, user, "thread", thread.id)
