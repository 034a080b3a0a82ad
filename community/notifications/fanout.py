"""Fan-out: domain events become notification rows inside the same transaction.

``notify()`` is the one way to create notifications; it drops the actor, anyone who
cannot read the thread or post (or is outside the verb's audience), applies each
recipient's preferences, tells each person once per occasion (by the verb's rank),
writes the rows in one statement and queues the pushes, which go out only once the
transaction commits (see ``delivery``).
"""

from __future__ import annotations

import re

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from .. import permissions as perm
from .. import site_rules
from ..events import (
    AnswerAccepted,
    BadgeAwarded,
    IdeaStatusChanged,
    LevelUp,
    PostCreated,
    PostDeleted,
    PostRestored,
    ThreadCreated,
    on,
    transaction_scratch,
)
from ..models import Notification, Post, Thread, User, Vote, utcnow
from . import delivery, follows, inbox, preferences, registry, watches

EMAIL_STATE = {"off": "none", "immediately": "pending", "daily": "digest"}
MENTION_RE = re.compile(r"(?<![\w@./])@([A-Za-z0-9_.-]{3,30})")
CODE_RE = re.compile(r"```.*?```|~~~.*?~~~|`[^`\n]*`", re.DOTALL)


def _deliverable(user: User, spec: registry.Verb, thread: Thread | None, post: Post | None) -> bool:
    if spec.audience == "staff" and not user.is_staff:
        return False
    if spec.audience == "moderators" and not user.is_moderator:
        return False
    if thread is not None and not perm.can_read_thread(user, thread):
        return False
    return post is None or perm.can_see_post(user, post)


def _users(session: Session, ids: set[int]) -> list[User]:
    ids_ = sorted(ids)
    out: list[User] = []
    for i in range(0, len(ids_), 500):
        out.extend(session.scalars(select(User).where(User.id.in_(ids_[i:i + 500]))))
    return out


def notify(session: Session, verb: str, *, recipients, actor_id: int | None = None,
           thread: Thread | None = None, post: Post | None = None, data: dict | None = None,
           occasion=None) -> set[int]:
    """Notify ``recipients`` (user ids); returns the ids that got a notification.

    ``occasion`` (any hashable: the domain event, or a key of one action) makes every
    ``notify`` of that occasion in this transaction one notification per person: a
    person already told with a verb of higher or equal rank is skipped, one told with a
    lower rank has that row rewritten to this verb.
    """
    spec = registry.get(verb)
    if spec is None:
        raise ValueError(f"unregistered notification verb {verb!r}")
    if post is not None and thread is None:
        thread = post.thread
    ids = {int(r) for r in recipients if r is not None}
    ids.discard(actor_id)  # nobody is told about their own action
    if not ids:
        return set()
    users = [u for u in _users(session, ids) if _deliverable(u, spec, thread, post)]
    prefs = preferences.for_users(session, [u.id for u in users], verb)
    # {occasion: {user_id: (rank, notification id)}} for this outer transaction
    told = transaction_scratch(session, "notification_told").setdefault(occasion, {}) \
        if occasion is not None else {}
    now = utcnow()
    data = dict(data or {})
    rows, targets, replaced = [], [], []
    for user in users:
        in_app, email = prefs[user.id]
        state = EMAIL_STATE.get(email, "none") if user.email else "none"
        if not in_app and state == "none":
            continue
        earlier = told.get(user.id)
        if earlier is not None and earlier[0] >= spec.rank:
            continue
        row = {"user_id": user.id, "verb": verb, "actor_id": actor_id,
               "thread_id": thread.id if thread else None,
               "post_id": post.id if post else None, "data": data,
               "created_at": now, "in_app": in_app, "email_state": state}
        if earlier is not None and _rewrite(session, earlier[1], row):
            replaced.append((user, row, earlier[1]))
        else:
            rows.append(row)
            targets.append(user)
    created = session.execute(
        insert(Notification).returning(Notification.id, sort_by_parameter_order=True), rows
    ).scalars().all() if rows else []
    pairs = [*zip(targets, rows, created, strict=True), *replaced]
    if not pairs:
        return set()
    if any(r["email_state"] == "pending" for _u, r, _n in pairs):
        delivery.wake_mailer(session)
    if occasion is not None:
        told.update({u.id: (spec.rank, nid) for u, _r, nid in pairs})
    _queue_pushes(session, spec, pairs, actor_id, thread, post, data, now)
    return {u.id for u, _r, _n in pairs}


def _rewrite(session: Session, notification_id: int, row: dict) -> bool:
    """Turn an earlier notification of the same occasion into this one (False if gone)."""
    values = {k: v for k, v in row.items() if k != "user_id"}
    done = session.execute(update(Notification).where(Notification.id == notification_id)
                           .values(**values).execution_options(synchronize_session=False))
    return bool(done.rowcount)  # its push, queued below, replaces the earlier one


def _queue_pushes(session, spec, pairs, actor_id, thread, post, data, now) -> None:
    shown = [(u, nid) for u, row, nid in pairs if row["in_app"]]
    if not shown:
        return
    actor = session.get(User, actor_id) if actor_id else None
    ref = {"thread_id": thread.id if thread else None, "post_id": post.id if post else None,
           "data": data}
    url = spec.link(ref)
    texts: dict[str, str] = {}
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    counts = inbox.unread_counts(session, [u for u, _ in shown])
    for user, nid in shown:
        locale = user.locale if user.locale in current_app.config["LANGUAGES"] else default
        if locale not in texts:
            with force_locale(locale):
                texts[locale] = registry.render_text(
                    spec.name, actor=actor.display_name if actor else None, data=data)
        delivery.queue_notification_push(session, user.id, {
            "id": nid, "verb": spec.name, "text": texts[locale], "url": url,
            "thread_id": ref["thread_id"], "created_at": now.isoformat(),
            "unread": counts.get(user.id, 0)})


AUDIENCES = ("guest", "member", "staff", "moderator")


def thread_audiences(thread: Thread) -> tuple[str, ...]:
    """Which kinds of socket may hear about this thread now."""
    if thread.deleted_at is not None:
        return ("moderator",)
    return {"public": AUDIENCES, "members": AUDIENCES[1:],
            "staff": AUDIENCES[2:]}.get(thread.space.visibility, ("moderator",))


def queue_thread_activity(session: Session, thread: Thread, event: str,
                          post_id: int | None = None) -> None:
    payload = {"thread_id": thread.id, "event": event, "post_id": post_id}
    for audience in thread_audiences(thread):
        delivery.queue_push(session, f"thread:{thread.id}:{audience}", "thread_activity", payload)


def mentioned_users(session: Session, text: str) -> list[User]:
    names: list[str] = []
    for raw in MENTION_RE.findall(CODE_RE.sub(" ", text or "")):
        for name in (raw.lower(), raw.lower().rstrip(".-")):
            if name not in names:
                names.append(name)
    limit = current_app.config["NOTIFY_MAX_MENTIONS"]
    users = {u.username_lower: u for u in session.scalars(
        select(User).where(User.username_lower.in_(names[: limit * 2])))} if names else {}
    out: dict[int, User] = {}  # by id: UserMixin's == compares session keys, not users
    for name in names:
        user = users.get(name)
        if user is not None:
            out.setdefault(user.id, user)
    return list(out.values())[:limit]  # the cap: a post names at most this many people


def _title(thread: Thread) -> dict:
    return {"title": thread.title}


def _watch_notify(session, thread, post, text, *, actor_id, occasion, new_thread: bool):
    for watch, snippet in watches.matches(session, thread, text, new_thread=new_thread):
        notify(session, "watch_matched", recipients=[watch.user_id], actor_id=actor_id,
               thread=thread, post=post, occasion=occasion,
               data={**_title(thread), "query": watch.query or " ".join(watch.tags),
                     "watch_id": watch.id, "snippet": snippet})


# One new thread or post is one occasion: each person hears of it once, by the most
# specific verb (ranks in the registry), whichever subscriber speaks first.

@on(ThreadCreated)
def on_thread_created(session: Session, ev: ThreadCreated) -> None:
    thread = session.get(Thread, ev.thread_id)
    if thread is None:
        return
    follows.auto_follow(session, ev.author_id, thread.id)
    mentioned = mentioned_users(session, thread.body)
    notify(session, "mentioned", recipients=[u.id for u in mentioned],
           actor_id=ev.author_id, thread=thread, data=_title(thread), occasion=ev)
    notify(session, "thread_created", recipients=follows.space_and_tag_followers(session, thread),
           actor_id=ev.author_id, thread=thread, data=_title(thread), occasion=ev)
    _watch_notify(session, thread, None, thread.title + "\n" + thread.body,
                  actor_id=ev.author_id, occasion=ev, new_thread=True)


@on(PostCreated)
def on_post_created(session: Session, ev: PostCreated) -> None:
    post = session.get(Post, ev.post_id)
    if post is None:
        return
    thread = post.thread
    follows.auto_follow(session, ev.author_id, thread.id)
    mentioned = mentioned_users(session, post.body)
    notify(session, "mentioned", recipients=[u.id for u in mentioned],
           actor_id=ev.author_id, thread=thread, post=post, data=_title(thread), occasion=ev)
    verb = "answer_posted" if thread.kind == "question" else "reply_posted"
    notify(session, verb, recipients=follows.thread_followers(session, thread),
           actor_id=ev.author_id, thread=thread, post=post, data=_title(thread), occasion=ev)
    _watch_notify(session, thread, post, post.body, actor_id=ev.author_id, occasion=ev,
                  new_thread=False)
    queue_thread_activity(session, thread, "post_created", post.id)


@on(AnswerAccepted)
def on_answer_accepted(session: Session, ev: AnswerAccepted) -> None:
    post = session.get(Post, ev.post_id)
    if post is None:
        return
    notify(session, "answer_accepted", recipients=[post.author_id], actor_id=ev.by_id,
           thread=post.thread, post=post, data=_title(post.thread))
    queue_thread_activity(session, post.thread, "post_accepted", post.id)


@on(IdeaStatusChanged)
def on_idea_status_changed(session: Session, ev: IdeaStatusChanged) -> None:
    thread = session.get(Thread, ev.thread_id)
    if thread is None:
        return
    voters = session.scalars(select(Vote.user_id).where(
        Vote.target_type == "thread", Vote.target_id == thread.id, Vote.value > 0))
    recipients = {thread.author_id, *voters, *follows.thread_followers(session, thread)}
    # One occasion: community/demand tells the askers of linked questions of a shipped
    # idea, once each, even those who also voted or follow.
    notify(session, "idea_status_changed", recipients=recipients, actor_id=ev.by_id,
           thread=thread, data={**_title(thread), "status": ev.new_status}, occasion=ev)
    queue_thread_activity(session, thread, "status_changed", None)


@on(PostDeleted)
def on_post_deleted(session: Session, ev: PostDeleted) -> None:
    thread = session.get(Thread, ev.thread_id)
    if thread is not None:
        queue_thread_activity(session, thread, "post_hidden", ev.post_id)


@on(PostRestored)
def on_post_restored(session: Session, ev: PostRestored) -> None:
    thread = session.get(Thread, ev.thread_id)
    if thread is not None:
        queue_thread_activity(session, thread, "post_created", ev.post_id)


@on(BadgeAwarded)
def on_badge_awarded(session: Session, ev: BadgeAwarded) -> None:
    user = session.get(User, ev.user_id)
    if user is not None:
        notify(session, "badge_awarded", recipients=[user.id],
               data={"badge": ev.badge, "username": user.username})


@on(LevelUp)
def on_level_up(session: Session, ev: LevelUp) -> None:
    user = session.get(User, ev.user_id)
    if user is None or ev.new_level <= ev.old_level:
        return
    names = {n: name for n, name, _floor in site_rules.value("LEVELS")}
    notify(session, "level_up", recipients=[user.id],
           data={"level": ev.new_level, "level_name": names.get(ev.new_level, ""),
                 "username": user.username})
