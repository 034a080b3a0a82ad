"""One known week, played through the real services on a set clock, whose every figure
the analytics tests check by hand.

Calendar: UTC, Monday to Friday 09:00-17:00, Friday 2026-11-27 a holiday.

- Q1 Mon 23 10:00, a peer answers 10:30, accepted 11:00: peer, 30 / 60 min.
- Q2 Tue 24 09:00, an ambassador (confirmed Mon 08:00) answers 09:20, accepted 10:00.
- Q3 Thu 26 16:00, staff escalate it 16:30; an employee answers Mon 30 10:00 (90
  business minutes after the case opened: Thu 30, holiday, weekend, Mon 60; due Mon
  16:30: met); accepted Mon 11:00: resolved through the case.
- Q4 Mon 23 12:00 (tag billing), an employee answers 12:10, accepted 12:30: staff.
- Q5 Wed 25 10:00, never answered: the sweep opens a case Fri 27 10:00 (due Mon 30
  17:00, the holiday skipped) and marks it breached at Mon 30 18:00.
- More answers: carol (ambassador) on Q1 at 11:15, alice on her own Q1 at 11:20 (not
  an answer: the asker's), bob on Q4 at 12:20. Answers from others than the asker:
  Q1 2, Q2 1, Q3 1, Q4 2 = 6, of which carol's 2 were an ambassador's.
- Ideas (member erin): I1 Mon 23 09:00, upvoted by alice and bob, under review Tue 24
  09:00 (not a decision), planned Wed 25 09:00 (decided after 2,880 min), shipped Mon
  30 12:00 (still one decision). I2 Tue 24 10:00, declined 12:00 (120 min). I3 (alice)
  Wed 25 10:00, never touched (no status stored); I4 (dave) Wed 25 11:00, under review
  then back to new (stored "new"): both count as "new".
- Points in the 90 days: erin 5 + 5 + 20 (shipped) = 30, bob 15 and carol 15 (an
  accepted answer each), alice 2 + 2 and dave 2 + 2 (accepting).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime

from community.escalation import service as escalation
from community.escalation.sweep import sweep
from community.gamification import ambassadors
from community.models.base import reset_clock, set_clock
from community.services import threads, votes

CALENDAR = {"timezone": "UTC", "workdays": [0, 1, 2, 3, 4], "hours": ["09:00", "17:00"],
            "holidays": ["2026-11-27"]}
BODY = "A body long enough to be a real question about the product."
ANSWER = "Here is an answer that really helps with this."


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@contextlib.contextmanager
def clock(moment: datetime):
    token = set_clock(lambda: moment)
    try:
        yield moment
    finally:
        reset_clock(token)


@dataclass
class History:
    space: object
    questions: list
    posts: dict
    users: dict
    ideas: list


def build_history(db, make_user, make_space) -> History:
    s = db.session
    with clock(at(20, 8)):
        space = make_space(slug="help")
        asker, asker2, peer, amb = (make_user(username=n) for n in ("alice", "dave", "bob", "carol"))
        emp = make_user(role="employee", username="emp")
        mod = make_user(role="moderator", username="mod")
    with clock(at(23, 8)):
        ambassadors.confirm(s, amb, by=mod)
        s.commit()
    posts, qs = {}, []

    def ask(moment, author, tags=()):
        with clock(moment):
            q = threads.create_thread(s, space, by=author, kind="question",
                                      title=f"How do I configure thing {len(qs) + 1} properly?",
                                      body=BODY, tags=list(tags))
            s.commit()
        qs.append(q)
        return q

    def answer(moment, q, author):
        with clock(moment):
            p = threads.create_post(s, q, by=author, body=ANSWER)
            s.commit()
        posts[q.id] = p
        return p

    def accept(moment, q, by):
        with clock(moment):
            votes.accept_answer(s, q, posts[q.id], by=by)
            s.commit()

    q1 = ask(at(23, 10), asker)
    answer(at(23, 10, 30), q1, peer)
    accept(at(23, 11), q1, asker)
    q2 = ask(at(24, 9), asker)
    answer(at(24, 9, 20), q2, amb)
    accept(at(24, 10), q2, asker)
    q3 = ask(at(26, 16), asker2)
    with clock(at(26, 16, 30)):
        escalation.escalate(s, q3, by=emp)
        s.commit()
    answer(at(30, 10), q3, emp)
    accept(at(30, 11), q3, asker2)
    q4 = ask(at(23, 12), asker2, tags=["billing"])
    answer(at(23, 12, 10), q4, emp)
    accept(at(23, 12, 30), q4, asker2)
    q5 = ask(at(25, 10), asker)
    for moment, q, author in ((at(23, 11, 15), q1, amb), (at(23, 11, 20), q1, asker),
                              (at(23, 12, 20), q4, peer)):
        with clock(moment):
            threads.create_post(s, q, by=author, body=ANSWER)
            s.commit()
    ideas = _ideas(s, space, make_user, asker, asker2, peer, mod)
    for moment in (at(27, 10), at(30, 18)):
        with clock(moment):
            sweep(s, now=moment)
            s.commit()
    return History(space=space, questions=[q1, q2, q3, q4, q5], posts=posts,
                   users={"alice": asker, "dave": asker2, "bob": peer, "carol": amb,
                          "emp": emp, "mod": mod, "erin": ideas[0].author},
                   ideas=ideas)


def _ideas(s, space, make_user, alice, dave, bob, mod) -> list:
    with clock(at(20, 8)):
        erin = make_user(username="erin")
    made = []

    def idea(moment, author):
        with clock(moment):
            made.append(threads.create_thread(
                s, space, by=author, kind="idea", title=f"Please add feature number {len(made) + 1}",
                body=BODY))
            s.commit()
        return made[-1]

    def status(moment, thread, value):
        with clock(moment):
            threads.set_idea_status(s, thread, by=mod, status=value)
            s.commit()

    i1 = idea(at(23, 9), erin)
    with clock(at(23, 9, 30)):
        votes.cast_vote(s, i1, by=alice, value=1)
        votes.cast_vote(s, i1, by=bob, value=1)
        s.commit()
    i2 = idea(at(24, 10), erin)
    status(at(24, 9), i1, "under_review")
    status(at(24, 12), i2, "declined")
    status(at(25, 9), i1, "planned")
    idea(at(25, 10), alice)
    i4 = idea(at(25, 11), dave)
    status(at(25, 12), i4, "under_review")
    status(at(25, 13), i4, "new")
    status(at(30, 12), i1, "shipped")
    return made
