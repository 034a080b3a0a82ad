"""Every staff action on a thread page confirms with a message in the reader's language,
and the review queue offers only the actions that apply to an item as it is."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from community.extensions import db
from community.models import ModerationItem, Post, Thread
from community.moderation import flags, queue
from tests.conftest import csrf_token


def _send(c, url: str, **data):
    resp = c.post(url, data={**data, "csrf_token": csrf_token(c)})
    assert resp.status_code == 303, resp.get_data(as_text=True)[:300]
    return c.get(resp.headers["Location"]).get_data(as_text=True)


@pytest.fixture
def staffed(browser, make_user, make_thread, make_post, make_space):
    mod = make_user(role="moderator")
    question = make_thread(title="How do I descale the espresso machine?")
    answer = make_post(thread=question, body="Run the descaling programme twice a year.")
    idea = make_thread(kind="idea", title="Add a timer to the milk frother please")
    make_space(slug="kb", name="Knowledge base")
    return {"mod": mod, "question": question, "answer": answer, "idea": idea}


def test_each_thread_action_says_it_was_done(browser, staffed):
    mod, q, a = browser(staffed["mod"]), staffed["question"], staffed["answer"]
    steps = [
        (f"/threads/{q.id}/accept", {"post_id": str(a.id)}, "The answer is accepted."),
        (f"/threads/{q.id}/unaccept", {}, "The acceptance was withdrawn."),
        (f"/threads/{q.id}/accept", {"post_id": str(a.id)}, "The answer is accepted."),
        (f"/posts/{a.id}/official", {"official": "1"}, "The answer is marked official."),
        (f"/posts/{a.id}/official", {"official": "0"}, "The answer is no longer marked official."),
        (f"/threads/{q.id}/moderate", {"action": "lock"}, "The thread is locked"),
        (f"/threads/{q.id}/moderate", {"action": "unlock"}, "The thread is unlocked."),
        (f"/threads/{q.id}/moderate", {"action": "pin"}, "The thread is pinned."),
        (f"/threads/{q.id}/moderate", {"action": "unpin"}, "The thread is no longer pinned."),
        (f"/threads/{q.id}/moderate", {"action": "close"}, "The thread is closed."),
        (f"/threads/{q.id}/moderate", {"action": "reopen"}, "The thread is open again."),
        (f"/threads/{staffed['idea'].id}/status", {"status": "planned", "note": ""},
         "The idea&#39;s status is now: Planned."),
        (f"/threads/{q.id}/escalate", {}, "A case was opened"),
        (f"/posts/{a.id}/delete", {}, "The post was deleted."),
        (f"/posts/{a.id}/restore", {}, "The post was restored."),
    ]
    for url, data, message in steps:
        page = _send(mod, url, **data)
        assert message in page, (url, data)
        assert page.count('class="flash flash-') == 1
    db.session.expire_all()
    thread = db.session.get(Thread, q.id)
    assert not thread.is_locked and not thread.is_closed and thread.idea_status is None
    assert db.session.get(Post, a.id).deleted_at is None
    # The message is shown once: the next visit has none.
    assert 'class="flash flash-' not in mod.get(f"/threads/{q.id}").get_data(as_text=True)


def test_promote_says_the_article_was_made(browser, staffed):
    mod, q, a = browser(staffed["mod"]), staffed["question"], staffed["answer"]
    _send(mod, f"/threads/{q.id}/accept", post_id=str(a.id))
    page = _send(mod, f"/threads/{q.id}/promote", space="kb", confirm="1")
    assert "The knowledge article was made from this thread." in page


def test_the_messages_are_in_the_moderators_language(browser, staffed):
    mod, q, a = browser(staffed["mod"], lang="fr"), staffed["question"], staffed["answer"]
    assert "La réponse est acceptée." in _send(mod, f"/threads/{q.id}/accept", post_id=str(a.id))
    assert "Le sujet est verrouillé" in _send(mod, f"/threads/{q.id}/moderate", action="lock")
    assert "La réponse est marquée officielle." in _send(mod, f"/posts/{a.id}/official", official="1")


# ---- the review queue -------------------------------------------------------------------

def _buttons(page: str, item_id: int) -> set[str]:
    part = page.split(f'id="item-{item_id}"')[1].split("</article>")[0]
    return {v for v in ("dismiss", "hide", "delete", "restore") if f'value="{v}"' in part}


@pytest.fixture
def flagged(db, make_user, make_thread, make_post):
    thread = make_thread(title="Where can I buy spare carafes?")
    shown = make_post(thread=thread, body="Try the official shop, they ship fast.")
    hidden = make_post(thread=thread, body="Cheap carafes at my totally legit site.")
    for post in (shown, hidden):
        flags.flag(db.session, db.session.get(Post, post.id), by=make_user(), reason="spam")
    db.session.commit()
    items = {i.target_id: i for i in db.session.scalars(select(ModerationItem))}
    mod = make_user(role="moderator")
    queue.act(db.session, items[hidden.id], by=mod, action="delete")
    db.session.commit()
    # A flagged post that is already hidden, waiting again (flagged after a restore, say).
    items[hidden.id].state = "open"
    db.session.commit()
    return {"mod": mod, "shown": items[shown.id].id, "hidden": items[hidden.id].id,
            "hidden_post": hidden.id}


def test_the_queue_offers_only_what_applies(browser, flagged):
    mod = browser(flagged["mod"])
    page = mod.get("/moderation").get_data(as_text=True)
    assert _buttons(page, flagged["shown"]) == {"dismiss", "hide", "delete"}
    assert _buttons(page, flagged["hidden"]) == {"restore", "delete"}


def test_a_settled_item_offers_the_way_back(db, browser, flagged):
    mod = browser(flagged["mod"])
    page = _send(mod, f"/moderation/items/{flagged['shown']}", action="hide")
    assert "Hidden: only moderators see it now, and its author was told." in page
    resolved = mod.get("/moderation?state=resolved").get_data(as_text=True)
    assert _buttons(resolved, flagged["shown"]) == {"restore"}


def test_an_action_that_no_longer_applies_changes_nothing(db, browser, flagged):
    mod = browser(flagged["mod"], lang="fr")
    page = _send(mod, f"/moderation/items/{flagged['hidden']}", action="hide")
    assert "Cette action ne s’applique plus à cet élément : rien n’a été modifié." in page
    db.session.expire_all()
    item = db.session.get(ModerationItem, flagged["hidden"])
    assert item.state == "open" and item.resolution == "delete"
    page = _send(mod, f"/moderation/items/{flagged['hidden']}", action="restore")
    assert "Rétabli" in page
    db.session.expire_all()
    assert db.session.get(Post, flagged["hidden_post"]).deleted_at is None
