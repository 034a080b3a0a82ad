"""/admin/saved-replies: moderators manage every saved reply, an employee those of their
expert groups; members find nothing there, nor in the API."""

from __future__ import annotations

from sqlalchemy import func, select

from community.models import ExpertGroup, GroupMember, SavedReply


def _group(db, slug, members=()):
    group = ExpertGroup(slug=slug, name=slug.title(), tags=[], spaces=[])
    db.session.add(group)
    db.session.flush()
    for user in members:
        db.session.add(GroupMember(group_id=group.id, user_id=user.id))
    db.session.commit()
    return group


def _replies(db) -> list[tuple]:
    return [tuple(r) for r in db.session.execute(
        select(SavedReply.title, SavedReply.group_id).order_by(SavedReply.id))]


def _form(title="Thanks for asking", en="Hello {asker}, thanks!", fr="Bonjour {asker}, merci !",
          group=""):
    return {"title": title, "body_en": en, "body_fr": fr, "group": group}


def test_a_moderator_creates_edits_and_deletes_a_saved_reply(db, browser, form_token, make_user):
    mod = browser(make_user(role="moderator"))
    page = mod.get("/admin/saved-replies").get_data(as_text=True)
    assert "No saved replies yet." in page
    resp = mod.post("/admin/saved-replies", data={**_form(), "csrf_token": form_token(page)})
    assert resp.status_code == 303
    reply = db.session.scalar(select(SavedReply))
    assert (reply.title, reply.body_en, reply.body_fr, reply.group_id) == (
        "Thanks for asking", "Hello {asker}, thanks!", "Bonjour {asker}, merci !", None)
    edit = mod.get(f"/admin/saved-replies/{reply.id}").get_data(as_text=True)
    assert "Hello {asker}, thanks!" in edit
    mod.post(f"/admin/saved-replies/{reply.id}",
             data={**_form(title="Thank you"), "csrf_token": form_token(edit)})
    assert _replies(db) == [("Thank you", None)]
    listing = mod.get("/admin/saved-replies").get_data(as_text=True)
    mod.post(f"/admin/saved-replies/{reply.id}/delete", data={"csrf_token": form_token(listing)})
    assert _replies(db) == []


def test_a_reply_needs_a_title_and_both_languages(db, browser, form_token, make_user):
    mod = browser(make_user(role="admin"))
    page = mod.get("/admin/saved-replies").get_data(as_text=True)
    resp = mod.post("/admin/saved-replies",
                    data={**_form(title="  ", fr=""), "csrf_token": form_token(page)})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Give the reply a title." in html
    assert "Write the reply in this language too." in html
    assert "Hello {asker}, thanks!" in html  # what was typed is kept
    resp = mod.post("/admin/saved-replies", data={**_form(title="x" * 121),
                                                  "csrf_token": form_token(page)})
    assert resp.status_code == 422
    resp = mod.post("/admin/saved-replies", data={**_form(group="no-such-group"),
                                                  "csrf_token": form_token(page)})
    assert "Choose an expert group, or everyone." in resp.get_data(as_text=True)
    assert _replies(db) == []


def test_an_employee_manages_only_their_groups_replies(db, browser, form_token, make_user,
                                                       client_for):
    employee = make_user(role="employee")
    billing = _group(db, "billing", [employee])
    shipping = _group(db, "shipping")
    mod = make_user(role="moderator")
    for title, group in (("Everyone's", None), ("Billing's", billing.id),
                         ("Shipping's", shipping.id)):
        db.session.add(SavedReply(title=title, body_en="en", body_fr="fr", group_id=group,
                                  created_by_id=mod.id))
    db.session.commit()
    ids = {t: i for t, i in db.session.execute(select(SavedReply.title, SavedReply.id))}
    staff = browser(employee)
    page = staff.get("/admin/saved-replies").get_data(as_text=True)
    assert "Billing&#39;s" in page and "Everyone&#39;s" in page
    assert "Shipping&#39;s" not in page
    token = form_token(page)
    # Their group: yes. Everyone's: no (moderators' job). Another group's: not even seen.
    assert staff.post("/admin/saved-replies",
                      data={**_form(title="New billing one", group="billing"),
                            "csrf_token": token}).status_code == 303
    assert staff.post("/admin/saved-replies",
                      data={**_form(title="New global one"), "csrf_token": token}).status_code == 403
    assert staff.post(f"/admin/saved-replies/{ids['Everyone' + chr(39) + 's']}/delete",
                      data={"csrf_token": token}).status_code == 403
    assert staff.post(f"/admin/saved-replies/{ids['Shipping' + chr(39) + 's']}/delete",
                      data={"csrf_token": token}).status_code == 404
    assert staff.post(f"/admin/saved-replies/{ids['Billing' + chr(39) + 's']}",
                      data={**_form(title="Moved away", group="shipping"),
                            "csrf_token": token}).status_code == 403
    assert sorted(t for t, _g in _replies(db)) == [
        "Billing's", "Everyone's", "New billing one", "Shipping's"]
    listed = client_for(employee).get("/api/v1/saved-replies").get_json()["items"]
    assert sorted(i["title"] for i in listed) == ["Billing's", "Everyone's", "New billing one"]


def test_members_never_see_saved_replies(db, browser, client_for, make_user, make_thread):
    reply = SavedReply(title="Hidden", body_en="en", body_fr="fr")
    db.session.add(reply)
    db.session.commit()
    member = make_user()
    api = client_for(member)
    assert api.get("/api/v1/saved-replies").status_code == 404
    thread = make_thread()
    resp = api.get(f"/api/v1/saved-replies/{reply.id}/render?thread={thread.id}")
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"
    web = browser(member)
    assert web.get("/admin/saved-replies").status_code == 404
    assert "Saved replies" not in web.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "saved-reply-choice" in browser(make_user(role="employee")).get(
        f"/threads/{thread.id}").get_data(as_text=True)
    assert db.session.scalar(select(func.count(SavedReply.id))) == 1
