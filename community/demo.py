"""The demo community that `make run` seeds on first start (idempotent)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Space, Thread, User
from .services import spaces as space_service
from .services import threads, votes
from .services.accounts import register_user

ACCOUNTS = [
    # username, role, display name, password (printed: demo only)
    ("alice", "member", "Alice Martin", "alice-demo-pass"),
    ("bruno", "member", "Bruno Lefèvre", "bruno-demo-pass"),
    ("emma", "employee", "Emma Dubois (R&D)", "emma-demo-pass"),
    ("marc", "moderator", "Marc Petit (community)", "marc-demo-pass"),
    ("admin", "admin", "Admin", "admin-demo-pass"),
]

SPACES = [
    ("product-qa", "Product Q&A", "Questions and answers about the product, from customers and staff.", "public"),
    ("ideas", "Ideas", "Propose what we should build next and vote on others' ideas.", "public"),
    ("lounge", "Members' lounge", "Off-topic chat for signed-in members.", "members"),
    ("internal", "Internal", "Staff only: coordination between employees and community managers.", "staff"),
]

THREADS = [
    ("product-qa", "question", "alice", "How do I export my invoices as CSV files?",
     "I need my invoices from last year as a spreadsheet for our accountant. "
     "The billing page only offers PDF downloads. Is there a way to get **CSV**?",
     ["billing", "export"],
     [("bruno", "Go to *Billing → History*, tick the invoices you want, then use the "
                "**Export** menu at the top right: it offers CSV and Excel."),
      ("emma", "Bruno is right. Since version 4.2 you can also call `GET /invoices?format=csv` "
               "from the API if you want to automate it.")],
     0),
    ("product-qa", "question", "bruno", "Can two people share one account safely?",
     "Our team of three uses one login. Is there a way to give each person their own access "
     "without paying for three full licences?",
     ["accounts", "licensing"],
     [("alice", "We had the same need: invite them as *collaborators* from the Team page. "
                "Collaborators are free up to five people.")],
     None),
    ("product-qa", "question", "alice", "Sync fails with error E1042 after the last update",
     "Since this morning's update the desktop app stops syncing and shows `E1042: token "
     "expired`. Signing out and in again did not help. Anyone else?",
     ["sync", "desktop-app", "errors"], [], None),
    ("ideas", "idea", "bruno", "Dark mode for the web dashboard",
     "Many of us work late. A dark theme for the dashboard would be easier on the eyes, "
     "ideally following the operating system's setting.",
     ["ui", "accessibility"],
     [("alice", "Yes please! And keep enough contrast for charts.")], None),
    ("ideas", "idea", "alice", "Let us schedule reports to be emailed every Monday",
     "I open the same three reports every Monday morning. A schedule that emails them as PDF "
     "to a list of people would save our team an hour a week.",
     ["reports", "email"], [], None),
    ("lounge", "discussion", "alice", "Which coffee keeps you going on release days?",
     "Fellow customers: share your release-day rituals. Mine is a double espresso and a "
     "very long checklist.",
     ["off-topic"], [("bruno", "Cold brew, prepared the night before. No surprises.")], None),
    ("internal", "discussion", "emma", "E1042 reports after 4.3 rollout",
     "Several customers report E1042 since the 4.3 rollout. Looks like refresh tokens are not "
     "renewed when the clock skew is above 5 minutes. Investigating with the sync team.",
     ["sync", "incident"], [], None),
]


GROUPS = [
    # slug, name, tags, spaces, members, leads: what routing and the case page's group menu use
    ("product", "Product R&D", ["sync", "desktop-app", "errors", "ui", "reports"],
     ["product-qa", "ideas"], ["emma"], ["emma"]),
    ("billing", "Billing and accounts", ["billing", "export", "accounts", "licensing"],
     ["product-qa"], ["emma", "marc"], ["marc"]),
]


def seed_groups(session: Session, users: dict) -> None:
    from .escalation.groups import save_group
    from .models.escalation import ExpertGroup

    for slug, name, tags, spaces, members, leads in GROUPS:
        if session.scalar(select(ExpertGroup.id).where(ExpertGroup.slug == slug)) is None:
            save_group(session, by=users["admin"], slug=slug, name=name, tags=tags,
                       spaces=spaces, members=members, leads=leads)


def seed(session: Session, echo=print) -> list[tuple[str, str, str]]:
    users = {}
    for username, role, display, password in ACCOUNTS:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            user = register_user(session, username=username, email=f"{username}@demo.continuum.test",
                                 password=password, display_name=display, role=role)
        users[username] = user
    spaces = {}
    for position, (slug, name, description, visibility) in enumerate(SPACES):
        space = session.scalar(select(Space).where(Space.slug == slug))
        if space is None:
            space = space_service.create_space(session, slug=slug, name=name,
                                               description=description, visibility=visibility)
            space.position = position
        spaces[slug] = space
    seed_groups(session, users)
    created = 0
    for slug, kind, author, title, body, tags, replies, accepted in THREADS:
        if session.scalar(select(Thread.id).where(Thread.title == title)):
            continue
        thread = threads.create_thread(session, spaces[slug], by=users[author], kind=kind,
                                       title=title, body=body, tags=tags)
        posts = [threads.create_post(session, thread, by=users[who], body=text)
                 for who, text in replies]
        for post in posts:
            voter = "alice" if post.author.username != "alice" else "bruno"
            votes.cast_vote(session, post, by=users[voter], value=1)
        if accepted is not None:
            votes.accept_answer(session, thread, posts[accepted], by=users[author])
        created += 1
    if kind_status := session.scalar(select(Thread).where(Thread.title == THREADS[3][3])):
        if kind_status.idea_status == "new":
            threads.set_idea_status(session, kind_status, by=users["emma"], status="planned",
                                    note="On the roadmap for the next quarter.")
    if created:
        echo(f"seeded {created} demo threads")
    seed_coffee(session, echo=echo, position=len(SPACES))
    return [(u, r, p) for u, r, _d, p in ACCOUNTS]


COFFEE_DUMP = Path(__file__).resolve().parent / "demo_data" / "coffee.stackexchange.com"


def seed_coffee(session: Session, echo=print, position: int = 0) -> None:
    """The real Coffee Stack Exchange posts in a public "Coffee" space (idempotent)."""
    from .importer import after_import, import_dump

    summary = import_dump(session, COFFEE_DUMP, space_slug="coffee", space_name="Coffee",
                          echo=lambda *_a, **_k: None, tty=False)
    space = session.scalar(select(Space).where(Space.slug == "coffee"))
    if space.position == 0 and position:
        space.position = position
    session.commit()
    if summary.changed_anything:
        echo("imported the Coffee Stack Exchange demo: "
             + ", ".join(f"{n:,} {kind}" for kind, n in sorted(summary.imported.items())))
        if has_app_context():
            after_import(current_app._get_current_object(), echo=echo)
