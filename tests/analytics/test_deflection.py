"""Deflection and reading: searches, suggestions shown and opened from the ask form,
questions asked anyway, pages read; counted in memory, written in one batch, with no
personal data beyond what docs/API-EXTENSIONS.md lists."""

from __future__ import annotations

import re
import time

from sqlalchemy import select

from community.models.analytics import ActivityDay, AnalyticsCounter, AskForm
from community.search.outbox import drain_outbox
from community.services import tracking

TITLE = "How do I configure the billing export?"


def _token(client) -> str:
    page = client.get("/ask?space=help").get_data(as_text=True)
    return re.search(r'name="ask_form" value="([0-9a-f]{32})"', page).group(1)


def _csrf(client) -> str:
    page = client.get("/ask?space=help").get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def test_an_ask_form_visit_is_counted_from_suggestion_to_question(
        app, db, make_user, make_space, make_thread, login, client_for):
    space = make_space(slug="help")
    existing = make_thread(space=space, title=TITLE)
    while drain_outbox(app):
        pass
    asker, reader = make_user(username="asker"), make_user(username="reader")
    browser = login(app.test_client(), asker)

    # Visit 1: suggestions shown, one opened, nothing asked (served without asking).
    first = _token(browser)
    similar = browser.get(f"/api/v1/search/similar?title=configure+billing+export&form={first}")
    assert [i["thread_id"] for i in similar.get_json()["items"]] == [existing.id]
    assert browser.get(f"/threads/{existing.id}?suggested={first}").status_code == 200
    # Visit 2: suggestions shown, a question asked anyway.
    second = _token(browser)
    browser.get(f"/api/v1/search/similar?title=configure+billing+export&form={second}")
    resp = browser.post("/ask", data={
        "csrf_token": _csrf(browser), "ask_form": second, "space": "help", "kind": "question",
        "title": "How do I configure the billing export by month?",
        "body": "A body long enough to be a real question about the export."})
    assert resp.status_code == 303
    # Searches, one finding nothing; a member who only reads.
    browser.get("/api/v1/search?q=billing")
    browser.get("/api/v1/search?q=zqxjkvwb")
    reading = login(app.test_client(), reader)
    reading.get(f"/threads/{existing.id}")
    reading.get(f"/threads/{existing.id}")

    tracking.flush_now(app)
    staff = client_for(make_user(role="moderator"))
    s = staff.get("/api/v1/analytics/summary").get_json()
    assert s["deflection"] == {
        "searches": 2, "searches_without_result": 1, "similar_shown": 2, "similar_clicked": 1,
        "asked_after_search": 1, "abandoned_after_click": 1, "self_service_share": 0.5}
    assert s["content_gaps"] == [{"query": "zqxjkvwb", "count": 1}]
    # asker: read once and asked (a contributor); reader: read twice (a reader).
    assert (s["participation"]["readers"], s["participation"]["contributors"]) == (1, 2)
    views = dict(db.session.execute(select(ActivityDay.user_id, ActivityDay.views)).all())
    assert (views[asker.id], views[reader.id]) == (1, 2)

    # Nothing personal in the logs: their columns, and no value naming a person,
    # an address or a query.
    assert {c.key for c in AskForm.__table__.columns} == {"token", "day", "shown", "clicks", "asked"}
    assert {c.key for c in AnalyticsCounter.__table__.columns} == {"day", "space_id", "kind", "n"}
    assert {c.key for c in ActivityDay.__table__.columns} == {"day", "user_id", "views", "posts"}
    stored = " ".join(str(v) for model in (AskForm, AnalyticsCounter)
                      for row in db.session.execute(select(model)).all() for v in row)
    for secret in ("asker", "reader", "@example.test", "127.0.0.1", "billing", "zqxjkvwb"):
        assert secret not in stored.split(), secret


def test_a_forged_token_is_ignored_and_recording_a_view_is_cheap(app, db, make_user):
    with app.test_request_context():
        tracking.ask_form("../../etc", clicked=True)
        tracking.ask_form("A" * 32, shown=True)
        started = time.perf_counter()
        for _ in range(10_000):
            tracking.view(1)
        per_view = (time.perf_counter() - started) / 10_000
    assert per_view < 0.001
    assert app.extensions["analytics_buffer"].forms == {}


def test_a_page_never_waits_for_the_database_to_write_its_counts(
        app, db, make_user, make_space, make_thread, login):
    thread = make_thread(space=make_space(slug="help"), title=TITLE)
    reader = make_user(username="reader")
    page = login(app.test_client(), reader)
    thread_id, reader_id = thread.id, reader.id
    db.session.commit()  # outside a request every transaction holds the write lock
    app.config["ANALYTICS_FLUSH_INTERVAL"] = 0  # every request's counts are due at once
    sqlite = db.engine.dialect.name == "sqlite"
    writer = db.engine.raw_connection()  # another process holding SQLite's write lock
    try:
        if sqlite:
            writer.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        assert page.get(f"/threads/{thread_id}").status_code == 200
        # Far below the 15 s busy timeout the count's write waits in its own thread.
        assert time.monotonic() - started < 5
    finally:
        writer.rollback()
        writer.close()
    # Once the lock is free, the background write lands.
    deadline = time.monotonic() + 20
    views = None
    while views is None and time.monotonic() < deadline:
        views = db.session.scalar(select(ActivityDay.views)
                                  .where(ActivityDay.user_id == reader_id))
        db.session.commit()  # outside a request every transaction holds the write lock
        time.sleep(0.05)
    assert views == 1


def test_counts_from_many_readers_at_once_are_all_written(app, db, make_user):
    import threading

    reader_id = make_user(username="reader").id
    db.session.commit()
    start = threading.Barrier(8)

    def read_pages():
        with app.app_context():
            start.wait()
            for _ in range(500):
                tracking.view(reader_id)
                tracking.count("search", None)

    workers = [threading.Thread(target=read_pages) for _ in range(8)]
    for w in workers:
        w.start()
    # A flush racing the readers takes what was counted so far; the rest goes next time.
    tracking.flush_now(app)
    for w in workers:
        w.join()
    tracking.flush_now(app)
    db.session.commit()
    assert db.session.scalar(select(ActivityDay.views)
                             .where(ActivityDay.user_id == reader_id)) == 4000
    assert db.session.scalar(select(AnalyticsCounter.n)
                             .where(AnalyticsCounter.kind == "search")) == 4000
