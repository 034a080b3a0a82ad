"""Staff link an idea to the questions and cases that asked for it; everyone sees how
many customers asked, and only the linked items they may read."""

from __future__ import annotations

from sqlalchemy import func, select

from community.escalation import cases
from community.models import IdeaDemand
from community.organisations import service as organisations


def _links(db) -> list[tuple]:
    return [tuple(r) for r in db.session.execute(
        select(IdeaDemand.idea_id, IdeaDemand.thread_id, IdeaDemand.case_id)
        .order_by(IdeaDemand.id))]


def test_staff_link_and_unlink_a_question_through_the_api(db, employee_client, make_thread,
                                                          make_user):
    idea = make_thread(kind="idea", title="Dark mode for the dashboard")
    asker = make_user()
    question = make_thread(author=asker, title="Is there a dark mode anywhere?")
    resp = employee_client.post(f"/api/v1/ideas/{idea.id}/demand",
                                json={"thread_id": question.id})
    assert resp.status_code == 201
    body = resp.get_json()
    assert body == {"idea_id": idea.id, "customers": 1, "tiers": [], "items": [
        {"thread_id": question.id, "case_id": None, "title": "Is there a dark mode anywhere?",
         "url": f"/threads/{question.id}"}]}
    # Linking again is a no-op: still one row.
    again = employee_client.post(f"/api/v1/ideas/{idea.id}/demand",
                                 json={"thread_id": question.id})
    assert again.get_json()["customers"] == 1
    assert _links(db) == [(idea.id, question.id, None)]
    gone = employee_client.delete(f"/api/v1/ideas/{idea.id}/demand/{question.id}")
    assert gone.status_code == 204
    assert _links(db) == []


def test_a_member_cannot_link_nor_unlink_and_nothing_changes(db, member_client, employee_client,
                                                             make_thread):
    idea = make_thread(kind="idea")
    question = make_thread()
    refused = member_client.post(f"/api/v1/ideas/{idea.id}/demand",
                                 json={"thread_id": question.id})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "forbidden"
    assert _links(db) == []
    employee_client.post(f"/api/v1/ideas/{idea.id}/demand", json={"thread_id": question.id})
    refused = member_client.delete(f"/api/v1/ideas/{idea.id}/demand/{question.id}")
    assert refused.status_code == 403
    assert _links(db) == [(idea.id, question.id, None)]


def test_a_member_cannot_use_the_idea_page_form_either(db, browser, form_token, make_user,
                                                       make_thread):
    idea = make_thread(kind="idea")
    question = make_thread()
    member = browser(make_user())
    page = member.get(f"/threads/{idea.id}").get_data(as_text=True)
    assert "Link a question or case" not in page
    resp = member.post(f"/ideas/{idea.id}/demand",
                       data={"ref": str(question.id), "csrf_token": form_token(page)})
    assert resp.status_code == 403
    assert db.session.scalar(select(func.count(IdeaDemand.id))) == 0


def test_only_questions_and_ideas_fit(db, employee_client, make_thread):
    idea = make_thread(kind="idea")
    other_idea = make_thread(kind="idea")
    question = make_thread()
    resp = employee_client.post(f"/api/v1/ideas/{idea.id}/demand",
                                json={"thread_id": other_idea.id})
    assert resp.status_code == 422
    assert "thread_id" in resp.get_json()["error"]["fields"]
    resp = employee_client.post(f"/api/v1/ideas/{question.id}/demand",
                                json={"thread_id": idea.id})
    assert resp.status_code == 404
    resp = employee_client.post(f"/api/v1/ideas/{idea.id}/demand", json={})
    assert resp.status_code == 422
    assert _links(db) == []


def test_the_idea_page_counts_customers_and_staff_link_by_address(
        db, browser, form_token, make_user, make_thread):
    idea = make_thread(kind="idea", title="Export the reports as spreadsheets")
    ann, bob = make_user(), make_user()
    q1 = make_thread(author=ann, title="How can I export the monthly report?")
    q2 = make_thread(author=ann, title="Can reports be opened in a spreadsheet?")
    q3 = make_thread(author=bob, title="Where is the CSV export of reports?")
    staff = browser(make_user(role="employee"))
    page = staff.get(f"/threads/{idea.id}").get_data(as_text=True)
    for ref in (f"http://localhost/threads/{q1.id}/how-can-i", f"#{q2.id}", str(q3.id)):
        resp = staff.post(f"/ideas/{idea.id}/demand", data={"ref": ref,
                                                            "csrf_token": form_token(page)})
        assert resp.status_code == 303
    html = browser().get(f"/threads/{idea.id}").get_data(as_text=True)
    # Two distinct askers behind three questions.
    assert "2 customers asked for this" in html
    assert "Where is the CSV export of reports?" in html
    assert "Unlink" not in html


def test_unreadable_linked_questions_are_invisible_to_a_member(
        db, browser, employee_client, make_user, make_thread, make_space):
    idea = make_thread(kind="idea")
    public_q = make_thread(title="A public question about the idea")
    staff_space = make_space(visibility="staff")
    secret_q = make_thread(space=staff_space, author=make_user(role="employee"),
                           title="An internal question nobody outside sees")
    for q in (public_q, secret_q):
        employee_client.post(f"/api/v1/ideas/{idea.id}/demand", json={"thread_id": q.id})
    member = browser(make_user())
    html = member.get(f"/threads/{idea.id}").get_data(as_text=True)
    assert "A public question about the idea" in html
    assert "An internal question nobody outside sees" not in html
    assert "1 customer asked for this" in html
    api = member.get(f"/api/v1/ideas/{idea.id}/demand").get_json()
    assert [i["thread_id"] for i in api["items"]] == [public_q.id]
    assert api["customers"] == 1
    staff_html = browser(make_user(role="moderator")).get(f"/threads/{idea.id}").get_data(
        as_text=True)
    assert "An internal question nobody outside sees" in staff_html
    # An employee asking is not a customer asking.
    assert "1 customer asked for this" in staff_html


def test_a_case_links_and_shows_as_its_question_to_members(
        db, browser, employee_client, make_user, make_thread):
    idea = make_thread(kind="idea")
    question = make_thread(author=make_user(), title="Our team needs single sign-on soon")
    case = cases.open_case(db.session, question, by=employee_client.user, source="manual")
    db.session.commit()
    resp = employee_client.post(f"/api/v1/ideas/{idea.id}/demand", json={"case_id": case.id})
    assert resp.get_json()["items"] == [{"thread_id": question.id, "case_id": case.id,
                                         "title": "Our team needs single sign-on soon",
                                         "url": f"/threads/{question.id}"}]
    member_view = browser(make_user()).get(f"/api/v1/ideas/{idea.id}/demand").get_json()
    assert member_view["items"][0]["case_id"] is None
    assert member_view["customers"] == 1
    staff_html = browser(employee_client.user).get(f"/threads/{idea.id}").get_data(as_text=True)
    assert f"Case #{case.id}" in staff_html
    gone = employee_client.delete(f"/api/v1/ideas/{idea.id}/demand/cases/{case.id}")
    assert gone.status_code == 204
    assert _links(db) == []


def test_staff_link_a_question_to_an_idea_found_by_title(
        db, browser, form_token, make_user, make_thread):
    idea = make_thread(kind="idea", title="Offline mode for the mobile app")
    question = make_thread(title="Does the app work without a connection?")
    staff = browser(make_user(role="employee"))
    thread_page = staff.get(f"/threads/{question.id}").get_data(as_text=True)
    assert "Link to an idea" in thread_page
    chooser = staff.get(f"/threads/{question.id}/ideas?q=offline+mobile").get_data(as_text=True)
    assert "Offline mode for the mobile app" in chooser
    resp = staff.post(f"/threads/{question.id}/ideas",
                      data={"idea_id": idea.id, "csrf_token": form_token(chooser)})
    assert resp.status_code == 303
    assert _links(db) == [(idea.id, question.id, None)]
    member = browser(make_user())
    assert member.get(f"/threads/{question.id}/ideas?q=offline").status_code == 404
    assert "Offline mode for the mobile app" in member.get(
        f"/threads/{question.id}").get_data(as_text=True)


def test_staff_see_which_tiers_want_an_idea_and_members_do_not(
        db, browser, employee_client, member_client, make_user, make_thread):
    admin = make_user(role="admin")
    premium = organisations.create(db.session, by=admin, name="Acme", tier="premium")
    standard = organisations.create(db.session, by=admin, name="Globex", tier="standard")
    ann, bob, cid = make_user(), make_user(), make_user()
    organisations.set_membership(db.session, ann, premium, by=admin)
    organisations.set_membership(db.session, bob, premium, by=admin)
    db.session.commit()
    idea = make_thread(kind="idea", title="Single sign-on with our directory")
    for asker in (ann, ann, bob, cid):
        question = make_thread(author=asker)
        employee_client.post(f"/api/v1/ideas/{idea.id}/demand", json={"thread_id": question.id})
    body = employee_client.get(f"/api/v1/ideas/{idea.id}/demand").get_json()
    # Ann twice counts once; Cid has no organisation.
    assert body["customers"] == 3
    assert body["tiers"] == [{"tier": "premium", "askers": 2}]
    assert member_client.get(f"/api/v1/ideas/{idea.id}/demand").get_json()["tiers"] is None
    staff_page = browser(make_user(role="employee")).get(f"/threads/{idea.id}").get_data(as_text=True)
    assert "Wanted by tier" in staff_page and "Premium · 2" in staff_page
    # Moving Bob to another organisation shows at once (the tiers are in the cache key).
    organisations.set_membership(db.session, bob, standard, by=admin)
    db.session.commit()
    staff_page = browser(make_user(role="employee")).get(f"/threads/{idea.id}").get_data(as_text=True)
    assert "Premium · 1" in staff_page and "Standard · 1" in staff_page
    member_page = browser(make_user()).get(f"/threads/{idea.id}").get_data(as_text=True)
    assert "Wanted by tier" not in member_page
