"""The points table, as data. Override any number with config ``REPUTATION_RULES``.

Each rule names the ledger ``reason`` its rows carry and the points it gives; the
engine never hard-codes a number.
"""

from __future__ import annotations

from flask import current_app

from .. import site_rules

DEFAULT_RULES: dict[str, int] = {
    "answer_upvoted": 10,       # reason upvote_received, on a post of a question
    "question_upvoted": 5,      # reason upvote_received, on a question or an idea
    "reply_upvoted": 5,         # a reply in an idea or a discussion
    "thread_upvoted": 5,        # a discussion thread
    "answer_accepted": 15,      # reason accepted, to the answer's author
    "accepting": 2,             # reason accepting, to the asker who accepted
    "downvote_received": -2,
    "downvote_cast": -1,
    "idea_shipped": 20,         # reason idea_shipped, to the idea's author
}
REPUTATION_FLOOR = 1

# Spaces whose content earns (and costs) points. Reputation, levels and badges are
# public, so activity in staff spaces moves none of them: a member would otherwise see
# that staff-only activity happened, and when.
EARNING_VISIBILITIES = ("public", "members")

# Reasons whose gains count against the daily cap ("from votes"; accepts are exempt).
CAPPED_REASONS = ("upvote_received",)


def points(rule: str) -> int:
    overrides = site_rules.value("REPUTATION_RULES")
    return int(overrides.get(rule, DEFAULT_RULES[rule]))


def daily_vote_cap() -> int | None:
    """None means no cap."""
    value = current_app.config["REPUTATION_DAILY_VOTE_CAP"]
    return None if value is None else int(value)


def upvote_rule(target_type: str, thread_kind: str) -> str:
    if target_type == "post":
        return "answer_upvoted" if thread_kind == "question" else "reply_upvoted"
    return "thread_upvoted" if thread_kind == "discussion" else "question_upvoted"
