"""The real Coffee Stack Exchange Posts.xml (shipped for the demo)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from community.demo import COFFEE_DUMP, seed_coffee
from community.importer import import_dump
from community.models import LedgerEntry, Post, Space, Tag, Thread, User
from community.services import accounts


def _counts(session) -> dict:
    models = (Thread, Post, User, Tag, LedgerEntry)
    counts = {m.__name__: session.scalar(select(func.count()).select_from(m)) for m in models}
    counts["accepted"] = session.scalar(select(func.count(Thread.id)).where(Thread.accepted_post_id.is_not(None)))
    counts["reputation"] = session.scalar(select(func.sum(User.reputation)))
    counts["post_count"] = session.scalar(select(func.sum(Thread.post_count)))
    return counts


def test_the_coffee_dump_becomes_questions_answers_accepted_answers_and_authors(db):
    summary = import_dump(db.session, COFFEE_DUMP, space_slug="coffee", tty=False,
                          echo=lambda *a, **k: None)
    assert summary.imported["questions"] == 225
    assert summary.imported["answers"] == 327
    assert summary.imported["accepted answers"] == 105
    assert summary.imported["users"] == 116
    assert sum(summary.skipped["tag descriptions"].values()) == 40  # no Tags.xml to name them
    counts = _counts(db.session)
    assert (counts["Thread"], counts["Post"], counts["User"], counts["accepted"]) == (225, 327, 116, 105)
    assert counts["post_count"] == 327

    first = db.session.scalar(select(Thread).where(Thread.external_id == "coffee.stackexchange.com:post:1"))
    assert first.title == "How should I store whole bean coffee?"
    assert first.created_at == datetime(2015, 1, 27, 20, 9, 32, 720000, tzinfo=UTC)
    assert first.view_count == 130 and first.score == 20
    assert [t.name for t in first.tags] == ["storage", "whole-bean"]
    assert first.status == "solved" and first.post_count == 3
    assert first.space.slug == "coffee" and first.space.visibility == "public"
    assert "CC BY-SA 3.0" in first.space.attribution_html
    assert "coffee.stackexchange.com" in first.space.attribution_html
    assert first.last_activity_at == datetime(2015, 3, 5, 19, 51, 1, 263000, tzinfo=UTC)
    # Bodies are Markdown now, rendered to sanitised HTML.
    assert first.body.startswith("I just got a pound of microroasted")
    assert first.body_html.startswith("<p>I just got a pound")

    author = db.session.get(User, first.author_id)
    assert author.display_name == "user4" and author.password_hash is None
    assert author.reputation > 1  # from ledger rows, never a bare number
    assert db.session.scalar(select(func.sum(LedgerEntry.points)).where(
        LedgerEntry.user_id == author.id)) == author.reputation - 1
    assert set(db.session.scalars(select(LedgerEntry.reason))) == {"imported"}


def test_importing_the_coffee_dump_twice_changes_nothing(db):
    quiet = {"tty": False, "echo": lambda *a, **k: None}
    import_dump(db.session, COFFEE_DUMP, space_slug="coffee", **quiet)
    before = _counts(db.session)
    again = import_dump(db.session, COFFEE_DUMP, space_slug="coffee", **quiet)
    assert _counts(db.session) == before
    assert not again.changed_anything
    assert sum(again.imported.values()) == 0 and sum(again.updated.values()) == 0
    assert again.unchanged["questions"] == 225 and again.unchanged["answers"] == 327
    assert any("nothing new" in line for line in again.lines())


def test_imported_authors_cannot_sign_in(db):
    import_dump(db.session, COFFEE_DUMP, space_slug="coffee", tty=False, echo=lambda *a, **k: None)
    user = db.session.scalar(select(User).where(User.external_id == "coffee.stackexchange.com:user:4"))
    assert not user.can_sign_in
    assert accounts.authenticate(db.session, user.username, "") is None
    assert accounts.authenticate(db.session, user.username, "anything") is None


def test_the_demo_seed_imports_coffee_into_its_own_space_once(db):
    first, lines = [], []
    seed_coffee(db.session, echo=first.append, position=4)
    seed_coffee(db.session, echo=lines.append, position=4)
    space = db.session.scalar(select(Space).where(Space.slug == "coffee"))
    assert space.name == "Coffee" and space.visibility == "public"
    assert "CC BY-SA 3.0" in space.attribution_html
    assert db.session.scalar(select(func.count(Thread.id)).where(Thread.space_id == space.id)) == 225
    assert first[0].startswith("imported the Coffee Stack Exchange demo")
    assert "search index rebuilt: 225 threads" in first
    assert lines == []  # the second seed had nothing to import


def test_the_space_page_shows_the_attribution(db, client):
    import_dump(db.session, COFFEE_DUMP, space_slug="coffee", tty=False, echo=lambda *a, **k: None)
    page = client.get("/spaces/coffee")
    assert page.status_code == 200
    assert b"creativecommons.org/licenses/by-sa/3.0" in page.data


def test_recompute_finds_no_drift_after_an_import(db):
    """Imported scores include votes we have no row for: recompute must not 'repair' them."""
    from community.gamification.recompute import recompute

    import_dump(db.session, COFFEE_DUMP, space_slug="coffee", tty=False, echo=lambda *a, **k: None)
    first = db.session.scalar(select(Thread).where(Thread.external_id == "coffee.stackexchange.com:post:1"))
    report = recompute(db.session, check=True)
    assert not [line for line in report.lines if "score" in line], report.lines[:5]
    assert first.score == 20
