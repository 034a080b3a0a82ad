"""Knowledge-article fixtures: a solved question with a second answer, and the search
outbox drained on demand (browsers: tests/conftest.py)."""

from __future__ import annotations

import pytest

from community.search.outbox import drain_outbox
from community.services import votes


@pytest.fixture
def solved(db, make_user, make_space, make_thread, make_post):
    """A solved question in "qa", a second answer, a knowledge space "kb", a moderator."""
    qa = make_space(slug="qa", name="Questions")
    kb = make_space(slug="kb", name="Knowledge base")
    asker = make_user(username="asker")
    answerer = make_user(username="answerer")
    helper = make_user(username="helper")
    question = make_thread(space=qa, author=asker,
                           title="How do I descale the espresso machine safely?",
                           body="The descale light is on and I have citric acid at hand.")
    accepted = make_post(thread=question, author=answerer,
                         body="Run the descaling programme with the citric acid twice.")
    other = make_post(thread=question, author=helper,
                      body="Rinse the water tank well afterwards, twice.")
    votes.accept_answer(db.session, question, accepted, by=asker)
    db.session.commit()
    return {"qa": qa, "kb": kb, "asker": asker, "answerer": answerer, "helper": helper,
            "question": question, "accepted": accepted, "other": other,
            "mod": make_user(role="moderator", username="modo")}


@pytest.fixture
def drain(app):
    def run() -> int:
        total = 0
        while done := drain_outbox(app):
            total += done
        return total

    return run
