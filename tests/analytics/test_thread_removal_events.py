"""Deleting, restoring, merging a question and closing it as a duplicate are domain
events: the analytics facts drop (or bring back) the question at once, with its day's
rollups and its author's contributions, webhooks hear of it, and recompute agrees."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from community.analytics.recompute import recompute
from community.gamification.recompute import Report
from community.models import WebhookDelivery
from community.models.analytics import (
    ActivityDay,
    AnalyticsDaily,
    AnalyticsDailyValues,
    QuestionTimeline,
)
from community.moderation import queue
from community.moderation.threads import moderate
from community.webhooks import service as webhooks


def _timelines(db) -> dict:
    return {r.thread_id: r for r in db.session.scalars(select(QuestionTimeline))}


def _no_drift(db) -> None:
    report = Report()
    recompute(db.session, report, check=True)
    assert report.drift == {}


def _deliveries(db, event: str) -> list[dict]:
    return [json.loads(d.body)["data"] for d in db.session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.event == event).order_by(WebhookDelivery.id))]


def _hook(app, db, mod) -> None:
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    webhooks.create(db.session, url="http://127.0.0.1:9/in", by=mod,
                    events=["thread.deleted", "thread.duplicate"])
    db.session.commit()


def test_a_deleted_question_leaves_the_facts_and_comes_back_restored(app, db, history):
    q1 = history.questions[0]  # Mon 23, answered and solved by a peer
    mod, alice = history.users["mod"], history.users["alice"]
    _hook(app, db, mod)
    monday = date(2026, 11, 23)
    before = db.session.get(AnalyticsDaily, (monday, history.space.id)).questions
    posts = db.session.get(ActivityDay, (monday, alice.id)).posts

    queue.hide(db.session, q1, by_id=mod.id)
    db.session.commit()
    assert q1.id not in _timelines(db)
    day = db.session.get(AnalyticsDaily, (monday, history.space.id))
    assert (day.questions, day.by_peer) == (before - 1, 0)
    assert db.session.get(ActivityDay, (monday, alice.id)).posts == posts - 1
    first_responses = db.session.get(AnalyticsDailyValues, (0, monday, history.space.id))
    assert len(first_responses.first_response) == 4  # Q4 alone: one 32-bit value
    (deleted,) = _deliveries(db, "thread.deleted")
    assert deleted["thread"]["id"] == q1.id and deleted["merged_into"] is None
    assert "title" not in deleted["thread"] and "body" not in deleted["thread"]
    _no_drift(db)

    queue.show(db.session, q1, by_id=mod.id)
    db.session.commit()
    assert _timelines(db)[q1.id].resolution == "peer"
    assert db.session.get(AnalyticsDaily, (monday, history.space.id)).questions == before
    assert db.session.get(ActivityDay, (monday, alice.id)).posts == posts
    _no_drift(db)


def test_a_duplicate_and_a_merged_question_leave_the_facts(app, db, history):
    q1, q2, q3, _q4, q5 = history.questions
    mod = history.users["mod"]
    _hook(app, db, mod)
    unanswered = [tid for tid, r in _timelines(db).items() if r.first_response_at is None]
    assert unanswered == [q5.id]

    moderate(db.session, q5, by=mod, action="mark_duplicate", target=q1.id)
    db.session.commit()
    assert q5.id not in _timelines(db)
    wednesday = db.session.get(AnalyticsDaily, (date(2026, 11, 25), history.space.id))
    assert wednesday is None  # Q5 was the day's only question
    (duplicate,) = _deliveries(db, "thread.duplicate")
    assert (duplicate["thread"]["id"], duplicate["original"]["id"]) == (q5.id, q1.id)
    _no_drift(db)

    answers = _timelines(db)[q3.id].answers
    moderate(db.session, q2, by=mod, action="merge", target=q3.id)
    db.session.commit()
    timelines = _timelines(db)
    assert q2.id not in timelines
    # Q2's opening post (by its asker, not Q3's) and the ambassador's answer moved in.
    assert timelines[q3.id].answers == answers + 2
    (merged,) = _deliveries(db, "thread.deleted")
    assert (merged["thread"]["id"], merged["merged_into"]) == (q2.id, q3.id)
    _no_drift(db)

