"""Retention: session addresses and search logs are kept only as long as the settings
say; the worker's housekeeping purges them daily and finishes pending erasures."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from community.models import Post, SearchMiss, UserSession, utcnow
from community.people import erasure
from community.people.retention import purge, run_housekeeping
from community.services import accounts


def _session(db, user, *, age_days: float, ip: str) -> UserSession:
    accounts.start_session(db.session, user)
    row = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                             .order_by(UserSession.id.desc())).first()
    row.created_at, row.ip = utcnow() - timedelta(days=age_days), ip
    db.session.commit()
    return row


def test_the_purge_blanks_old_addresses_and_deletes_old_search_logs(app, db, make_user):
    user = make_user()
    now = utcnow()
    old = _session(db, user, age_days=45, ip="203.0.113.9")
    recent = _session(db, user, age_days=2, ip="198.51.100.4")
    db.session.add_all([SearchMiss(query="old miss", created_at=now - timedelta(days=120)),
                        SearchMiss(query="new miss", created_at=now - timedelta(days=10))])
    db.session.commit()
    counts = purge(db.session, now=now)
    db.session.commit()
    assert counts == {"session_ips": 1, "search_log": 1, "drafts": 0}
    db.session.expire_all()
    assert db.session.get(UserSession, old.id).ip is None
    assert db.session.get(UserSession, recent.id).ip == "198.51.100.4"
    assert list(db.session.scalars(select(SearchMiss.query))) == ["new miss"]
    # The clock moves on a month: the recent address goes too. Settings rule.
    app.config["SEARCH_LOG_RETENTION_DAYS"] = 5
    assert purge(db.session, now=now + timedelta(days=30)) == {"session_ips": 1,
                                                              "search_log": 1, "drafts": 0}


def test_the_worker_loop_purges_and_finishes_erasures(app, db, make_user, make_thread, make_post):
    user = make_user()
    post = make_post(thread=make_thread(), author=user)
    _session(db, user, age_days=400, ip="192.0.2.1")
    erasure.erase_account(db.session, user, by=user, erase_content=True)
    db.session.add(SearchMiss(query="ancient", created_at=utcnow() - timedelta(days=400)))
    db.session.commit()
    run_housekeeping(app, rounds=1)
    db.session.expire_all()
    assert db.session.get(Post, post.id).deleted_at is not None
    assert db.session.scalar(select(SearchMiss.id)) is None


def test_signing_in_records_the_address(db, make_user, login, app):
    user = make_user()
    login(app.test_client(), user)
    db.session.expire_all()
    ips = list(db.session.scalars(select(UserSession.ip).where(UserSession.user_id == user.id)))
    assert ips == ["127.0.0.1"]
