"""Internal notes inline on the thread page: staff read them where they were written and
write them from there; nobody else receives them by any path (page and its cache, API,
search, feeds, sitemaps, JSON-LD, sockets, notifications, emails, webhooks)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from community.extensions import db
from community.models import CaseNote, Notification, User
from tests.conftest import csrf_token

SECRETS = ("NOTE-ALPHA", "NOTE-BRAVO")
LABEL_EN = "Internal note — only staff see this"
LABEL_FR = "Note interne — seul le personnel la voit"


def _page(c, thread) -> str:
    return c.get(f"/threads/{thread.id}").get_data(as_text=True)


@pytest.mark.parametrize("role", ["employee", "moderator", "admin"])
def test_staff_read_the_notes_between_the_posts_in_the_order_they_were_written(
        browser, make_user, timeline, role):
    page = _page(browser(make_user(role=role)), timeline["thread"])
    first, second = timeline["posts"]
    positions = [page.index(f'id="post-{first.id}"'), page.index("NOTE-ALPHA"),
                 page.index(f'id="post-{second.id}"'), page.index("NOTE-BRAVO")]
    assert positions == sorted(positions)
    assert page.count(LABEL_EN) == 2 and page.count('class="staff-note"') == 2


def test_a_note_older_than_every_answer_comes_right_after_the_question(
        db, browser, make_user, make_thread, make_post):
    from datetime import timedelta

    from community.escalation import cases
    from community.models import Post, utcnow

    employee = make_user(role="employee")
    thread = make_thread(title="Where do I find the serial number of my scale?")
    case = cases.open_case(db.session, thread, by=employee, source="manual")
    cases.add_note(db.session, case, by=employee, body="NOTE-EARLY asked by phone as well",
                   now=utcnow() - timedelta(hours=5))
    db.session.commit()
    answer = make_post(thread=thread, body="It is printed under the battery cover.")
    db.session.get(Post, answer.id).created_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    page = _page(browser(employee), thread)
    assert page.index("NOTE-EARLY") < page.index('id="answers-heading"') < page.index(
        f'id="post-{answer.id}"')


def test_staff_see_the_note_label_in_french(browser, make_user, timeline):
    page = _page(browser(make_user(role="employee"), lang="fr"), timeline["thread"])
    assert page.count(LABEL_FR) == 2 and LABEL_EN not in page


def _outsiders(browser, make_user, timeline):
    asker = db.session.get(User, timeline["thread"].author_id)
    veteran = make_user(reputation=5000)  # every member privilege, still not staff
    return {"guest": browser(), "asker": browser(asker), "member": browser(make_user()),
            "veteran": browser(veteran)}


def test_nobody_but_staff_sees_a_note_even_after_staff_filled_the_page_cache(
        browser, make_user, timeline):
    staff = browser(make_user(role="moderator"))
    assert all(s in _page(staff, timeline["thread"]) for s in SECRETS)  # cached for staff
    for name, c in _outsiders(browser, make_user, timeline).items():
        for _twice in range(2):  # a fresh render, then the cached one
            page = _page(c, timeline["thread"])
            assert timeline["posts"][1].body.split(":")[0] in page, name
            assert not any(s in page for s in SECRETS), name
            assert "staff-note" not in page and LABEL_EN not in page, name
    # And the other way round: a member's cached page never hides notes from staff.
    assert all(s in _page(browser(make_user(role="employee")), timeline["thread"])
               for s in SECRETS)


def test_a_new_note_shows_to_staff_at_once_and_changes_nothing_for_members(
        db, browser, make_user, timeline):
    from community.escalation import cases

    staff, member = browser(make_user(role="employee")), browser(make_user())
    member_before = _page(member, timeline["thread"])
    assert "NOTE-CHARLIE" not in _page(staff, timeline["thread"])
    case = db.session.get(type(timeline["case"]), timeline["case"].id)
    cases.add_note(db.session, case, by=timeline["employee"], body="NOTE-CHARLIE called back")
    db.session.commit()
    assert "NOTE-CHARLIE" in _page(staff, timeline["thread"])
    # The same page but for the CSRF token, which carries the second it was signed in.
    def untokened(html):
        return re.sub(r'(csrf-token" content="|name="csrf_token" value=")[^"]+', r"\1", html)

    assert untokened(_page(member, timeline["thread"])) == untokened(member_before)


def test_staff_write_a_note_from_the_thread_and_are_told_it_was_added(
        db, browser, make_user, timeline, monkeypatch):
    from community import pusher

    frames = []
    monkeypatch.setattr(pusher, "push", lambda room, event, payload: frames.append((room, event, payload)))
    writer = make_user(role="employee")
    staff = browser(writer)
    page = _page(staff, timeline["thread"])
    assert f'action="/cases/{timeline["case"].id}/notes"' in page and 'id="thread-note"' in page
    resp = staff.post(f"/cases/{timeline['case'].id}/notes",
                      data={"body": "NOTE-DELTA written from the thread", "next": "thread",
                            "csrf_token": csrf_token(staff)})
    assert resp.status_code == 303 and f"/threads/{timeline['thread'].id}" in resp.headers["Location"]
    after = staff.get(resp.headers["Location"]).get_data(as_text=True)
    assert "The internal note was added: only staff see it." in after
    assert after.index("NOTE-BRAVO") < after.index("NOTE-DELTA")
    row = db.session.scalar(select(CaseNote).where(CaseNote.body.contains("NOTE-DELTA")))
    assert row.author_id == writer.id and row.case_id == timeline["case"].id
    assert "NOTE-DELTA" not in str(frames)
    assert not any(room.startswith("thread:") for room, _e, _p in frames)


def test_without_a_case_staff_are_told_notes_need_one_and_no_form_is_shown(
        browser, make_user, make_thread):
    thread = make_thread(title="A question nobody escalated so far")
    page = _page(browser(make_user(role="employee")), thread)
    assert "Internal notes belong to a case: escalate this thread to a case to write one." in page
    assert 'id="thread-note"' not in page


def test_members_get_neither_the_form_nor_a_way_to_write(db, browser, make_user, timeline):
    member = browser(make_user())
    page = _page(member, timeline["thread"])
    assert 'id="thread-note"' not in page and "Internal notes belong" not in page
    before = db.session.scalar(select(CaseNote.id).order_by(CaseNote.id.desc()).limit(1))
    resp = member.post(f"/cases/{timeline['case'].id}/notes",
                       data={"body": "NOTE-EVIL", "next": "thread", "csrf_token": csrf_token(member)})
    assert resp.status_code == 404
    assert db.session.scalar(select(CaseNote.id).order_by(CaseNote.id.desc()).limit(1)) == before


def test_no_note_through_the_api_search_feeds_sitemaps_or_json_ld(
        app, db, browser, make_user, client_for, timeline):
    from community.search.outbox import drain_outbox

    drain_outbox(app)
    thread = timeline["thread"]
    readers = [client_for(None), client_for(make_user()), client_for(make_user(reputation=5000)),
               client_for(db.session.get(User, thread.author_id))]
    for c in readers:
        body = c.get(f"/api/v1/threads/{thread.id}")
        assert body.status_code == 200 and body.get_json()["posts"]
        urls = [f"/api/v1/threads/{thread.id}", f"/api/v1/posts/{timeline['posts'][0].id}",
                "/api/v1/threads", f"/api/v1/search?q={SECRETS[0]}", "/api/v1/search?q=firmware",
                "/feed.atom", f"/spaces/{thread.space.slug}/feed.atom", "/sitemap.xml",
                "/sitemap-1.xml", f"/threads/{thread.id}"]
        for url in urls:
            text = c.get(url).get_data(as_text=True)
            assert not any(s in text for s in SECRETS), url
            assert "DHCP" not in text, url
    # The feed still describes the thread (the checks looked at something).
    assert thread.title in readers[0].get("/feed.atom").get_data(as_text=True)
    staff_search = client_for(make_user(role="employee")).get("/api/v1/search?q=firmware")
    assert "NOTE-ALPHA" not in staff_search.get_data(as_text=True)


def test_no_note_in_a_question_s_json_ld_whoever_reads(db, browser, make_user, make_thread,
                                                       make_post):
    from community.escalation import cases

    employee = make_user(role="employee")
    question = make_thread(title="Why does the blender stop after ten seconds?")
    make_post(thread=question, body="The thermal fuse trips when the jar is too full.")
    case = cases.open_case(db.session, question, by=employee, source="manual")
    cases.add_note(db.session, case, by=employee, body="NOTE-GOLF batch 22 has a weak fuse")
    db.session.commit()
    for reader in (browser(employee), browser(make_user()), browser()):
        page = _page(reader, question)
        ld = page.split('application/ld+json">')[1].split("</script>")[0]
        assert "thermal fuse" in ld and "NOTE-GOLF" not in ld
    assert "NOTE-GOLF" in _page(browser(employee), question)
    assert "NOTE-GOLF" not in _page(browser(), question)


def test_no_note_in_notifications_or_emails(app, db, browser, make_user, timeline):
    from community.notifications import delivery

    staff = browser(make_user(role="employee"))
    staff.post(f"/cases/{timeline['case'].id}/notes",
               data={"body": "NOTE-ECHO mailed nowhere", "next": "thread",
                     "csrf_token": csrf_token(staff)})
    assert db.session.scalar(select(CaseNote.id).where(CaseNote.body.contains("NOTE-ECHO")))
    rows = db.session.scalars(select(Notification)).all()
    assert rows and all("NOTE-" not in str(r.data) for r in rows)
    with app.test_request_context():
        delivery.send_pending(db.session)
        delivery.send_digests(db.session)
    db.session.commit()
    outbox = Path(app.instance_path) / "outbox"
    for mail in (outbox.glob("*.eml") if outbox.exists() else ()):
        assert "NOTE-" not in mail.read_text(errors="replace")


def test_a_note_from_the_thread_reaches_only_internal_webhooks(app, db, browser, make_user,
                                                               admin_client, timeline):
    from community.webhooks import sender
    from tests.webhooks.webhook_receiver import Receiver

    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    app.config["WEBHOOK_ALLOWED_HOSTS"] = ["127.0.0.1"]
    public, internal = Receiver(), Receiver()
    try:
        for url, extra in ((public.url, {}), (internal.url, {"include_internal": True})):
            resp = admin_client.post("/api/v1/webhooks", json={"url": url, "events": ["case.updated"],
                                                               **extra})
            assert resp.status_code == 201, resp.get_json()
        staff = browser(make_user(role="employee"))
        staff.post(f"/cases/{timeline['case'].id}/notes",
                   data={"body": "NOTE-FOXTROT for the CRM only", "next": "thread",
                         "csrf_token": csrf_token(staff)})
        sender.send_due(db.session)
        assert b"NOTE-FOXTROT" not in b"".join(r["body"] for r in public.received)
        assert [b["data"]["note"]["body"] for b in internal.bodies()] == ["NOTE-FOXTROT for the CRM only"]
    finally:
        public.close()
        internal.close()
