"""The one after-commit channel: side effects leave after the outermost commit only, and
never for work that rolled back (a released SAVEPOINT is not a commit)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from community import events
from community.models import Notification, Space
from community.notifications import fanout


def _space(db, slug):
    db.session.add(Space(slug=slug, name=slug.title(), visibility="public"))


def test_a_released_savepoint_waits_for_the_outer_commit(db):
    ran = []
    _space(db, "outer")
    with db.session.begin_nested():
        _space(db, "inner")
        events.defer(db.session, ran.append, "inner")
    assert ran == []  # the savepoint is released, the transaction is still open
    events.defer(db.session, ran.append, "outer")
    db.session.commit()
    assert ran == ["inner", "outer"]


def test_a_rolled_back_savepoint_drops_what_it_queued(db):
    ran = []
    with pytest.raises(RuntimeError), db.session.begin_nested():
        events.defer(db.session, ran.append, "doomed")
        raise RuntimeError("subscriber failed")
    outer = db.session.begin_nested()
    inner = db.session.begin_nested()
    events.defer(db.session, ran.append, "released into a savepoint that then rolls back")
    inner.commit()
    outer.rollback()
    events.defer(db.session, ran.append, "kept")
    db.session.commit()
    assert ran == ["kept"]


def test_an_outer_rollback_drops_everything_even_from_released_savepoints(db):
    ran = []
    with db.session.begin_nested():
        events.defer(db.session, ran.append, "nested")
    events.defer(db.session, ran.append, "outer")
    db.session.rollback()
    db.session.commit()
    assert ran == []


def test_once_queues_a_wake_up_a_single_time(db):
    ran = []
    for _ in range(3):
        with db.session.begin_nested():
            events.defer(db.session, ran.append, "wake", once=True)
    events.defer(db.session, ran.append, "wake", once=True)
    db.session.commit()
    assert ran == ["wake"]


@dataclass(frozen=True)
class _Probe(events.Event):
    user_id: int


def test_a_failing_subscriber_loses_its_notification_row_and_its_push(db, make_user, monkeypatch):
    """A subscriber notifies, then fails: its savepoint rolls back the row, and the push it
    queued goes with it (it used to survive and announce a notification that does not exist)."""
    pushed = []
    monkeypatch.setattr("community.pusher.push", lambda room, ev, payload: pushed.append(room))
    user = make_user()

    def failing(session, event):
        fanout.notify(session, "badge_awarded", recipients=[event.user_id],
                      data={"badge": "teacher"})
        raise RuntimeError("boom")

    def working(session, event):
        fanout.notify(session, "badge_awarded", recipients=[event.user_id],
                      data={"badge": "student"})

    monkeypatch.setitem(events._in_tx, _Probe, [failing, working])
    events.emit(db.session, _Probe(user_id=user.id))
    assert pushed == []  # nothing leaves before the commit
    db.session.commit()
    rows = db.session.scalars(select(Notification.data).where(Notification.user_id == user.id)).all()
    assert [r["badge"] for r in rows] == ["student"]
    assert pushed == [f"user:{user.id}"]
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 1
