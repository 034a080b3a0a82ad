"""tag_count (community/models/tag_counts.py): the database keeps each tag's thread
counts per space through every kind of write, equal to a count over the rows."""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select, update

from community.models import Space, Tag, Thread, tag_count, thread_tag, utcnow
from community.moderation import threads as moderation
from community.services import threads
from community.tags import catalogue, curation


def _kept(db) -> dict:
    rows = db.session.execute(select(tag_count)).all()
    return {(t, s): (n, d) for t, s, n, d in rows if n or d}


def _counted(db) -> dict:
    live = func.sum(func.cast(Thread.deleted_at.is_(None), db.Integer))
    rows = db.session.execute(
        select(thread_tag.c.tag_id, Thread.space_id, live, func.count() - live)
        .join(Thread, Thread.id == thread_tag.c.thread_id)
        .group_by(thread_tag.c.tag_id, Thread.space_id)).all()
    return {(t, s): (int(n), int(d)) for t, s, n, d in rows}


def _check(db) -> None:
    db.session.commit()
    assert _kept(db) == _counted(db)
    assert all(n >= 0 and d >= 0 for n, d in _kept(db).values())


def test_every_write_keeps_the_counts(db, make_space, make_thread, make_user):
    one, two = make_space(), make_space(visibility="staff")
    moderator, employee = make_user(role="moderator"), make_user(role="employee")
    a = make_thread(space=one, tags=["alpha", "beta"])
    b = make_thread(space=one, tags=["alpha"])
    c = make_thread(space=two, author=employee, tags=["alpha", "gamma"])
    _check(db)
    assert _kept(db)[(catalogue.find(db.session, "alpha").id, one.id)] == (2, 0)
    threads.edit_thread(db.session, a, by=a.author, tags=["beta", "delta"])
    _check(db)
    b.deleted_at = utcnow()  # soft delete
    _check(db)
    b.deleted_at = None  # restored
    _check(db)
    moderation.moderate(db.session, a, by=moderator, action="move", target=two.slug)
    _check(db)
    a.deleted_at = utcnow()
    a.space_id = one.id  # both at once
    _check(db)
    alpha, gamma = catalogue.find(db.session, "alpha"), catalogue.find(db.session, "gamma")
    curation.merge(db.session, gamma, alpha, by=moderator)  # c already has alpha
    _check(db)
    db.session.execute(insert(thread_tag).values(thread_id=b.id, tag_id=gamma.id))
    db.session.execute(update(thread_tag).where(thread_tag.c.thread_id == b.id,
                                                thread_tag.c.tag_id == gamma.id)
                       .values(thread_id=c.id))
    _check(db)
    db.session.delete(c)  # the ORM removes its tag rows itself, then the thread
    _check(db)
    db.session.execute(delete(Thread).where(Thread.id == b.id))  # no ORM: the trigger does
    _check(db)
    db.session.execute(delete(Tag).where(Tag.name == "delta"))
    _check(db)
    make_thread(space=two, author=employee, tags=["beta"])
    db.session.execute(delete(thread_tag).where(thread_tag.c.thread_id.in_(
        select(Thread.id).where(Thread.space_id == two.id))))
    db.session.execute(delete(Thread).where(Thread.space_id == two.id))
    db.session.execute(delete(Space).where(Space.id == two.id))
    _check(db)


def test_the_readable_count_is_the_sum_over_the_readers_spaces(
        db, make_space, make_thread, make_user):
    public, staff = make_space(), make_space(visibility="staff")
    make_thread(space=public, tags=["shared"])
    gone = make_thread(space=public, tags=["shared"])
    make_thread(space=staff, author=make_user(role="employee"), tags=["shared"])
    gone.deleted_at = utcnow()
    db.session.commit()
    tag = catalogue.find(db.session, "shared")
    counts = {role: catalogue.readable_count(db.session, make_user(role=role), tag)
              for role in ("member", "employee", "moderator")}
    assert counts == {"member": 1, "employee": 2, "moderator": 3}
    assert catalogue.readable_count(db.session, None, tag) == 1
