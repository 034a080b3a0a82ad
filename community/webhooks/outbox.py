"""The outbox: one ``webhook_delivery`` row per subscribed webhook, written by these
subscribers inside the transaction of the change, so a delivery exists exactly when
the change does. The body is built here, once: retries resend the same bytes.

A webhook reads what a member reads; staff spaces, internal notes, a flag's note and
author, and account emails reach only webhooks an admin marked ``include_internal``
(``permissions.webhook_can_read``).
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable

from flask import current_app, has_request_context, request
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from .. import permissions as perm
from ..escalation.tiers import organisation_of
from ..events import (
    AnswerAccepted,
    CaseChanged,
    FlagRaised,
    IdeaStatusChanged,
    PostCreated,
    ThreadCreated,
    ThreadDeleted,
    ThreadMarkedDuplicate,
    UserCreated,
    defer,
    on,
)
from ..models import Case, CaseNote, Flag, Post, Thread, User, Webhook, WebhookDelivery, utcnow

wake_event = threading.Event()


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _base_url() -> str:
    base = current_app.config["PUBLIC_URL"]
    if not base and has_request_context():
        base = request.host_url
    return (base or "").rstrip("/")


def thread_json(thread: Thread) -> dict:
    return {"id": thread.id, "space": thread.space.slug, "visibility": thread.space.visibility,
            "kind": thread.kind, "title": thread.title, "body": thread.body,
            "author": thread.author.username, "tags": sorted(t.name for t in thread.tags),
            "status": thread.status, "url": f"{_base_url()}/threads/{thread.id}",
            "created_at": _iso(thread.created_at)}


def post_json(post: Post) -> dict:
    return {"id": post.id, "thread_id": post.thread_id, "author": post.author.username,
            "body": post.body, "is_official": post.is_official,
            "url": f"{_base_url()}/threads/{post.thread_id}#post-{post.id}",
            "created_at": _iso(post.created_at)}


def case_json(case: Case) -> dict:
    return {"id": case.id, "thread_id": case.thread_id, "state": case.state,
            "priority": case.priority, "external_ref": case.external_ref, "group": case.group.slug if case.group else None,
            "assignee": case.assignee.username if case.assignee else None,
            "opened_at": _iso(case.opened_at),
            "first_response_due_at": _iso(case.first_response_due_at),
            "first_response_at": _iso(case.first_response_at),
            "resolved_at": _iso(case.resolved_at), "warned_at": _iso(case.warned_at),
            "breached_at": _iso(case.breached_at)}


def enqueue(session: Session, event: str, visibility: str | None,
            build: Callable[[bool], dict | None]) -> int:
    """Write one delivery per active webhook subscribed to ``event`` that may read
    content of ``visibility`` (None: not about a space). ``build(internal)`` makes the
    ``data`` for an ordinary or an internal webhook (None: nothing for that kind)."""
    hooks = [h for h in session.scalars(select(Webhook).where(Webhook.active.is_(True))
                                        .order_by(Webhook.id)) if event in h.events]
    rows, built = [], {}
    for hook in hooks:
        internal = bool(hook.include_internal)
        if visibility is not None and not perm.webhook_can_read(internal, visibility):
            continue
        if internal not in built:
            built[internal] = build(internal)
        if built[internal] is None:
            continue
        uid, now = str(uuid.uuid4()), utcnow()
        body = json.dumps({"id": uid, "event": event, "created_at": _iso(now),
                           "data": built[internal]}, ensure_ascii=False, separators=(",", ":"))
        rows.append({"webhook_id": hook.id, "uid": uid, "event": event, "body": body,
                     "state": "pending", "attempts": 0, "next_attempt_at": now,
                     "created_at": now})
    if rows:
        session.execute(insert(WebhookDelivery), rows)
        defer(session, wake_event.set, once=True)
    return len(rows)


@on(ThreadCreated)
def on_thread_created(session: Session, ev: ThreadCreated) -> None:
    thread = session.get(Thread, ev.thread_id)
    enqueue(session, "thread.created", thread.space.visibility,
            lambda internal: {"thread": thread_json(thread)})


@on(ThreadDeleted)
def on_thread_deleted(session: Session, ev: ThreadDeleted) -> None:
    """Only the thread's address: what it said was removed, often for a reason."""
    thread = session.get(Thread, ev.thread_id)
    enqueue(session, "thread.deleted", thread.space.visibility,
            lambda internal: {"thread": {"id": thread.id, "space": thread.space.slug,
                                         "kind": thread.kind,
                                         "url": f"{_base_url()}/threads/{thread.id}"},
                              "merged_into": ev.merged_into_id})


@on(ThreadMarkedDuplicate)
def on_thread_duplicate(session: Session, ev: ThreadMarkedDuplicate) -> None:
    thread, original = session.get(Thread, ev.thread_id), session.get(Thread, ev.original_id)
    enqueue(session, "thread.duplicate", thread.space.visibility,
            lambda internal: {"thread": thread_json(thread), "original": {
                "id": original.id, "url": f"{_base_url()}/threads/{original.id}"}})


@on(PostCreated)
def on_post_created(session: Session, ev: PostCreated) -> None:
    post = session.get(Post, ev.post_id)
    thread = post.thread
    enqueue(session, "post.created", thread.space.visibility,
            lambda internal: {"thread": thread_json(thread), "post": post_json(post)})


@on(AnswerAccepted)
def on_answer_accepted(session: Session, ev: AnswerAccepted) -> None:
    thread, post = session.get(Thread, ev.thread_id), session.get(Post, ev.post_id)
    enqueue(session, "answer.accepted", thread.space.visibility,
            lambda internal: {"thread": thread_json(thread), "post": post_json(post)})


@on(IdeaStatusChanged)
def on_idea_status_changed(session: Session, ev: IdeaStatusChanged) -> None:
    thread = session.get(Thread, ev.thread_id)
    enqueue(session, "idea.status_changed", thread.space.visibility,
            lambda internal: {"thread": thread_json(thread), "old_status": ev.old_status,
                              "new_status": ev.new_status})


_CASE_EVENTS = {"opened": "case.opened", "updated": "case.updated", "note": "case.updated",
                "resolved": "case.resolved", "sla_warning": "case.sla_warning",
                "sla_breached": "case.sla_breached"}


@on(CaseChanged)
def on_case_changed(session: Session, ev: CaseChanged) -> None:
    case = session.get(Case, ev.case_id)
    thread = case.thread

    def build(internal: bool) -> dict | None:
        data = {"case": case_json(case), "thread": thread_json(thread), "change": ev.change}
        if internal:  # which customer organisation asked, and its tier, is staff knowledge
            org = organisation_of(session, thread.author_id)
            data["case"]["organisation"] = None if org is None else {
                "id": org.id, "name": org.name, "tier": org.tier, "external_ref": org.external_ref}
        if ev.note_id is not None:
            if not internal:
                return None  # an internal note changes nothing anyone else may see
            note = session.get(CaseNote, ev.note_id)
            data["note"] = {"id": note.id, "author": note.author.username, "body": note.body,
                            "created_at": _iso(note.created_at)}
        return data

    enqueue(session, _CASE_EVENTS.get(ev.change, "case.updated"), thread.space.visibility, build)


@on(FlagRaised)
def on_flag_raised(session: Session, ev: FlagRaised) -> None:
    flag, thread = session.get(Flag, ev.flag_id), session.get(Thread, ev.thread_id)

    def build(internal: bool) -> dict:
        data = {"flag": {"id": flag.id, "reason": flag.reason, "target_type": flag.target_type,
                         "target_id": flag.target_id, "created_at": _iso(flag.created_at)},
                "thread": thread_json(thread)}
        if internal:  # who flagged and why in their words is for staff
            data["flag"]["flagger"] = session.get(User, flag.user_id).username
            data["flag"]["note"] = flag.note
        return data

    enqueue(session, "flag.raised", thread.space.visibility, build)


@on(UserCreated)
def on_user_created(session: Session, ev: UserCreated) -> None:
    user = session.get(User, ev.user_id)

    def build(internal: bool) -> dict:
        data = {"id": user.id, "username": user.username, "display_name": user.display_name,
                "role": user.role, "created_at": _iso(user.created_at)}
        if internal:
            data["email"] = user.email
        return {"user": data}

    enqueue(session, "user.created", None, build)
