"""Every text a person receives is in their account's language, whoever caused it.

A French member and an English member set their language the way people do (the
API's PATCH /me, the language switch); then one action notifies both, and the mails
written by the background mailer (no request, no browser) and the in-app list are
each in the recipient's language.
"""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import pytest

from community.models import utcnow
from community.notifications import delivery, watches


@pytest.fixture(autouse=True)
def _fresh_contexts(fresh_context_per_request):
    """Each request in its own app context, as in production."""


def outbox(app) -> dict[str, object]:
    """The sent mails by recipient address."""
    folder = Path(app.instance_path) / "outbox"
    mails = [message_from_bytes(p.read_bytes(), policy=policy.default)
             for p in sorted(folder.glob("*.eml"))]
    return {str(m["To"]): m for m in mails}


def body_of(mail) -> str:
    return mail.get_body(("plain",)).get_content()


@pytest.fixture
def french_and_english(make_user, client_for, app, login):
    """Two members; the French one chose French through the API, the English one
    through the language switch of a signed-in browser."""
    def make(role="member"):
        french, english = make_user(role=role), make_user(role=role)
        api = client_for(french)
        assert api.patch("/api/v1/me", json={"locale": "fr"}).status_code == 200
        browser = login(app.test_client(), english)
        token = browser.get("/csrf-token").get_json()["csrf_token"]
        assert browser.post("/lang", data={"lang": "en", "csrf_token": token}).status_code == 303
        return french, english

    return make


def test_a_mention_mails_each_member_in_their_own_language(app, db, make_user, make_thread,
                                                            french_and_english, client_for):
    french, english = french_and_english()
    author = make_user(username="emma")
    thread = make_thread(author=author, title="Le moulin grince",
                         body=f"Avis de @{french.username} et @{english.username} ?")
    assert delivery.send_pending(db.session) == 2
    mails = outbox(app)
    fr_mail, en_mail = mails[french.email], mails[english.email]
    assert fr_mail["Subject"] == "emma vous a mentionné dans « Le moulin grince »"
    assert "Choisissez les e-mails que vous recevez" in body_of(fr_mail)
    assert en_mail["Subject"] == "emma mentioned you in “Le moulin grince”"
    assert "Change which emails you get" in body_of(en_mail)
    # The in-app list, asked with a bearer token and no Accept-Language, is French too.
    items = client_for(french).get("/api/v1/notifications").get_json()["items"]
    assert [i["text"] for i in items if i["thread_id"] == thread.id] == [
        "emma vous a mentionné dans « Le moulin grince »"]


def test_the_daily_digest_is_in_the_recipients_language(app, db, make_user, make_thread,
                                                        french_and_english):
    french, english = french_and_english()
    for user in (french, english):
        watches.create_watch(db.session, by=user, query="grince")
    db.session.commit()
    make_thread(author=make_user(username="emma"), title="Le moulin grince encore")
    assert delivery.send_digests(db.session, now=utcnow()) == 2
    mails = outbox(app)
    assert mails[french.email]["Subject"] == "Votre résumé Continuum : 1 notifications non lues"
    assert "correspond à votre veille « grince »" in body_of(mails[french.email])
    assert mails[english.email]["Subject"] == "Your Continuum digest: 1 unread notifications"
    assert "matches your watch “grince”" in body_of(mails[english.email])


def test_case_emails_are_in_the_assignees_language(app, db, make_user, make_thread,
                                                   french_and_english, client_for):
    french, english = french_and_english(role="employee")
    moderator = client_for(make_user(role="moderator"))
    thread = make_thread(title="La buse vapeur est bouchée")
    for assignee in (french, english):
        case = moderator.post(f"/api/v1/threads/{thread.id}/escalate", json={})
        assert case.status_code == 201, case.get_data(as_text=True)
        case_id = case.get_json()["id"]
        resp = moderator.post(f"/api/v1/cases/{case_id}/assign",
                              json={"assignee": assignee.username})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        resolve = moderator.post(f"/api/v1/cases/{case_id}/transition", json={"action": "resolve"})
        assert resolve.status_code == 200, resolve.get_data(as_text=True)
    delivery.send_pending(db.session)
    mails = outbox(app)
    assert mails[french.email]["Subject"] == \
        "Dossier qui vous est attribué : « La buse vapeur est bouchée »"
    assert mails[english.email]["Subject"] == "Case assigned to you: “La buse vapeur est bouchée”"


def test_a_summary_for_the_triage_queue_names_it_in_words(app):
    from flask_babel import force_locale

    from community.escalation import notify  # noqa: F401  (registers the case verbs)
    from community.notifications import registry

    data = {"count": 3, "group": "triage", "group_slug": None}
    with app.app_context():
        with force_locale("fr"):
            french = registry.render_text("cases_queued", actor=None, data=data)
        english = registry.render_text("cases_queued", actor=None, data=data)
        named = registry.render_text("cases_queued", actor=None,
                                     data={"count": 2, "group": "R&D", "group_slug": "rnd"})
    assert "triage" not in french and french.endswith("Triage")
    assert english == "3 new cases in the queue of Triage"
    assert named == "2 new cases in the queue of R&D"
