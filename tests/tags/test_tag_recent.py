"""thread_tag.last_activity_at (community/models/tag_recent.py): the database keeps
each tag row's copy of its thread's last activity through every kind of write."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select, update

from community.models import Thread, thread_tag, utcnow
from community.moderation import threads as moderation
from community.services import threads, votes
from community.tags import catalogue, curation


def _stale(db) -> list:
    """The tag rows whose time is not their thread's (none, if the triggers did their job)."""
    db.session.commit()
    rows = db.session.execute(
        select(thread_tag.c.thread_id, thread_tag.c.tag_id, thread_tag.c.last_activity_at,
               Thread.last_activity_at)
        .join(Thread, Thread.id == thread_tag.c.thread_id)).all()
    assert rows
    return [r for r in rows if r[2] != r[3]]


def test_every_write_keeps_the_tag_rows_time(db, make_space, make_thread, make_user):
    space = make_space()
    moderator, helper = make_user(role="moderator"), make_user()
    a = make_thread(space=space, tags=["alpha", "beta"])
    b = make_thread(space=space, tags=["alpha"])
    c = make_thread(space=space, tags=["gamma"])
    assert _stale(db) == []
    answer = threads.create_post(db.session, a, by=helper, body="A reply bumps the thread.")
    assert _stale(db) == []
    votes.accept_answer(db.session, a, answer, by=a.author)
    assert _stale(db) == []
    threads.edit_thread(db.session, b, by=b.author, tags=["beta", "delta"])
    assert _stale(db) == []
    db.session.execute(update(Thread).where(Thread.id == c.id)  # a bulk update (the importer)
                       .values(last_activity_at=utcnow() - timedelta(days=3)))
    assert _stale(db) == []
    curation.merge(db.session, catalogue.find(db.session, "gamma"),
                   catalogue.find(db.session, "alpha"), by=moderator)
    assert _stale(db) == []
    moderation.moderate(db.session, c, by=moderator, action="merge", target=str(a.id))
    assert _stale(db) == []
    epsilon = catalogue.find(db.session, "delta")
    db.session.execute(insert(thread_tag).values(thread_id=c.id, tag_id=epsilon.id))
    db.session.execute(update(thread_tag).where(thread_tag.c.thread_id == c.id,
                                                thread_tag.c.tag_id == epsilon.id)
                       .values(thread_id=a.id))
    assert _stale(db) == []
