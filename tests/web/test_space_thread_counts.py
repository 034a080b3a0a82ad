"""Each space's thread counts are kept by the database (community/models/thread_counts.py):
whatever writes a thread (a service, a moderator, a bulk insert, a hard delete), the
counts the home page shows are the rows' own, and readers see the counts their rights
give them."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, insert, select, update
from webtools import text

from community.models import Space, Thread, utcnow
from community.moderation import queue

OPS = st.lists(st.tuples(st.sampled_from(["create", "bulk", "delete", "restore", "move",
                                          "purge"]),
                         st.integers(0, 50), st.integers(0, 2)), min_size=1, max_size=25)


def _actual(db, space_id: int) -> tuple[int, int]:
    rows = dict(db.session.execute(
        select(Thread.deleted_at.is_(None), func.count()).where(Thread.space_id == space_id)
        .group_by(Thread.deleted_at.is_(None))).all())
    return rows.get(True, 0), rows.get(False, 0)


def _kept(db, space_id: int) -> tuple[int, int]:
    return tuple(db.session.execute(select(Space.thread_count, Space.deleted_thread_count)
                                    .where(Space.id == space_id)).one())


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_the_counts_are_the_rows_own_whatever_writes_them(db, make_space, make_user,
                                                          make_thread, ops):
    spaces = [make_space() for _ in range(3)]
    author = make_user()
    for op, pick, where in ops:
        ids = db.session.scalars(select(Thread.id).where(
            Thread.space_id.in_([s.id for s in spaces])).order_by(Thread.id)).all()
        target = ids[pick % len(ids)] if ids else None
        if op == "create":
            make_thread(space=spaces[where], author=author)
        elif op == "bulk":  # as the importer writes: Core, several rows at once
            now = utcnow()
            db.session.execute(insert(Thread), [
                {"space_id": spaces[where].id, "kind": "question", "title": f"Bulk {i}",
                 "body": "b", "body_html": "<p>b</p>", "author_id": author.id,
                 "created_at": now, "last_activity_at": now,
                 "deleted_at": now if i % 2 else None} for i in range(3)])
        elif target is None:
            continue
        elif op == "delete":
            db.session.execute(update(Thread).where(Thread.id == target)
                               .values(deleted_at=utcnow()))
        elif op == "restore":
            db.session.get(Thread, target).deleted_at = None
        elif op == "move":
            db.session.get(Thread, target).space_id = spaces[where].id
        elif op == "purge":
            db.session.execute(delete(Thread).where(Thread.id == target))
        db.session.commit()
        db.session.expire_all()
        for space in spaces:
            assert _kept(db, space.id) == _actual(db, space.id), (op, space.slug)


def test_the_home_page_counts_what_each_reader_may_list(db, make_space, make_thread,
                                                        make_user, browser):
    space = make_space(name="Counted space")
    moderator = make_user(role="moderator")
    threads = [make_thread(space=space) for _ in range(3)]
    queue.hide(db.session, threads[0], by_id=moderator.id)
    db.session.commit()

    def shown(client) -> str:
        card = re.search(r'class="space-name"[^>]*>Counted space</a>.*?class="space-count">([^<]+)',
                         text(client.get("/")), re.S)
        return card.group(1)

    assert shown(browser()) == "2 threads"
    assert shown(browser(moderator)) == "3 threads"
    make_thread(space=space)
    assert shown(browser()) == "3 threads"


def test_recompute_reports_a_count_gone_astray_and_repairs_it(app, db, make_space,
                                                              make_thread):
    space = make_space()
    make_thread(space=space)
    db.session.execute(update(Space).where(Space.id == space.id).values(thread_count=7))
    db.session.commit()
    runner = app.test_cli_runner()
    checked = runner.invoke(args=["community", "recompute", "--check"])
    assert checked.exit_code == 1
    assert f"space thread_count: space {space.id} 7 -> 1" in checked.output
    assert runner.invoke(args=["community", "recompute"]).exit_code == 0
    db.session.expire_all()
    assert _kept(db, space.id) == (1, 0)


def test_recompute_reports_a_tag_count_gone_astray_and_repairs_it(app, db, make_space,
                                                                  make_thread):
    from community.models import Tag, tag_count

    space = make_space()
    make_thread(space=space, tags=["grinders"])
    tag_id = db.session.scalar(select(Tag.id).where(Tag.name == "grinders"))
    db.session.execute(update(tag_count).where(tag_count.c.tag_id == tag_id)
                       .values(thread_count=5))
    db.session.commit()
    runner = app.test_cli_runner()
    checked = runner.invoke(args=["community", "recompute", "--check"])
    assert checked.exit_code == 1
    assert f"tag_count: tag {tag_id} space {space.id} (5, 0) -> (1, 0)" in checked.output
    assert runner.invoke(args=["community", "recompute"]).exit_code == 0
    assert runner.invoke(args=["community", "recompute", "--check"]).exit_code == 0
