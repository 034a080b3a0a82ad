"""Concurrent votes against a real SQLite file (or PostgreSQL): exact reputation."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from community.models import LedgerEntry, User


def _hammer(session, clients, url, body):
    # Outside a request every transaction takes SQLite's write lock: hold none while
    # the clients run.
    session.close()
    barrier = threading.Barrier(len(clients))
    statuses = []

    def run(c):
        barrier.wait()
        statuses.append(c.put(url, json=body).status_code)

    workers = [threading.Thread(target=run, args=(c,)) for c in clients]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    return statuses


@pytest.mark.parametrize("voters, expected", [(20, 200), (25, 200), (12, 120)])
def test_concurrent_upvotes_give_exactly_their_points_within_the_cap(
        db, make_thread, make_post, make_user, client_for, voters, expected):
    author = make_user()
    author_id = author.id
    post = make_post(thread=make_thread(), author=author)
    url = f"/api/v1/posts/{post.id}/vote"
    clients = [client_for(make_user()) for _ in range(voters)]
    statuses = _hammer(db.session, clients, url, {"value": 1})
    assert statuses == [200] * voters
    db.session.expire_all()
    assert db.session.scalar(select(User.reputation).where(User.id == author_id)) == 1 + expected
    assert db.session.scalar(select(func.sum(LedgerEntry.points))
                             .where(LedgerEntry.user_id == author_id)) == expected
    rows = db.session.scalar(select(func.count()).select_from(LedgerEntry)
                             .where(LedgerEntry.user_id == author_id))
    assert rows == min(voters, 20)  # votes past the cap write no row


def test_twenty_identical_concurrent_votes_count_once(db, make_thread, make_post, make_user,
                                                      client_for):
    author, voter = make_user(), make_user()
    author_id = author.id
    post = make_post(thread=make_thread(), author=author)
    url = f"/api/v1/posts/{post.id}/vote"
    clients = [client_for(voter) for _ in range(20)]
    assert _hammer(db.session, clients, url, {"value": 1}) == [200] * 20
    db.session.expire_all()
    assert db.session.scalar(select(User.reputation).where(User.id == author_id)) == 11


def test_concurrent_upvotes_on_many_posts_of_one_author_respect_the_cap(
        db, make_thread, make_post, make_user, client_for):
    author = make_user()
    author_id = author.id
    thread = make_thread()
    urls = [f"/api/v1/posts/{make_post(thread=thread, author=author).id}/vote" for _ in range(25)]
    clients = [client_for(make_user()) for _ in urls]
    db.session.close()
    barrier = threading.Barrier(len(clients))
    statuses = []

    def run(c, url):
        barrier.wait()
        statuses.append(c.put(url, json={"value": 1}).status_code)

    workers = [threading.Thread(target=run, args=pair) for pair in zip(clients, urls, strict=True)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert statuses == [200] * 25
    assert db.session.scalar(select(User.reputation).where(User.id == author_id)) == 201
