"""People fixtures: socket handlers bound and a small community with two people writing
in the same threads (browsers: tests/conftest.py)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import community.realtime  # noqa: F401  (its socket handlers must exist before any app binds)
from community.models import Comment
from community.moderation import flags
from community.notifications import watches
from community.services import votes


@pytest.fixture
def two_people(db, make_user, make_space, make_thread, make_post):
    """Ada and Zed, each with a thread, an answer in the other's thread, a comment, a
    vote, a flag and a watch: everything one of them could wrongly receive of the other."""
    space = make_space(slug="help")
    ada = make_user(username="ada_l", email="ada@private.example")
    zed = make_user(username="zed_q", email="zed@secret.example")
    ada.display_name, zed.display_name = "Ada Lovelace", "Zebulon Quux"
    db.session.commit()
    ada_thread = make_thread(space=space, author=ada, title="How do I descale the grinder?",
                             body="Ada's question body about descaling the grinder.")
    zed_thread = make_thread(space=space, author=zed, title="Zed asks about steam wands",
                             body="Zed's private musings on steam wands xylophonic.")
    ada_post = make_post(thread=zed_thread, author=ada, body="Ada answers: purge the wand with vinegar.")
    zed_post = make_post(thread=ada_thread, author=zed, body="Zed answers quizzically.")
    for author, post, body in ((ada, zed_post, "Ada comments on Zed."),
                               (zed, ada_post, "Zed comments zanily.")):
        db.session.add(Comment(thread_id=post.thread_id, post_id=post.id, author_id=author.id,
                               body=body, body_html=f"<p>{body}</p>"))
    votes.cast_vote(db.session, zed_post, by=ada, value=1)
    votes.cast_vote(db.session, ada_post, by=zed, value=1)
    flags.flag(db.session, zed_post, by=ada, reason="other", note="Ada's flag note")
    flags.flag(db.session, ada_post, by=zed, reason="other", note="Zed's flag note")
    watches.create_watch(db.session, by=ada, query="grinder")
    watches.create_watch(db.session, by=zed, query="zanzibar")
    db.session.commit()
    return SimpleNamespace(ada=ada, zed=zed, space=space, ada_thread=ada_thread,
                           zed_thread=zed_thread, ada_post=ada_post, zed_post=zed_post)
