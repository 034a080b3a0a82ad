"""One event, one notification per person, with the most specific verb: driven through
the API as the people involved would, counting the rows each recipient holds."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape

import pytest
from sqlalchemy import select

from community.escalation.groups import save_group
from community.models import Notification

REWARDS = ("badge_awarded", "level_up")


@pytest.fixture(autouse=True)
def _fresh_contexts(fresh_context_per_request):
    """Each request in its own app context, as several people would send them."""


def told(db, user) -> Counter:
    """How many notifications of each verb ``user`` holds (badges and levels aside)."""
    db.session.expire_all()
    return Counter(db.session.scalars(select(Notification.verb).where(
        Notification.user_id == user.id, Notification.verb.not_in(REWARDS))))


def inbox(client) -> list[dict]:
    items = client.get("/api/v1/notifications").get_json()["items"]
    return [i for i in items if i["verb"] not in REWARDS]


def ask(client, space, title="How do I reset the router to factory settings?") -> int:
    resp = client.post("/api/v1/threads", json={
        "space": space.slug, "kind": "question", "title": title,
        "body": "The manual says to hold the button but nothing happens at all."})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def answer(client, thread_id: int) -> int:
    resp = client.post(f"/api/v1/threads/{thread_id}/posts",
                       json={"body": "Hold it for thirty seconds while it powers up."})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def group(db, make_user, slug, members):
    save_group(db.session, by=make_user(role="admin"), slug=slug, name=slug.title(), tags=[],
               spaces=[], members=[u.username for u in members], leads=[], out_of_office=[])
    db.session.commit()


def test_an_expert_answer_to_an_escalated_question_tells_the_asker_once(
        db, make_user, make_space, client_for):
    space = make_space()
    asker, expert, moderator = make_user(), make_user(role="employee"), make_user(role="moderator")
    thread_id = ask(client_for(asker), space)
    assert client_for(moderator).post(f"/api/v1/threads/{thread_id}/escalate",
                                      json={}).status_code == 201
    post_id = answer(client_for(expert), thread_id)

    assert told(db, asker) == {"case_answered": 1}
    [item] = inbox(client_for(asker))
    assert item["text"] == "An expert answered “How do I reset the router to factory settings?”"
    assert item["url"] == f"/threads/{thread_id}#post-{post_id}"
    # The most specific verb brings its own email default (immediately).
    assert db.session.scalar(select(Notification.email_state).where(
        Notification.user_id == asker.id, Notification.verb == "case_answered")) == "pending"
    # A peer's answer on the same thread is a plain answer again.
    answer(client_for(make_user()), thread_id)
    assert told(db, asker) == {"case_answered": 1, "answer_posted": 1}


def test_a_mention_of_a_follower_is_one_mention(db, make_user, make_space, client_for):
    asker = make_user()
    thread_id = ask(client_for(asker), make_space())
    resp = client_for(make_user()).post(f"/api/v1/threads/{thread_id}/posts", json={
        "body": f"@{asker.username} hold it for thirty seconds while it powers up."})
    assert resp.status_code == 201
    assert told(db, asker) == {"mentioned": 1}


def test_routing_tells_the_group_and_assigning_tells_only_the_assignee(
        db, make_user, make_space, client_for):
    e1, e2, e3, e4 = (make_user(role="employee") for _ in range(4))
    moderator = make_user(role="moderator")
    group(db, make_user, "rnd", [e1, e2])
    group(db, make_user, "sales", [e3, e4])
    staff = client_for(moderator)
    thread_id = ask(client_for(make_user()), make_space())
    resp = staff.post(f"/api/v1/threads/{thread_id}/escalate", json={"group": "rnd"})
    assert resp.status_code == 201, resp.get_json()
    case_id = resp.get_json()["id"]
    assert told(db, e1) == told(db, e2) == {"case_routed": 1}
    [item] = inbox(client_for(e2))
    assert item["text"].startswith("New case in your group's queue")
    assert told(db, e3) == told(db, e4) == {}

    assert staff.post(f"/api/v1/cases/{case_id}/assign",
                      json={"assignee": e1.username}).status_code == 200
    assert told(db, e1) == {"case_routed": 1, "case_assigned": 1}
    assert told(db, e2) == {"case_routed": 1}

    # One action that moves the case to another group and assigns one of its members:
    # the assignee hears that it is theirs, the rest of the group that it reached them.
    assert staff.post(f"/api/v1/cases/{case_id}/assign",
                      json={"assignee": e3.username, "group": "sales"}).status_code == 200
    assert told(db, e3) == {"case_assigned": 1}
    assert told(db, e4) == {"case_routed": 1}
    assert told(db, e1) == {"case_routed": 1, "case_assigned": 1}


def test_a_post_flagged_three_times_tells_each_moderator_once_until_it_is_handled(
        db, make_user, make_space, make_thread, make_post, client_for):
    moderators = [make_user(role="moderator"), make_user(role="moderator")]
    post = make_post(thread=make_thread(space=make_space()), author=make_user(),
                     body="Buy cheap watches at example dot com, best prices today.")
    for _ in range(3):
        resp = client_for(make_user()).post(f"/api/v1/posts/{post.id}/flags",
                                            json={"reason": "spam"})
        assert resp.status_code == 201, resp.get_json()
    for moderator in moderators:
        assert told(db, moderator) == {"post_flagged": 1}

    mod = client_for(moderators[0])
    [item] = mod.get("/api/v1/moderation/queue").get_json()["items"]
    assert mod.post(f"/api/v1/moderation/items/{item['id']}",
                    json={"action": "dismiss"}).status_code == 200
    # Handled: the next flag is news again.
    assert client_for(make_user()).post(f"/api/v1/posts/{post.id}/flags",
                                        json={"reason": "offensive"}).status_code == 201
    for moderator in moderators:
        assert told(db, moderator) == {"post_flagged": 2}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_row_of_the_preferences_page_says_something_different(
        language, client, login, make_user):
    login(client, make_user(role="admin"))  # an admin sees every verb, staff and moderators'
    html = client.get("/notifications/preferences",
                      headers={"Accept-Language": language}).get_data(as_text=True)
    assert f'<html lang="{language}">' in html
    labels = [unescape(x).strip() for x in re.findall(r'<th scope="row">(.*?)</th>', html, re.S)]
    assert len(labels) > 20
    assert [k for k, n in Counter(labels).items() if n > 1] == []
    verbs = re.findall(r'name="email-([a-z_]+)"', html)
    assert "post_hidden" not in verbs and "content_hidden" in verbs
