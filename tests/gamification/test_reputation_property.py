"""Random sequences of vote, unvote, accept, unaccept, delete and restore: the stored
reputation always equals max(1, 1 + ledger sum) and recompute finds no drift."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from community.errors import DomainError
from community.gamification.recompute import recompute
from community.models import LedgerEntry, Post, Thread, User
from community.services import threads, votes

N_USERS, N_POSTS = 4, 3

step = st.one_of(
    st.tuples(st.just("vote"), st.integers(0, N_USERS - 1), st.integers(-1, N_POSTS - 1),
              st.sampled_from([1, -1])),
    st.tuples(st.just("unvote"), st.integers(0, N_USERS - 1), st.integers(-1, N_POSTS - 1),
              st.just(0)),
    st.tuples(st.just("accept"), st.just(0), st.integers(0, N_POSTS - 1), st.just(0)),
    st.tuples(st.just("unaccept"), st.just(0), st.just(0), st.just(0)),
    st.tuples(st.just("delete"), st.integers(0, N_USERS - 1), st.integers(0, N_POSTS - 1),
              st.just(0)),
    st.tuples(st.just("restore"), st.just(0), st.integers(0, N_POSTS - 1), st.just(0)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=25))
def test_reputation_always_equals_the_ledger_and_recompute_agrees(db, app, steps):
    # A request context: refusals are translated sentences.
    with app.test_request_context(method="POST"):
        _run(db.session, steps)


def _run(s, steps):
    # Fresh people each example; roles vary so downvotes and moderator restores happen.
    users = [User(username=f"u{n}-{id(steps) % 10**8}-{i}", username_lower=f"u{n}-{id(steps) % 10**8}-{i}",
                  display_name=f"U{i}", role=role)
             for i, role in enumerate(["member", "employee", "member", "moderator"])
             for n in [s.scalar(select(func.count(User.id)))]]
    s.add_all(users)
    s.flush()
    from community.models import Space

    space = s.scalar(select(Space).limit(1))
    if space is None:
        from community.services import spaces

        space = spaces.create_space(s, slug="prop", name="Prop", visibility="public")
    thread = threads.create_thread(s, space, by=users[0], kind="question",
                                   title="A question for the property test",
                                   body="Enough words to be a question body.")
    posts = [threads.create_post(s, thread, by=users[(i % 3) + 1], body=f"Answer {i} here.")
             for i in range(N_POSTS)]
    s.commit()
    mod = users[3]

    for action, who, which, value in steps:
        actor = users[who]
        target = thread if which == -1 else posts[which]
        try:
            if action == "vote":
                votes.cast_vote(s, target, by=actor, value=value)
            elif action == "unvote":
                votes.remove_vote(s, target, by=actor)
            elif action == "accept":
                votes.accept_answer(s, thread, posts[which], by=users[0])
            elif action == "unaccept":
                votes.unaccept_answer(s, thread, by=users[0])
            elif action == "delete":
                threads.delete_post(s, posts[which], by=mod if who % 2 else posts[which].author)
            elif action == "restore":
                threads.restore_post(s, posts[which], by=mod)
            s.commit()
        except DomainError:
            s.rollback()  # refused (own content, deleted answer…): nothing changes
        s.expire_all()
        for user in users:
            total = s.scalar(select(func.coalesce(func.sum(LedgerEntry.points), 0))
                             .where(LedgerEntry.user_id == user.id))
            assert s.get(User, user.id).reputation == max(1, 1 + total)

    report = recompute(s, check=True)
    s.rollback()
    assert report.total == 0, report.lines
    s.expire_all()
    assert s.get(Thread, thread.id) is not None
    assert all(s.get(Post, p.id) is not None for p in posts)
