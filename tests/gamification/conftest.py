"""Helpers for the gamification tests: act through the real services, read the ledger."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from community.models import LedgerEntry, User
from community.services import threads, votes


@pytest.fixture
def act(db):
    """Do one thing as someone, through the service, and commit like a view would."""

    class Act:
        def vote(self, user, target, value=1):
            votes.cast_vote(db.session, target, by=user, value=value)
            db.session.commit()

        def unvote(self, user, target):
            votes.remove_vote(db.session, target, by=user)
            db.session.commit()

        def accept(self, user, thread, post):
            votes.accept_answer(db.session, thread, post, by=user)
            db.session.commit()

        def unaccept(self, user, thread):
            votes.unaccept_answer(db.session, thread, by=user)
            db.session.commit()

        def delete(self, user, post):
            threads.delete_post(db.session, post, by=user)
            db.session.commit()

        def restore(self, user, post):
            threads.restore_post(db.session, post, by=user)
            db.session.commit()

        def status(self, user, thread, status):
            threads.set_idea_status(db.session, thread, by=user, status=status)
            db.session.commit()

    return Act()


@pytest.fixture
def rep(db):
    """A user's stored reputation, read fresh from the database."""

    def read(user) -> int:
        db.session.expire_all()
        return db.session.scalar(select(User.reputation).where(User.id == user.id))

    return read


@pytest.fixture
def ledger(db):
    def rows(user):
        return list(db.session.scalars(
            select(LedgerEntry).where(LedgerEntry.user_id == user.id).order_by(LedgerEntry.id)))

    return rows


def ledger_sum(session, user) -> int:
    return session.scalar(select(func.coalesce(func.sum(LedgerEntry.points), 0))
                          .where(LedgerEntry.user_id == user.id))


@pytest.fixture
def recompute_cli(app):
    def run(*args):
        return app.test_cli_runner().invoke(args=["community", "recompute", *args])

    return run
