"""Webhook deliveries against a real HTTP receiver on loopback: written with the change,
signed, retried with backoff, in order, deduplicable, and never leaking staff content."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from community.escalation import cases
from community.models import Notification, Webhook, WebhookDelivery, utcnow
from community.services import threads
from community.webhooks import sender
from tests.webhooks.webhook_receiver import verify


def _deliveries(db, hook_id: int | None = None) -> list[WebhookDelivery]:
    db.session.expire_all()
    query = select(WebhookDelivery).order_by(WebhookDelivery.id)
    if hook_id is not None:
        query = query.where(WebhookDelivery.webhook_id == hook_id)
    return list(db.session.scalars(query))


def test_a_delivery_is_signed_with_the_secret_and_carries_the_contract_shape(
        db, receiver, subscribe, make_space, make_thread):
    hook = subscribe(receiver.url, ["thread.created"])
    assert len(hook["secret"]) >= 32
    thread = make_thread(space=make_space(), title="How do I descale my grinder today?")
    # Written in the transaction of the change, before anything is sent.
    [row] = _deliveries(db, hook["id"])
    assert row.state == "pending" and receiver.received == []

    assert sender.send_due(db.session) == 1
    [request] = receiver.received
    assert verify(hook["secret"], request)
    assert not verify("another-secret-entirely", request)
    body = json.loads(request["body"])
    assert set(body) == {"id", "event", "created_at", "data"}
    assert body["event"] == "thread.created" == request["headers"]["X-Continuum-Event"]
    assert body["id"] == request["headers"]["X-Continuum-Delivery"] == row.uid
    assert body["created_at"].endswith("+00:00")
    assert body["data"]["thread"]["id"] == thread.id
    assert body["data"]["thread"]["title"] == "How do I descale my grinder today?"
    [row] = _deliveries(db, hook["id"])
    assert (row.state, row.attempts, row.status_code) == ("delivered", 1, 200)
    assert row.response_excerpt == "status 200" and row.delivered_at is not None


def test_a_rolled_back_change_leaves_no_delivery(db, receiver, subscribe, make_space, make_user):
    subscribe(receiver.url, ["thread.created"])
    space, author = make_space(), make_user()
    threads.create_thread(db.session, space, by=author, kind="question",
                          title="A question that will never exist", body="A body long enough here.")
    db.session.rollback()
    assert _deliveries(db) == []
    assert sender.send_due(db.session) == 0 and receiver.received == []


def test_a_request_never_waits_for_or_fails_on_a_dead_receiver(
        db, receiver, subscribe, member_client, make_space):
    hook = subscribe(receiver.url, ["thread.created"])
    receiver.close()  # nobody listens any more
    space = make_space()
    resp = member_client.post("/api/v1/threads", json={
        "space": space.slug, "kind": "question", "title": "Is anyone listening out there?",
        "body": "The receiver is down but my question must be saved."})
    assert resp.status_code == 201
    [row] = _deliveries(db, hook["id"])
    assert row.state == "pending"
    sender.send_due(db.session)
    [row] = _deliveries(db, hook["id"])
    assert (row.state, row.attempts, row.error) == ("pending", 1, "connection")


def test_a_failed_delivery_is_retried_with_backoff_and_the_same_id_and_body(
        db, app, receiver, subscribe, make_thread):
    hook = subscribe(receiver.url, ["thread.created"])
    receiver.script = [500]
    make_thread()
    t0 = utcnow()
    assert sender.send_due(db.session, now=t0) == 1
    [row] = _deliveries(db)
    assert (row.state, row.attempts, row.status_code, row.error) == ("pending", 1, 500, "http")
    base = app.config["WEBHOOK_RETRY_BASE"]
    assert t0 + timedelta(seconds=base * 0.8) <= row.next_attempt_at <= t0 + timedelta(seconds=base * 1.2)
    # Not due yet: nothing is sent.
    assert sender.send_due(db.session, now=t0 + timedelta(seconds=1)) == 0
    assert sender.send_due(db.session, now=row.next_attempt_at) == 1
    first, second = receiver.received
    assert first["body"] == second["body"]
    assert first["headers"]["X-Continuum-Delivery"] == second["headers"]["X-Continuum-Delivery"]
    assert verify(hook["secret"], second)
    [row] = _deliveries(db)
    assert (row.state, row.attempts, row.status_code, row.error) == ("delivered", 2, 200, None)


def test_the_backoff_doubles_and_a_delivery_fails_after_24_hours(db, receiver, subscribe, make_thread):
    subscribe(receiver.url, ["thread.created"])
    receiver.always = 503
    make_thread()
    now, gaps = utcnow(), []
    while True:
        sender.send_due(db.session, now=now)
        [row] = _deliveries(db)
        if row.state != "pending":
            break
        gaps.append((row.next_attempt_at - now).total_seconds())
        now = row.next_attempt_at
    assert row.state == "failed" and row.next_attempt_at is None
    assert now - row.created_at < timedelta(hours=24)
    assert len(receiver.received) == row.attempts >= 8
    assert all(later > earlier * 1.3 for earlier, later in zip(gaps[:6], gaps[1:7], strict=True))


def test_deliveries_arrive_in_order_and_a_redelivery_is_recognisable(
        db, receiver, subscribe, admin_client, make_thread):
    hook = subscribe(receiver.url, ["thread.created"])
    made = [make_thread(title=f"Question number {n} about espresso") for n in range(3)]
    sender.send_due(db.session)
    assert [b["data"]["thread"]["id"] for b in receiver.bodies()] == [t.id for t in made]
    first = receiver.bodies()[0]["id"]
    resp = admin_client.post(f"/api/v1/webhooks/{hook['id']}/deliveries/{first}/redeliver")
    assert resp.status_code == 202 and resp.get_json()["id"] == first
    sender.send_due(db.session)
    ids = [b["id"] for b in receiver.bodies()]
    assert len(ids) == 4 and len(set(ids)) == 3 and ids[-1] == first
    assert receiver.received[0]["body"] == receiver.received[-1]["body"]
    log = admin_client.get(f"/api/v1/webhooks/{hook['id']}/deliveries").get_json()
    assert log["total"] == 3
    again = next(d for d in log["items"] if d["id"] == first)
    assert again["attempts"] == 2 and again["status_code"] == 200 and again["delivered_at"]
    assert {"id", "event", "status_code", "attempts", "next_attempt_at", "delivered_at"} <= set(again)


def test_staff_content_reaches_only_internal_webhooks(
        db, receiver, other_receiver, subscribe, make_space, make_thread, make_post, make_user):
    events = ["thread.created", "post.created", "case.opened", "case.updated"]
    public_hook = subscribe(receiver.url, events)
    internal_hook = subscribe(other_receiver.url, events, include_internal=True)
    staff_space = make_space(visibility="staff")
    employee = make_user(role="employee")
    secret_thread = make_thread(space=staff_space, author=employee,
                                title="Internal: pricing of the 2027 grinder range")
    make_post(thread=secret_thread, author=employee, body="Internal reply on the margins.")
    public_thread = make_thread(title="Why does my espresso taste sour?")
    case = cases.open_case(db.session, public_thread, by=employee, source="manual")
    cases.add_note(db.session, case, by=employee, body="Customer is on the premium contract.")
    db.session.commit()
    sender.send_due(db.session)

    public = receiver.bodies()
    assert [b["event"] for b in public] == ["thread.created", "case.opened"]
    leaked = b"".join(r["body"] for r in receiver.received)
    for secret in (b"pricing of the 2027", b"margins", b"premium contract", b"staff"):
        assert secret not in leaked
    internal = other_receiver.bodies()
    assert [b["event"] for b in internal] == ["thread.created", "post.created", "thread.created",
                                              "case.opened", "case.updated"]
    assert internal[-1]["data"]["note"]["body"] == "Customer is on the premium contract."
    assert len(_deliveries(db, public_hook["id"])) == 2
    assert len(_deliveries(db, internal_hook["id"])) == 5


def test_case_events_follow_the_case(db, receiver, subscribe, make_thread, make_user):
    subscribe(receiver.url, ["case.opened", "case.updated", "case.resolved"])
    employee = make_user(role="employee")
    case = cases.open_case(db.session, make_thread(), by=employee, source="manual")
    cases.transition(db.session, case, "start", by=employee)
    cases.transition(db.session, case, "resolve", by=employee)
    db.session.commit()
    sender.send_due(db.session)
    bodies = receiver.bodies()
    assert [b["event"] for b in bodies] == ["case.opened", "case.updated", "case.resolved"]
    assert bodies[-1]["data"]["case"]["state"] == "resolved"
    assert bodies[-1]["data"]["case"]["id"] == case.id


def test_user_created_sends_the_email_only_to_internal_webhooks(
        db, receiver, other_receiver, subscribe, make_user):
    subscribe(receiver.url, ["user.created"])
    subscribe(other_receiver.url, ["user.created"], include_internal=True)
    make_user(username="newcomer_nina", email="nina@private.example")
    sender.send_due(db.session)
    [public] = receiver.bodies()
    [internal] = other_receiver.bodies()
    assert public["data"]["user"]["username"] == "newcomer_nina"
    assert "email" not in public["data"]["user"] and b"nina@private" not in receiver.received[0]["body"]
    assert internal["data"]["user"]["email"] == "nina@private.example"


def test_repeated_failures_disable_the_webhook_and_tell_the_admins(
        db, app, receiver, subscribe, admin_client, make_thread, make_user):
    app.config["WEBHOOK_DISABLE_AFTER"] = 3
    hook = subscribe(receiver.url, ["thread.created"])
    other_admin = make_user(role="admin")
    receiver.always = 500
    for _n in range(4):
        make_thread()
    sender.send_due(db.session)
    assert len(receiver.received) == 3  # the fourth waits: the webhook went off on the third
    db.session.expire_all()
    row = db.session.get(Webhook, hook["id"])
    assert not row.active and row.disabled_at is not None and row.failures == 3
    told = db.session.scalars(select(Notification).where(
        Notification.verb == "webhook_disabled")).all()
    assert {n.user_id for n in told} == {admin_client.user.id, other_admin.id}
    assert all(n.email_state == "pending" for n in told)  # and an email to each
    make_thread()  # a disabled webhook gets no new deliveries
    assert len(_deliveries(db)) == 4
    assert sender.send_due(db.session, now=utcnow() + timedelta(hours=1)) == 0
    # Turned back on, its queue drains.
    receiver.always = None
    resp = admin_client.patch(f"/api/v1/webhooks/{hook['id']}", json={"active": True})
    assert resp.get_json()["active"] is True and resp.get_json()["failures"] == 0
    sender.send_due(db.session, now=utcnow() + timedelta(hours=1))
    assert [d.state for d in _deliveries(db)] == ["delivered"] * 4


def test_a_claimed_delivery_of_a_dead_worker_goes_back_to_the_queue(
        db, app, receiver, subscribe, make_thread):
    subscribe(receiver.url, ["thread.created"])
    make_thread()
    t0 = utcnow()
    assert sender._claim(db.session, t0, 10)  # a worker claimed it, then died
    assert sender.send_due(db.session, now=t0 + timedelta(seconds=5)) == 0
    later = t0 + timedelta(seconds=app.config["WEBHOOK_CLAIM_TIMEOUT"] + 1)
    assert sender.send_due(db.session, now=later) == 1
    assert [d.state for d in _deliveries(db)] == ["delivered"] and len(receiver.received) == 1


def test_answers_ideas_flags_and_replies_reach_their_subscribers(
        db, receiver, other_receiver, subscribe, make_thread, make_post, make_user):
    from community.moderation import flags
    from community.services import votes

    events = ["post.created", "answer.accepted", "idea.status_changed", "flag.raised"]
    subscribe(receiver.url, events)
    subscribe(other_receiver.url, ["flag.raised"], include_internal=True)
    asker, moderator = make_user(), make_user(role="moderator")
    question = make_thread(author=asker)
    answer = make_post(thread=question, body="Grind finer and use fresher beans.")
    votes.accept_answer(db.session, question, answer, by=asker)
    idea = make_thread(kind="idea", title="Please add a dark mode to the forum")
    threads.set_idea_status(db.session, idea, status="planned", by=moderator)
    flagger = make_user()
    flags.flag(db.session, answer, by=flagger, reason="spam", note="Looks like an ad to me")
    db.session.commit()
    sender.send_due(db.session)
    bodies = receiver.bodies()
    assert [b["event"] for b in bodies] == events
    assert bodies[0]["data"]["post"]["body"] == "Grind finer and use fresher beans."
    assert bodies[1]["data"]["post"]["id"] == answer.id
    assert bodies[2]["data"]["new_status"] == "planned"
    assert bodies[2]["data"]["thread"]["title"] == "Please add a dark mode to the forum"
    assert bodies[3]["data"]["flag"]["reason"] == "spam"
    assert "flagger" not in bodies[3]["data"]["flag"] and b"an ad to me" not in receiver.received[3]["body"]
    [internal] = other_receiver.bodies()
    assert internal["data"]["flag"]["flagger"] == flagger.username
    assert internal["data"]["flag"]["note"] == "Looks like an ad to me"
