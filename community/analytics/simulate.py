"""`flask community simulate`: a simulated community played through the real services.

Its own space (``simulated-<seed>``, named as simulated) and accounts (``sim<seed>-…``):
customers in four time zones ask with daily and weekly rhythms, most search first and
some open a suggested thread instead of asking; peers of varying skill answer by tag,
askers accept and upvote good answers, the best peers are confirmed as ambassadors,
a spammer's answers are deleted by a moderator, the escalation sweep turns what peers
leave alone into cases and employees answer them on the business-hours calendar.

Every step goes through the services (events, ledger, sweep, notifications, search,
tracking) with the clock of ``models.base`` moved to the simulated moment; nothing
writes the tables directly. The same seed gives the same figures. Questions are asked
during ``days``; the pending work then finishes (at most three more days) so that every
question has its outcome.
"""

from __future__ import annotations

import heapq
import itertools
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..escalation import cases as case_service
from ..escalation.calendar import current_calendar
from ..escalation.groups import save_group
from ..escalation.sweep import sweep
from ..gamification import ambassadors
from ..models import Space, Thread, User
from ..models.base import reset_clock, set_clock
from ..models.escalation import OPEN_STATES, Case
from ..search import service as search_service
from ..search.outbox import drain_outbox, rebuild_index
from ..services import accounts, spaces, threads, tracking, votes

TOPICS = {
    "billing": ["invoice", "refund", "payment", "vat", "receipt"],
    "sync": ["calendar", "contacts", "offline", "conflict", "mobile"],
    "export": ["csv", "pdf", "report", "backup", "archive"],
    "login": ["password", "sso", "two-factor", "session", "locked"],
}
ZONES = [-5, 0, 1, 9]  # customers' UTC offsets in hours
TICK_MINUTES = 60  # sweep and indexer rounds, as the background loops would run them
SPAM = "Cheap followers and likes for your account, best prices guaranteed, write to us today."


@dataclass
class Params:
    days: int = 7
    seed: int = 1
    customers: int = 40
    peers: int = 12
    employees: int = 3
    weekday_questions: int = 12
    weekend_questions: int = 4
    peer_answer_rate: float = 0.9
    accept_rate: float = 0.9
    search_first: float = 0.6
    suggestion_click: float = 0.3
    deflected_after_click: float = 0.6
    spam_per_day: int = 1
    ambassadors: int = 2


@dataclass
class World:
    space: Space
    customers: list  # (user, utc offset)
    peers: list  # (user, skill, tags)
    employees: list
    moderator: User
    rng: random.Random
    queue: list = field(default_factory=list)
    seq: itertools.count = field(default_factory=itertools.count)
    asked: int = 0
    deflected: int = 0

    def at(self, moment: datetime, action, *args) -> None:
        heapq.heappush(self.queue, (moment, next(self.seq), action, args))


def default_start(days: int) -> date:
    """The Monday on or before ``days`` days ago, so the week's rhythm is always the same."""
    start = datetime.now(UTC).date() - timedelta(days=days)
    return start - timedelta(days=start.weekday())


def _accounts(session: Session, p: Params, prefix: str):
    def make(name: str, role: str = "member") -> User:
        return accounts.register_user(session, username=f"{prefix}-{name}",
                                      email=f"{prefix}-{name}@simulated.invalid",
                                      password=f"simulated-{prefix}-{name}", role=role,
                                      display_name=f"Simulated {name}")

    rng = random.Random(p.seed)
    customers = [(make(f"c{i:02d}"), ZONES[i % len(ZONES)]) for i in range(p.customers)]
    # The most active peers (the first ones, see _plan_answers) are the most skilled.
    skills = sorted((rng.uniform(0.55, 0.95) for _ in range(p.peers)), reverse=True)
    peers = [(make(f"p{i:02d}"), skills[i], rng.sample(sorted(TOPICS), 2)) for i in range(p.peers)]
    employees = [make(f"e{i}", "employee") for i in range(p.employees)]
    moderator = make("mod", "moderator")
    admin = make("admin", "admin")
    return customers, peers, employees, moderator, admin


def setup(session: Session, p: Params, start: date) -> World:
    slug = f"simulated-{p.seed}"
    if session.scalar(select(Space.id).where(Space.slug == slug)) is not None:
        raise ValueError(f"space {slug} exists: this seed was already played in this database")
    prefix = f"sim{p.seed}"
    space = spaces.create_space(session, slug=slug, name=f"Simulated community (seed {p.seed})",
                                visibility="public")
    space.description = "Simulated activity from `flask community simulate`: not real people."
    customers, peers, employees, moderator, admin = _accounts(session, p, prefix)
    session.flush()
    save_group(session, by=admin, slug=f"{prefix}-support", name=f"Simulated support {p.seed}",
               tags=[], spaces=[slug], members=[e.username for e in employees])
    for peer, _skill, _tags in peers[:p.ambassadors]:  # confirmed before the week begins
        ambassadors.confirm(session, peer, by=moderator, note="simulated")
    return World(space=space, customers=customers, peers=peers, employees=employees,
                 moderator=moderator, rng=random.Random(p.seed * 7919 + 1))


def _question_times(w: World, p: Params, start: date) -> list[tuple[datetime, tuple]]:
    out = []
    for d in range(p.days):
        day = start + timedelta(days=d)
        n = p.weekday_questions if day.weekday() < 5 else p.weekend_questions
        for _ in range(n):
            user, offset = w.rng.choice(w.customers)
            # Local daytime, busiest late morning and evening.
            local = w.rng.choice([w.rng.gauss(11, 2), w.rng.gauss(20, 1.5)])
            local = min(max(local, 7.0), 23.5)
            moment = datetime.combine(day, time(0), UTC) + timedelta(hours=local - offset)
            out.append((moment, (user, offset)))
    return sorted(out, key=lambda x: x[0])


def _title(w: World, topic: str) -> str:
    word = w.rng.choice(TOPICS[topic])
    verb = w.rng.choice(["configure", "fix", "understand", "change", "recover"])
    return f"How do I {verb} the {word} settings for {topic} number {w.asked + 1}?"


def _ask(s: Session, w: World, p: Params, now: datetime, user: User, offset: int) -> None:
    topic = w.rng.choice(sorted(TOPICS))
    if w.rng.random() < p.search_first:
        query = w.rng.choice(TOPICS[topic]) if w.rng.random() < 0.8 else f"zq{w.rng.randint(1, 6)}xv"
        search_service.search(s, user, query, search_service.Filters(), page=1, per_page=20)
        s.commit()
    token = tracking.new_form_token()
    title = _title(w, topic)
    shown = search_service.similar(s, user, title)
    if shown:
        tracking.ask_form(token, shown=True)
        if w.rng.random() < p.suggestion_click:
            tracking.ask_form(token, clicked=True)
            tracking.view(user.id)
            if w.rng.random() < p.deflected_after_click:
                w.deflected += 1
                return
    thread = threads.create_thread(s, w.space, by=user, kind="question", title=title,
                                   body=f"I am trying to {title[9:-1].lower()} and it does not work "
                                        "as the guide says. What am I missing?", tags=[topic])
    s.commit()
    tracking.ask_form(token, asked=True)
    w.asked += 1
    _plan_answers(w, p, now, thread.id, topic)


def _plan_answers(w: World, p: Params, now: datetime, thread_id: int, topic: str) -> None:
    experts = [(i, x) for i, x in enumerate(w.peers) if topic in x[2]] or list(enumerate(w.peers))
    if w.rng.random() < p.peer_answer_rate:
        # Activity falls with rank: the first peers answer far more than the last.
        _i, (peer, skill, _tags) = w.rng.choices(experts, weights=[1 / (i + 1) for i, _x in experts])[0]
        delay = timedelta(minutes=min(w.rng.expovariate(1 / 50), 20 * 60))
        w.at(now + delay, _peer_answer, thread_id, peer.id, skill)
    for _ in range(w.rng.randint(1, 4)):  # readers
        reader, _offset = w.rng.choice(w.customers)
        w.at(now + timedelta(minutes=w.rng.uniform(5, 600)), _read, reader.id)


def _read(s: Session, w: World, p: Params, now: datetime, user_id: int) -> None:
    tracking.view(user_id)


def _peer_answer(s: Session, w: World, p: Params, now: datetime, thread_id: int, peer_id: int,
                 skill: float) -> None:
    thread, peer = s.get(Thread, thread_id), s.get(User, peer_id)
    if thread.accepted_post_id is not None:
        return
    post = threads.create_post(s, thread, by=peer, body="Open the settings page, choose the "
                               "section for this and switch the option off and on again.")
    s.commit()
    tracking.view(thread.author_id)
    if w.rng.random() < skill * p.accept_rate / 0.75 and w.rng.random() < 0.95:
        w.at(now + timedelta(minutes=w.rng.uniform(20, 240)), _accept, thread_id, post.id)


def _accept(s: Session, w: World, p: Params, now: datetime, thread_id: int, post_id: int) -> None:
    from ..models import Post

    thread, post = s.get(Thread, thread_id), s.get(Post, post_id)
    if post.deleted_at is not None:
        return
    asker = s.get(User, thread.author_id)
    votes.cast_vote(s, post, by=asker, value=1)
    votes.accept_answer(s, thread, post, by=asker)
    s.commit()


def _spam(s: Session, w: World, p: Params, now: datetime, spammer_id: int) -> None:
    thread = s.scalar(select(Thread).where(Thread.space_id == w.space.id,
                                           Thread.accepted_post_id.is_(None))
                      .order_by(Thread.created_at.desc()).limit(1))
    if thread is None:
        return
    post = threads.create_post(s, thread, by=s.get(User, spammer_id), body=SPAM)
    s.commit()
    w.at(now + timedelta(minutes=w.rng.uniform(5, 30)), _moderate, post.id)


def _moderate(s: Session, w: World, p: Params, now: datetime, post_id: int) -> None:
    from ..models import Post

    threads.delete_post(s, s.get(Post, post_id), by=w.moderator)
    s.commit()


def _tick(s: Session, w: World, p: Params, now: datetime) -> None:
    """Every simulated hour: index what changed, sweep, hand new cases to employees."""
    s.commit()  # the indexer uses its own connection: hold no write lock meanwhile
    drain_outbox(current_app._get_current_object())
    sweep(s, now=now)
    s.commit()
    cal = current_calendar()
    for case in s.scalars(select(Case).where(Case.state.in_(OPEN_STATES),
                                             Case.first_response_at.is_(None),
                                             Case.thread.has(Thread.space_id == w.space.id))
                          .order_by(Case.id)):
        if case.state == "new":
            employee = w.rng.choice(w.employees)
            case_service.assign(s, case, by=employee, assignee=employee, now=now)
            s.commit()
            # Picked up within the working day: well inside the 8 business hours.
            when = cal.add(now, w.rng.uniform(10, 150) * 60)
            w.at(when, _staff_answer, case.id)


def _staff_answer(s: Session, w: World, p: Params, now: datetime, case_id: int) -> None:
    case = s.get(Case, case_id)
    if not case.is_open or case.first_response_at is not None:
        return
    post = threads.create_post(s, case.thread, by=case.assignee,
                               body="Thanks for the details: this is a known issue, and the "
                                    "workaround is to reset the option from the admin page.")
    s.commit()
    if w.rng.random() < 0.9:
        w.at(now + timedelta(minutes=w.rng.uniform(20, 300)), _accept, case.thread_id, post.id)


def _daily(s: Session, w: World, p: Params, now: datetime) -> None:
    """Evening review: the moderator confirms proposed ambassadors; counts are written."""
    for candidate in ambassadors.proposals(s):
        if candidate.user.username.startswith(f"sim{p.seed}-"):
            ambassadors.confirm(s, candidate.user, by=w.moderator)
    tracking.flush(s)
    s.commit()


def run(session: Session, p: Params, start: date | None = None) -> dict:
    start = start or default_start(p.days)
    t0 = datetime.combine(start, time(0), UTC)
    moment = [t0 - timedelta(days=30)]  # accounts exist well before: no first-day limits
    token = set_clock(lambda: moment[0])
    try:
        w = setup(session, p, start)
        session.commit()
        app = current_app._get_current_object()
        if not app.extensions["search"].exists():  # customers search from the first minute
            rebuild_index(app)
        spammer = w.customers[-1][0]
        for when, (user, offset) in _question_times(w, p, start):
            w.at(when, _ask, user, offset)
        end_of_asking = t0 + timedelta(days=p.days)
        finish = end_of_asking + timedelta(days=3)
        t = t0
        while t < finish:
            w.at(t, _tick)
            t += timedelta(minutes=TICK_MINUTES)
        for d in range(p.days + 3):
            day = t0 + timedelta(days=d)
            w.at(day + timedelta(hours=23, minutes=50), _daily)
            if d < p.days:
                for _ in range(p.spam_per_day):
                    w.at(day + timedelta(hours=w.rng.uniform(8, 20)), _spam, spammer.id)
        # Ticks stop at ``finish``; answers and accepts already planned still happen.
        while w.queue:
            when, _n, action, args = heapq.heappop(w.queue)
            moment[0] = when
            action(session, w, p, when, *args)
            # End every transaction, reads included (the CLI's are BEGIN IMMEDIATE): the
            # indexer writes through its own connection.
            session.commit()
        tracking.flush(session)
        session.commit()
    finally:
        reset_clock(token)
    return {"start": start, "end": start + timedelta(days=p.days - 1), "space": w.space.slug,
            "asked": w.asked, "deflected": w.deflected}
