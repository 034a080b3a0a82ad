"""A small community with fixed names, numbers and dates, for screenshots and axe checks.

Everything a page shows comes out the same on every run: the people, spaces, threads,
votes (so reputation, levels, badges and the leaderboard), one escalated case whose due
time is fixed far ahead, and every date the pages print (rewritten after the services
ran, as they stamp "now"). Built through the real services, so it is what a community
that lived through these actions would hold.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, select

from community.escalation import service as escalation
from community.escalation.groups import save_group
from community.extensions import db
from community.models import Case, Space
from community.search.outbox import drain_outbox
from community.services import accounts, spaces, threads, votes

PASSWORD = "correct-horse-battery"
# Every printed date is this moment plus a row's id in hours: distinct, ordered, fixed.
EPOCH = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
DUE = datetime(2030, 12, 2, 15, 0, tzinfo=UTC)  # a Monday, 16:00 in Paris
DATED = {"created_at", "updated_at", "last_activity_at", "awarded_at", "edited_at",
         "opened_at", "accepted_at", "assigned_at", "state_changed_at"}

PEOPLE = [
    ("alice", "member", "Alice Martin"),
    ("bruno", "member", "Bruno Lefèvre"),
    ("chloe", "member", "Chloé Bernard"),
    ("david", "member", "David Okafor"),
    ("eva", "member", "Eva Nowak"),
    ("emma", "employee", "Emma Dubois"),
    ("marc", "moderator", "Marc Petit"),
    ("odile", "admin", "Odile Laurent"),
]

THREADS = [
    # space, author, title, body, tags, [(who answers, text, voters)], accepted index
    ("product-qa", "bruno", "How do I export my invoices as CSV files?",
     "I need last year's invoices as a spreadsheet for our accountant. The billing page "
     "only offers PDF downloads. Is there a way to get CSV?",
     ["billing", "export"],
     [("alice", "Open Billing, then History, tick the invoices and use the Export menu at "
                "the top right: it offers CSV and Excel.", ["bruno", "chloe", "david", "eva"]),
      ("chloe", "The API can do it as well if you want to automate the export every month.",
       ["bruno", "alice"])],
     0),
    ("product-qa", "chloe", "Sync stops with error E1042 after the update",
     "Since this morning's update the desktop app stops syncing and shows E1042 token "
     "expired. Signing out and in again did not help.",
     ["sync", "desktop-app"],
     [("alice", "Check the computer's clock: a skew of more than five minutes makes the "
                "token look expired.", ["chloe", "bruno", "eva"]),
      ("bruno", "Same here on two laptops; the clock fix worked on one of them.", ["david"])],
     None),
    ("product-qa", "david", "Can two people share one account safely?",
     "Our team of three uses one login. Is there a way to give each person their own "
     "access without paying for three full licences?",
     ["accounts"],
     [("bruno", "Invite them as collaborators from the Team page: collaborators are free "
                "up to five people.", ["david", "alice"])],
     0),
    ("ideas", "eva", "Dark mode for the web dashboard",
     "Many of us work late. A dark theme for the dashboard would be easier on the eyes, "
     "ideally following the operating system's setting.",
     ["ui"],
     [("david", "Yes please, and keep enough contrast for the charts.", ["eva"])],
     None),
]


def build(app) -> dict[str, int]:
    """Fills ``app``'s empty database; returns the threads' ids by title."""
    session = db.session
    people = {}
    for username, role, name in PEOPLE:
        people[username] = accounts.register_user(
            session, username=username, email=f"{username}@example.test", password=PASSWORD,
            display_name=name, role=role)
    for position, (slug, name) in enumerate([("product-qa", "Product Q&A"), ("ideas", "Ideas")]):
        spaces.create_space(session, slug=slug, name=name, visibility="public").position = position
    session.flush()
    save_group(session, by=people["odile"], slug="product", name="Product R&D",
               tags=["sync", "desktop-app"], spaces=["product-qa"], members=["emma"],
               leads=["emma"])
    by_slug = {s.slug: s for s in session.scalars(select(Space))}
    made = []
    for slug, author, title, body, tags, answers, accepted in THREADS:
        thread = threads.create_thread(session, by_slug[slug], by=people[author],
                                       kind="idea" if slug == "ideas" else "question",
                                       title=title, body=body, tags=tags)
        posts = []
        for who, text, voters in answers:
            post = threads.create_post(session, thread, by=people[who], body=text)
            for voter in voters:
                votes.cast_vote(session, post, by=people[voter], value=1)
            posts.append(post)
        if accepted is not None:
            votes.accept_answer(session, thread, posts[accepted], by=people[author])
        made.append(thread)
    session.commit()
    case = escalation.escalate(session, made[1], by=people["marc"], group="product")
    session.commit()
    _fix_dates(session)
    session.get(Case, case.id).first_response_due_at = DUE
    session.commit()
    while drain_outbox(app):
        pass
    ids = {t.title: t.id for t in made}
    session.rollback()  # no transaction left open: the live server writes (sign-ins)
    return ids


def _is_datetime(kind) -> bool:
    return isinstance(kind, DateTime) or isinstance(getattr(kind, "impl", None), DateTime)


def _fix_dates(session) -> None:
    for mapper in db.Model.registry.mappers:
        model = mapper.class_
        columns = [c.key for c in mapper.columns
                   if c.key in DATED and _is_datetime(c.type) and "id" in mapper.columns]
        if not columns:
            continue
        for row in session.scalars(select(model)):
            for key in columns:
                if getattr(row, key) is not None:
                    setattr(row, key, EPOCH + timedelta(hours=row.id))

