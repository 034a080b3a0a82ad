"""When an idea ships, each asker of a linked question or case is told once, in their
own language, even when they also voted for the idea."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from community.escalation import cases
from community.models import Notification, NotificationPreference


def _told(db, idea_id: int) -> Counter:
    rows = db.session.execute(select(Notification.user_id, Notification.verb)
                              .where(Notification.thread_id == idea_id))
    return Counter((user_id, verb) for user_id, verb in rows)


def test_shipping_tells_each_linked_asker_once_in_their_language(
        db, make_user, make_thread, client_for, employee_client):
    idea = make_thread(kind="idea", title="Printable invoices")
    french, english, voter_asker = make_user(), make_user(), make_user()
    french.locale = "fr"
    db.session.commit()
    q_fr = make_thread(author=french, title="Comment imprimer une facture ?")
    q_fr2 = make_thread(author=french, title="Où trouver les factures en PDF ?")
    q_en = make_thread(author=english, title="How do I print an invoice?")
    q_both = make_thread(author=voter_asker, title="Invoices on paper, is it possible?")
    case = cases.open_case(db.session, q_en, by=employee_client.user, source="manual")
    db.session.commit()
    for q in (q_fr, q_fr2, q_en, q_both):
        employee_client.post(f"/api/v1/ideas/{idea.id}/demand", json={"thread_id": q.id})
    employee_client.post(f"/api/v1/ideas/{idea.id}/demand", json={"case_id": case.id})
    assert client_for(voter_asker).put(f"/api/v1/threads/{idea.id}/vote",
                                       json={"value": 1}).status_code == 200
    resp = employee_client.put(f"/api/v1/threads/{idea.id}/status", json={"status": "shipped"})
    assert resp.status_code == 200

    told = _told(db, idea.id)
    for asker in (french, english, voter_asker):
        assert told[(asker.id, "idea_shipped_for_you")] == 1, asker.username
        assert told[(asker.id, "idea_status_changed")] == 0
    # The idea's author, who asked nothing, keeps the status notice.
    assert told[(idea.author_id, "idea_status_changed")] == 1
    assert sum(told.values()) == 4

    fr_items = client_for(french).get("/api/v1/notifications").get_json()["items"]
    assert [i["text"] for i in fr_items if i["thread_id"] == idea.id] == [
        "Une idée que vous avez demandée est disponible : « Printable invoices »"]
    en_items = client_for(english).get("/api/v1/notifications").get_json()["items"]
    assert [i["text"] for i in en_items if i["thread_id"] == idea.id] == [
        "An idea you asked for has shipped: “Printable invoices”"]


def test_other_statuses_and_a_turned_off_preference_tell_no_asker(
        db, make_user, make_thread, employee_client):
    idea = make_thread(kind="idea", title="Keyboard shortcuts everywhere")
    asker = make_user()
    question = make_thread(author=asker)
    employee_client.post(f"/api/v1/ideas/{idea.id}/demand", json={"thread_id": question.id})
    employee_client.put(f"/api/v1/threads/{idea.id}/status", json={"status": "planned"})
    assert _told(db, idea.id)[(asker.id, "idea_shipped_for_you")] == 0
    db.session.add(NotificationPreference(user_id=asker.id, verb="idea_shipped_for_you",
                                          in_app=False, email="off"))
    db.session.commit()
    employee_client.put(f"/api/v1/threads/{idea.id}/status", json={"status": "shipped"})
    assert _told(db, idea.id)[(asker.id, "idea_shipped_for_you")] == 0
