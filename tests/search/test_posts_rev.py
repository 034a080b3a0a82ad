"""thread.posts_rev (community/models/posts_rev.py): the database advances it on every
write to one of the thread's posts, whichever way the write comes, and on no other
thread's; the search page keys its snippets on it."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update

from community.models import Post, Thread, utcnow
from community.moderation import threads as moderation
from community.services import threads, votes


def _revs(db) -> dict[int, int]:
    db.session.commit()
    return dict(db.session.execute(select(Thread.id, Thread.posts_rev)).all())


def test_every_write_to_a_post_advances_its_threads_number_only(
        db, make_space, make_thread, make_post, make_user):
    space = make_space()
    moderator, helper, voter = make_user(role="moderator"), make_user(), make_user()
    a, b, quiet = (make_thread(space=space) for _ in range(3))
    answer = make_post(thread=a, author=helper, body="Grind finer for a slower shot.")
    other = make_post(thread=b, body="Another answer, on the other thread.")

    def advanced(write, *expected):
        before = _revs(db)
        write()
        after = _revs(db)
        moved = {tid for tid in after if after[tid] != before[tid]}
        assert moved == {t.id for t in expected}, write
        assert all(after[t.id] > before[t.id] for t in expected)

    advanced(lambda: threads.create_post(db.session, a, by=helper, body="A new answer here."), a)
    advanced(lambda: threads.edit_post(db.session, answer, by=helper,
                                       body="Grind finer, and dose a little more."), a)
    advanced(lambda: votes.cast_vote(db.session, answer, by=voter, value=1), a)
    advanced(lambda: votes.remove_vote(db.session, answer, by=voter), a)
    advanced(lambda: threads.delete_post(db.session, answer, by=moderator), a)
    advanced(lambda: threads.restore_post(db.session, answer, by=moderator), a)
    # A bulk update, as the importer and a moderator's censoring write.
    advanced(lambda: db.session.execute(update(Post).where(Post.id == other.id)
                                        .values(body_html="<p>****</p>")), b)
    advanced(lambda: db.session.execute(insert(Post).values(
        thread_id=b.id, author_id=helper.id, body="raw", body_html="<p>raw</p>",
        created_at=utcnow())), b)
    advanced(lambda: db.session.execute(update(Post).where(Post.id == other.id)
                                        .values(thread_id=a.id)), a, b)
    advanced(lambda: db.session.execute(delete(Post).where(Post.id == other.id)), a)
    # A merge moves the source's answers: both threads' snippets may change.
    advanced(lambda: moderation.moderate(db.session, b, by=moderator, action="merge",
                                         target=str(a.id)), a, b)
    assert _revs(db)[quiet.id] == 0


def test_a_thread_deleted_with_its_posts_takes_them_along(db, make_thread, make_post):
    thread = make_thread()
    make_post(thread=thread)
    make_post(thread=thread)
    db.session.commit()
    # The cascade deletes the posts after their thread: their trigger finds no row to
    # advance, and the deletion goes through on both databases.
    db.session.execute(delete(Thread).where(Thread.id == thread.id))
    db.session.commit()
    assert db.session.scalar(select(Post.id).where(Post.thread_id == thread.id)) is None
