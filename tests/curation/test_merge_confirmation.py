"""Merging from the thread page: a confirmation page says what will move, nothing moves
before it is confirmed, the merged question stays a question of the target's history
(never an answer to accept) and a message in the moderator's language follows."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from community.extensions import db
from community.models import Follow, Post, Thread, ThreadRedirect
from community.notifications.follows import follow_thread
from community.services import votes
from tests.conftest import csrf_token


@pytest.fixture
def pair(db, make_thread, make_post, make_user):
    """A source question with two answers, three votes and two followers besides its asker,
    and the target question it duplicates, with one answer."""
    source = make_thread(title="Coffee grinder makes a squeaking noise")
    target = make_thread(title="Grinder squeaks when grinding fine")
    make_post(thread=source, body="Clean the burrs with rice tablets.")
    make_post(thread=source, body="Mine stopped after I oiled the motor bearing.")
    make_post(thread=target, body="A squeak means the burr carrier is dry.")
    for _n in range(3):
        votes.cast_vote(db.session, source, by=make_user(), value=1)
    for _n in range(2):
        follow_thread(db.session, source, by=make_user())
    db.session.commit()
    return source, target


def _merge(c, source, target, **extra):
    return c.post(f"/threads/{source.id}/moderate",
                  data={"action": "merge", "target": str(target.id),
                        "csrf_token": csrf_token(c), **extra})


def _posts_in(thread_id: int) -> int:
    return db.session.scalar(select(func.count(Post.id)).where(Post.thread_id == thread_id))


def test_merge_first_shows_what_will_move_and_moves_nothing(browser, make_user, pair):
    source, target = pair
    mod = browser(make_user(role="moderator"))
    resp = _merge(mod, source, target)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Merge this question into another?" in page
    assert source.title in page and target.title in page
    assert "2 answers" in page and "3 votes on the question" in page
    # Every active follower of the source moves (the two readers and any auto-follows).
    following = db.session.scalar(select(func.count(Follow.id)).where(
        Follow.target_type == "thread", Follow.target_id == source.id, Follow.active))
    assert following >= 2 and f"{following} followers" in page
    assert 'name="confirm" value="1"' in page
    db.session.expire_all()
    assert db.session.get(Thread, source.id).deleted_at is None
    assert _posts_in(source.id) == 2 and _posts_in(target.id) == 1
    assert db.session.scalar(select(ThreadRedirect)) is None


def test_confirmed_merge_keeps_the_question_as_a_question_and_says_so(browser, make_user, pair):
    source, target = pair
    mod = browser(make_user(role="moderator"))
    resp = _merge(mod, source, target, confirm="1")
    assert resp.status_code == 303 and f"/threads/{target.id}" in resp.headers["Location"]
    page = mod.get(resp.headers["Location"]).get_data(as_text=True)
    assert f"“{source.title}” was merged into this question" in page
    merged = db.session.scalar(select(Post).where(Post.thread_id == target.id,
                                                  Post.merged_title.is_not(None)))
    assert merged.merged_title == source.title and merged.author_id == source.author_id
    block = page.split('class="merged-question"')[1].split("</article>")[0]
    assert source.title in block and "Accept this answer" not in block
    answers = page.split('id="answers-heading"')[1]
    assert f'id="post-{merged.id}"' not in answers
    assert "3 answers" in page.split('id="answers-heading"')[1][:200]
    # The asker of the target may accept any real answer, never the merged question.
    asker = browser(db.session.get(Thread, target.id).author)
    asker_page = asker.get(f"/threads/{target.id}").get_data(as_text=True)
    assert asker_page.count("Accept this answer") == 3
    assert f'name="post_id" value="{merged.id}"' not in asker_page
    refused = asker.post(f"/threads/{target.id}/accept",
                         data={"post_id": str(merged.id), "csrf_token": csrf_token(asker)})
    assert refused.status_code == 422
    db.session.expire_all()
    assert db.session.get(Thread, target.id).accepted_post_id is None


def test_the_merged_question_is_no_answer_in_json_ld_or_the_api(browser, make_user, client_for,
                                                                pair):
    source, target = pair
    mod = browser(make_user(role="moderator"))
    _merge(mod, source, target, confirm="1")
    page = browser().get(f"/threads/{target.id}").get_data(as_text=True)
    ld = json.loads(page.split('application/ld+json">')[1].split("</script>")[0])
    assert ld["mainEntity"]["answerCount"] == 3
    assert all("Coffee grinder" not in a["text"] for a in ld["mainEntity"].get("suggestedAnswer", []))
    posts = client_for(None).get(f"/api/v1/threads/{target.id}").get_json()["posts"]
    assert [p["merged_title"] for p in posts].count(source.title) == 1
    assert sum(p["merged_title"] is None for p in posts) == 3


def test_the_merge_message_is_in_french_for_a_french_moderator(browser, make_user, pair):
    source, target = pair
    mod = browser(make_user(role="moderator"), lang="fr")
    confirm = _merge(mod, source, target).get_data(as_text=True)
    assert "Fusionner cette question dans une autre ?" in confirm and "2 réponses" in confirm
    resp = _merge(mod, source, target, confirm="1")
    page = mod.get(resp.headers["Location"]).get_data(as_text=True)
    assert f"« {source.title} » a été fusionnée dans cette question" in page
    assert "Question fusionnée" in page


def test_members_can_neither_preview_nor_merge(browser, make_user, pair):
    source, target = pair
    member = browser(make_user(reputation=5000))  # may close and mark duplicates, not merge
    for extra in ({}, {"confirm": "1"}):
        resp = _merge(member, source, target, **extra)
        assert resp.status_code == 403
        assert "Merge this question into another?" not in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Thread, source.id).deleted_at is None and _posts_in(source.id) == 2
