"""Races on a real database file with real threads: votes and accepts stay exact, and
no writer fails with "database is locked" (BEGIN IMMEDIATE + busy timeout)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from community.models import Post, Thread, Vote

N = 20


def race(app, calls):
    """Run each ``(token, method, url, json)`` at the same moment, each in its own thread
    with its own test client (so its own app context and database session)."""
    barrier = threading.Barrier(len(calls))

    def one(call):
        token, method, url, body = call
        client = app.test_client()
        barrier.wait(timeout=30)
        resp = client.open(url, method=method, json=body,
                           headers={"Authorization": f"Bearer {token}"})
        return resp.status_code, resp.get_data(as_text=True)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        results = list(pool.map(one, calls))
    for status, text in results:
        assert "database is locked" not in text.lower(), text
        assert status < 500, text
    return results


def _tokens(db, client_for, users):
    tokens = [client_for(u).token for u in users]
    db.session.commit()
    db.session.close()  # the test's own session must hold no lock while the threads run
    return tokens


def test_twenty_identical_simultaneous_votes_give_one_vote(app, db, make_thread, make_user,
                                                           client_for):
    thread = make_thread()
    voter = make_user()
    thread_id, voter_id = thread.id, voter.id
    (token,) = _tokens(db, client_for, [voter])
    results = race(app, [(token, "PUT", f"/api/v1/threads/{thread_id}/vote", {"value": 1})] * N)
    assert all(status == 200 for status, _ in results), results
    votes = db.session.scalars(select(Vote).where(Vote.target_type == "thread",
                                                  Vote.target_id == thread_id)).all()
    assert [(v.user_id, v.value) for v in votes] == [(voter_id, 1)]
    assert db.session.get(Thread, thread_id).score == 1


def test_twenty_identical_simultaneous_post_votes_give_one_vote(app, db, make_thread, make_post,
                                                                make_user, client_for):
    post = make_post(thread=make_thread())
    post_id = post.id
    (token,) = _tokens(db, client_for, [make_user()])
    race(app, [(token, "PUT", f"/api/v1/posts/{post_id}/vote", {"value": 1})] * N)
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 1
    assert db.session.get(Post, post_id).score == 1


def test_twenty_users_voting_at_once_give_a_score_of_twenty(app, db, make_thread, make_user,
                                                            client_for):
    thread = make_thread()
    thread_id = thread.id
    tokens = _tokens(db, client_for, [make_user() for _ in range(N)])
    results = race(app, [(t, "PUT", f"/api/v1/threads/{thread_id}/vote", {"value": 1})
                         for t in tokens])
    assert all(status == 200 for status, _ in results)
    assert db.session.get(Thread, thread_id).score == N
    assert db.session.scalar(select(func.count()).select_from(Vote)) == N


def test_simultaneous_vote_changes_and_removals_keep_the_score_equal_to_the_votes(
        app, db, make_thread, make_user, client_for):
    thread = make_thread()
    thread_id = thread.id
    tokens = _tokens(db, client_for, [make_user(role="employee") for _ in range(N)])
    race(app, [(t, "PUT", f"/api/v1/threads/{thread_id}/vote", {"value": 1}) for t in tokens])
    calls = []
    for i, t in enumerate(tokens):
        if i % 3 == 0:
            calls.append((t, "PUT", f"/api/v1/threads/{thread_id}/vote", {"value": -1}))
        elif i % 3 == 1:
            calls.append((t, "DELETE", f"/api/v1/threads/{thread_id}/vote", None))
        else:
            calls.append((t, "PUT", f"/api/v1/threads/{thread_id}/vote", {"value": 1}))
    race(app, calls)
    db.session.expire_all()
    total = db.session.scalar(select(func.coalesce(func.sum(Vote.value), 0))
                              .where(Vote.target_type == "thread", Vote.target_id == thread_id))
    assert db.session.get(Thread, thread_id).score == total == 6 - 7


def test_two_simultaneous_accepts_leave_exactly_one_accepted_answer(app, db, make_thread,
                                                                    make_post, make_user,
                                                                    client_for):
    for _round in range(5):
        asker = make_user()
        moderator = make_user(role="moderator")
        thread = make_thread(author=asker)
        first, second = make_post(thread=thread), make_post(thread=thread)
        thread_id, first_id, second_id = thread.id, first.id, second.id
        ids = {first_id, second_id}
        asker_token, moderator_token = _tokens(db, client_for, [asker, moderator])
        results = race(app, [
            (asker_token, "POST", f"/api/v1/threads/{thread_id}/accept", {"post_id": first_id}),
            (moderator_token, "POST", f"/api/v1/threads/{thread_id}/accept", {"post_id": second_id}),
        ])
        assert [s for s, _ in results] == [200, 200]
        db.session.expire_all()
        stored = db.session.get(Thread, thread_id)
        assert stored.accepted_post_id in ids
        assert stored.status == "solved"
        shown = app.test_client().get(f"/api/v1/threads/{thread_id}").get_json()
        accepted = [p["id"] for p in shown["posts"] if p["is_accepted"]]
        assert accepted == [stored.accepted_post_id]
        assert shown["posts"][0]["id"] == stored.accepted_post_id
        db.session.close()


def test_twenty_simultaneous_answers_are_all_counted(app, db, make_thread, make_user, client_for):
    thread = make_thread()
    thread_id = thread.id
    tokens = _tokens(db, client_for, [make_user() for _ in range(N)])
    results = race(app, [(t, "POST", f"/api/v1/threads/{thread_id}/posts",
                          {"body": f"Concurrent answer {i}"}) for i, t in enumerate(tokens)])
    assert all(status == 201 for status, _ in results)
    stored = db.session.get(Thread, thread_id)
    assert stored.post_count == N
    assert db.session.scalar(select(func.count()).select_from(Post)) == N
