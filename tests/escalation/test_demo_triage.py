"""The demo's first start: imported history opens no case and sends nothing; a real new
case is first on /triage; the case page routes to the demo's expert groups."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from community.demo import seed
from community.escalation.sweep import sweep
from community.models import Notification, Space, Thread, User, utcnow
from community.models.escalation import Case
from community.services import threads

QUIET = {"echo": lambda *a, **k: None}


@pytest.fixture
def demo(db):
    seed(db.session, **QUIET)
    db.session.commit()
    return {u.username: u for u in db.session.scalars(select(User).where(User.external_id.is_(None)))}


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _real_question(db, demo, *, hours_ago: float) -> Thread:
    space = db.session.scalar(select(Space).where(Space.slug == "product-qa"))
    thread = threads.create_thread(db.session, space, by=demo["alice"], kind="question",
                                   title="Invoices show the wrong VAT number since Monday",
                                   body="Every invoice since Monday carries our old VAT number.",
                                   tags=["billing"])
    thread.created_at = utcnow() - timedelta(hours=hours_ago)
    db.session.commit()
    return thread


def test_the_seeded_demo_opens_no_case_and_sends_nothing(db, demo):
    assert _count(db, Thread) > 200  # the Coffee import is there, 2015 questions unanswered
    before = _count(db, Notification)
    report = sweep(db.session)
    db.session.commit()
    assert report.opened == [] and _count(db, Case) == 0
    assert _count(db, Notification) == before
    # Long after: only the demo's own unanswered question is work, never the imported ones.
    sweep(db.session, now=utcnow() + timedelta(days=30))
    db.session.commit()
    escalated = db.session.scalars(select(Thread).join(Case, Case.thread_id == Thread.id)).all()
    assert escalated and all(t.external_id is None for t in escalated)


def test_a_space_may_opt_in_to_escalating_imported_threads(app, db, demo):
    app.config["ESCALATION_SPACES"] = {"coffee": {"imported": True}}
    report = sweep(db.session)
    db.session.commit()
    assert len(report.opened) > 50
    coffee = db.session.scalar(select(Space.id).where(Space.slug == "coffee"))
    assert {db.session.get(Case, c).thread.space_id for c in report.opened} == {coffee}


def test_a_new_real_case_comes_first_on_triage(app, db, demo, login):
    # The worst case for the default order: a hundred older cases, all overdue.
    app.config["ESCALATION_SPACES"] = {"coffee": {"imported": True}}
    sweep(db.session, now=utcnow() - timedelta(days=3))
    db.session.commit()
    fresh = _real_question(db, demo, hours_ago=25)
    report = sweep(db.session)
    db.session.commit()
    case = db.session.scalar(select(Case).where(Case.thread_id == fresh.id))
    assert case is not None and case.id in report.opened
    assert _count(db, Case) > 50

    page = login(app.test_client(), demo["marc"], "marc-demo-pass").get("/triage")
    assert page.status_code == 200
    first = re.search(r'<tr class="case-row[^"]*">\s*<td><a href="/cases/(\d+)"', page.text)
    assert first and int(first.group(1)) == case.id
    due_first = login(app.test_client(), demo["marc"], "marc-demo-pass").get("/triage?sort=due")
    assert re.search(r'<tr class="case-row[^"]*">\s*<td><a href="/cases/(\d+)"',
                     due_first.text).group(1) != str(case.id)


def test_the_case_page_group_menu_lists_the_groups_and_routes(app, db, demo, login):
    fresh = _real_question(db, demo, hours_ago=25)
    sweep(db.session)
    db.session.commit()
    case = db.session.scalar(select(Case).where(Case.thread_id == fresh.id))
    assert case.group.slug == "billing"  # routed by its tag

    marc = login(app.test_client(), demo["marc"], "marc-demo-pass")
    page = marc.get(f"/cases/{case.id}")
    menu = re.search(r'<select id="case-group" name="group">(.*?)</select>', page.text, re.S).group(1)
    assert re.findall(r'<option value="([^"]*)"', menu) == ["", "billing", "product"]
    assert "Product R&amp;D" in menu and "Billing and accounts" in menu

    token = marc.get("/csrf-token").get_json()["csrf_token"]
    moved = marc.post(f"/cases/{case.id}/assign", data={
        "csrf_token": token, "version": str(case.version), "group": "product", "priority": "normal"})
    assert moved.status_code == 303
    db.session.expire_all()
    assert db.session.get(Case, case.id).group.slug == "product"
