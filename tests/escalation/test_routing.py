"""Routing to an expert group (or the triage queue) and the suggested experts."""

from __future__ import annotations

from sqlalchemy import select

from community.escalation import cases, routing
from community.models import Notification
from community.services import votes


def test_a_case_goes_to_the_group_whose_tags_match_best(db, make_thread, make_group, make_user):
    e1, e2 = make_user(role="employee"), make_user(role="employee")
    make_group(slug="sales", name="Sales", tags=["pricing"], members=[e1])
    rnd = make_group(slug="rnd", name="R&D", tags=["router", "firmware"], members=[e2])
    thread = make_thread(tags=["router", "firmware", "pricing"])
    case = cases.open_case(db.session, thread, by=None, source="no_answer")
    db.session.commit()
    assert case.group_id == rnd.id
    assert set(db.session.scalars(select(Notification.user_id)
                                  .where(Notification.verb == "case_routed"))) == {e2.id}


def test_a_space_match_routes_when_no_tag_matches(db, make_thread, make_group, make_space):
    space = make_space(slug="billing")
    group = make_group(slug="billing-team", name="Billing", spaces=["billing"])
    case = cases.open_case(db.session, make_thread(space=space), by=None, source="no_answer")
    assert case.group_id == group.id


def test_without_a_matching_group_the_case_goes_to_triage_and_moderators_hear(db, make_thread,
                                                                              make_group, make_user):
    moderator = make_user(role="moderator")
    make_group(tags=["router"])
    case = cases.open_case(db.session, make_thread(tags=["coffee"]), by=None, source="no_answer")
    db.session.commit()
    assert case.group_id is None
    assert moderator.id in set(db.session.scalars(
        select(Notification.user_id).where(Notification.verb == "case_routed")))


def test_out_of_office_members_are_not_told_of_a_new_case(db, make_thread, make_group, make_user):
    here, away = make_user(role="employee"), make_user(role="employee")
    make_group(tags=["router"], members=[here, away], away=[away])
    cases.open_case(db.session, make_thread(tags=["router"]), by=None, source="no_answer")
    db.session.commit()
    assert set(db.session.scalars(select(Notification.user_id)
                                  .where(Notification.verb == "case_routed"))) == {here.id}


def test_suggested_experts_are_ranked_with_their_reasons(app, db, make_thread, make_post, make_group,
                                                         make_user):
    star, member, busy, away, outsider = (make_user(role="employee", username=n)
                                          for n in ("star", "member", "busy", "away", "outsider"))
    make_group(tags=["router"], members=[member, busy, away], away=[away])
    # "star" has two accepted answers in #router; "outsider" answered with score there.
    for _ in range(2):
        old = make_thread(tags=["router"])
        post = make_post(thread=old, author=star)
        votes.accept_answer(db.session, old, post, by=old.author)
    old = make_thread(tags=["router"])
    make_post(thread=old, author=outsider).score = 4
    db.session.commit()
    for _ in range(2):  # "busy" holds two open cases
        other = cases.open_case(db.session, make_thread(tags=["lamp"]), by=None, source="manual")
        cases.assign(db.session, other, by=busy, assignee=busy)
    case = cases.open_case(db.session, make_thread(tags=["router"]), by=None, source="no_answer")
    db.session.commit()
    with app.test_request_context():
        ranked = routing.suggested_experts(db.session, case)
        reasons = {s.user.username: " | ".join(str(r) for r in s.reasons) for s in ranked}
    names = [s.user.username for s in ranked]
    assert names == ["star", "member", "busy", "outsider", "away"]
    assert "2 accepted answers in router" in reasons["star"]
    assert "member of R&D" in reasons["member"] and "0 open cases" in reasons["member"]
    assert "2 open cases" in reasons["busy"]
    assert "answer score 4 in router" in reasons["outsider"]
    assert "out of office" in reasons["away"]
    assert all(s.user.is_staff for s in ranked)


def test_suggested_experts_api_and_one_click_assign(db, employee_client, make_thread, make_group,
                                                    make_user):
    expert = make_user(role="employee", username="expert1")
    make_group(tags=["router"], members=[expert])
    case = cases.open_case(db.session, make_thread(tags=["router"]), by=None, source="no_answer")
    db.session.commit()
    body = employee_client.get(f"/api/v1/cases/{case.id}/suggested-experts").get_json()
    top = body["items"][0]
    assert top["user"]["username"] == "expert1" and top["reasons"] and "score" in top
    resp = employee_client.post(f"/api/v1/cases/{case.id}/assign", json={"assignee": "expert1"})
    assert resp.status_code == 200
    assert resp.get_json()["assignee"]["username"] == "expert1"
    assert resp.get_json()["state"] == "assigned"


def test_no_group_at_all_routes_everything_to_triage(db, make_thread):
    thread = make_thread(tags=["anything"])
    assert routing.route(db.session, thread) is None
