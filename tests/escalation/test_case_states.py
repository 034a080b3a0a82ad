"""The case state machine: every move allowed and refused, versions, reopening,
resolution by an accepted answer, and how each thread was resolved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from community.escalation import cases
from community.escalation.cases import TRANSITIONS
from community.models import utcnow
from community.models.escalation import CASE_STATES, Case, ThreadResolution
from community.services import votes


@pytest.fixture
def open_case(db, make_thread, make_user):
    def make(state: str = "new", *, thread=None):
        thread = thread or make_thread()
        staff = make_user(role="employee")
        case = cases.open_case(db.session, thread, by=staff, source="manual")
        path = {"new": [], "assigned": ["assign"], "in_progress": ["start"],
                "waiting_customer": ["start", "wait_customer"], "resolved": ["resolve"]}[state]
        for action in path:
            if action == "assign":
                cases.assign(db.session, case, by=staff, assignee=staff)
            else:
                cases.transition(db.session, case, action, by=staff)
        db.session.commit()
        assert case.state == state
        return case

    return make


MOVES = [(state, action) for state in CASE_STATES for action in cases.ACTIONS]


@pytest.mark.parametrize("state,action", MOVES)
def test_every_transition_is_allowed_or_refused_with_409(db, open_case, employee_client, state, action):
    case = open_case(state)
    resp = employee_client.post(f"/api/v1/cases/{case.id}/transition", json={"action": action})
    expected = TRANSITIONS[action].get(state)
    if expected is None:
        assert resp.status_code == 409, resp.get_json()
        assert resp.get_json()["error"]["code"] == "conflict"
        db.session.refresh(case)
        assert case.state == state  # nothing changed
    else:
        assert resp.status_code == 200, resp.get_json()
        body = resp.get_json()
        assert body["state"] in (expected, "assigned")
        assert body["events"][-1]["kind"] == action


def test_a_stale_version_is_a_409_and_changes_nothing(db, open_case, employee_client):
    case = open_case("new")
    version = case.version
    ok = employee_client.post(f"/api/v1/cases/{case.id}/transition",
                              json={"action": "start", "version": version})
    assert ok.status_code == 200 and ok.get_json()["version"] == version + 1
    stale = employee_client.post(f"/api/v1/cases/{case.id}/transition",
                                 json={"action": "wait_customer", "version": version})
    assert stale.status_code == 409
    stale = employee_client.post(f"/api/v1/cases/{case.id}/assign",
                                 json={"priority": "high", "version": version})
    assert stale.status_code == 409
    db.session.refresh(case)
    assert case.state == "in_progress" and case.priority == "normal"


def test_a_concurrent_writer_loses_with_a_conflict(app, db, open_case):
    """Two sessions load the same version; the second flush is refused (version counter)."""
    from sqlalchemy.orm import Session

    from community.errors import Conflict

    case = open_case("assigned")
    case_id = case.id
    db.session.commit()  # end the test's read transaction: SQLite has one writer
    session2 = Session(bind=db.engine, expire_on_commit=False)
    try:
        case2 = session2.get(Case, case_id)
        session2.commit()  # release the read, keep the loaded (soon stale) version
        case.state = "in_progress"
        db.session.commit()
        with app.test_request_context(), pytest.raises(Conflict):
            case2.state = "waiting_customer"
            cases._flush(session2)
    finally:
        session2.rollback()
        session2.close()


def test_the_asker_can_reopen_within_the_configured_time(app, db, open_case, login):
    case = open_case("resolved")
    asker = case.thread.author
    browser = login(app.test_client(), asker)
    page = browser.get(f"/threads/{case.thread_id}").get_data(as_text=True)
    assert "reopen-case-form" in page
    token = browser.get("/csrf-token").get_json()["csrf_token"]
    resp = browser.post(f"/threads/{case.thread_id}/reopen-case", data={"csrf_token": token})
    assert resp.status_code == 303
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.state == "new" and case.open_thread_id == case.thread_id
    # From the API the case does not exist for the asker.
    assert browser.get(f"/api/v1/cases/{case.id}").status_code == 404


def test_the_asker_cannot_reopen_after_the_window(app, db, open_case):
    from community.errors import PermissionDenied

    app.config["ESCALATION_SLA"] = {"reopen_days": 2}
    case = open_case("resolved")
    case.resolved_at = utcnow() - timedelta(days=3)
    db.session.commit()
    with app.test_request_context(), pytest.raises(PermissionDenied):
        cases.transition(db.session, case, "reopen", by=case.thread.author)


def test_someone_else_cannot_reopen(app, db, open_case, make_user):
    from community.errors import PermissionDenied

    case = open_case("resolved")
    with app.test_request_context(), pytest.raises(PermissionDenied):
        cases.transition(db.session, case, "reopen", by=make_user())


def test_reopening_is_refused_when_the_thread_has_another_open_case(app, db, open_case, make_user):
    from community.errors import Conflict

    case = open_case("resolved")
    cases.open_case(db.session, case.thread, by=make_user(role="employee"), source="manual")
    db.session.commit()
    moderator = make_user(role="moderator")
    with app.test_request_context(), pytest.raises(Conflict):
        cases.transition(db.session, case, "reopen", by=moderator)


def test_accepting_an_answer_resolves_the_case_and_records_how(db, open_case, make_post, make_user):
    case = open_case("in_progress")
    thread = case.thread
    expert = make_user(role="employee")
    post = make_post(thread=thread, author=expert, body="The official fix is this.")
    votes.accept_answer(db.session, thread, post, by=thread.author)
    db.session.commit()
    db.session.refresh(case)
    assert case.state == "resolved" and case.open_thread_id is None
    row = db.session.scalar(select(ThreadResolution).where(ThreadResolution.thread_id == thread.id))
    assert row.resolved_by == "case" and row.case_id == case.id
    assert row.first_response_seconds is not None and row.resolution_seconds >= 0


def test_staff_resolving_records_a_case_resolution(db, open_case):
    case = open_case("resolved")
    row = db.session.scalar(select(ThreadResolution).where(ThreadResolution.thread_id == case.thread_id))
    assert row.resolved_by == "case" and row.first_response_seconds is None


def test_a_peer_answer_accepted_without_a_case_is_a_peer_resolution(db, make_thread, make_post):
    thread = make_thread()
    post = make_post(thread=thread)
    votes.accept_answer(db.session, thread, post, by=thread.author)
    db.session.commit()
    row = db.session.scalar(select(ThreadResolution).where(ThreadResolution.thread_id == thread.id))
    assert row.resolved_by == "peer" and row.case_id is None
    assert row.first_response_seconds >= 0


def test_an_employee_answer_before_any_escalation_is_an_employee_resolution(db, make_thread, make_post,
                                                                            make_user):
    thread = make_thread()
    post = make_post(thread=thread, author=make_user(role="employee"))
    votes.accept_answer(db.session, thread, post, by=thread.author)
    db.session.commit()
    row = db.session.scalar(select(ThreadResolution).where(ThreadResolution.thread_id == thread.id))
    assert row.resolved_by == "employee"


def test_reopening_forgets_the_resolution(db, open_case, make_user):
    case = open_case("resolved")
    cases.transition(db.session, case, "reopen", by=make_user(role="moderator"))
    db.session.commit()
    assert db.session.scalar(select(ThreadResolution).where(
        ThreadResolution.thread_id == case.thread_id)) is None


def test_assigning_someone_who_is_not_staff_is_refused(db, open_case, employee_client, make_user):
    case = open_case("new")
    member = make_user()
    resp = employee_client.post(f"/api/v1/cases/{case.id}/assign", json={"assignee": member.username})
    assert resp.status_code == 422
    resp = employee_client.post(f"/api/v1/cases/{case.id}/assign", json={"assignee": "nobody-here"})
    assert resp.status_code == 404
    db.session.expire_all()
    after = db.session.get(Case, case.id)
    assert (after.state, after.assignee_id) == ("new", None)
