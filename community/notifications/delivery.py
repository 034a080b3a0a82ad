"""Delivery after the commit: socket pushes now, emails soon, the digest once a day.

The database row is the notification; a push is only a hint (a lost one is fetched
on reconnect) and an email is claimed before it is sent, so two workers never send
the same one. Emails go through SMTP when MAIL_SMTP_HOST is set, else they are
written as .eml files to instance/outbox/.
"""

from __future__ import annotations

import logging
import smtplib
import threading
import unicodedata
import uuid
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import pusher
from ..events import defer, transaction_scratch
from ..lifecycle import one_pass
from ..models import DigestSent, Notification, User, utcnow
from . import inbox, reply_address

log = logging.getLogger(__name__)
_wake = threading.Event()
# Other outboxes each mailer pass drains first, by name (account emails register
# themselves from notifications.account_mail).
_passes: dict = {}


# ---- pushes and wake-ups, after the outermost commit ----

def queue_push(session: Session, room: str, event: str, payload: dict) -> None:
    """Push once the transaction commits (never if it rolls back), from the pusher thread."""
    defer(session, pusher.push, room, event, payload)


def queue_notification_push(session: Session, user_id: int, payload: dict) -> None:
    """Like ``queue_push``; a later push of the same notification in the transaction (its
    row rewritten to a more specific verb) replaces the earlier one."""
    latest = transaction_scratch(session, "notification_push_latest")
    latest[payload["id"]] = payload
    defer(session, _push_latest, latest, f"user:{int(user_id)}", payload)


def _push_latest(latest: dict, room: str, payload: dict) -> None:
    if latest.get(payload["id"]) is payload:
        del latest[payload["id"]]
        pusher.push(room, "notification", payload)


def wake_mailer(session: Session) -> None:
    """Wake the mailer once the transaction commits: it queued an immediate email."""
    defer(session, _wake.set, once=True)


def wake_now() -> None:
    """For after-commit subscribers: the commit already happened."""
    _wake.set()


def add_pass(name: str, fn) -> None:
    """``fn(session) -> int`` runs on every mailer pass (and `community digest`)."""
    _passes[name] = fn


def run_passes(session: Session) -> dict:
    return {name: fn(session) for name, fn in _passes.items()}


def wait_for_mail(timeout: float) -> bool:
    """The worker sleeps here; a commit that queued an immediate email wakes it."""
    woke = _wake.wait(timeout)
    _wake.clear()
    return woke


# ---- email ----

def _base_url() -> str:
    # Sent by the worker, long after any request: without PUBLIC_URL only the dev
    # server's address is known (account emails keep the host of their request).
    return (current_app.config["PUBLIC_URL"] or "http://127.0.0.1:5000").rstrip("/")


def _locale(user: User) -> str:
    langs = current_app.config["LANGUAGES"]
    return user.locale if user.locale in langs else current_app.config["BABEL_DEFAULT_LOCALE"]


def _one_line(text: str) -> str:
    # A header is one line: a name stored before names were checked may still hold
    # CR/LF or bidirectional controls, and must neither inject a header nor stop the mail.
    return " ".join("".join(" " if unicodedata.category(ch)[0] == "C" or ch in "\u2028\u2029"
                            else ch for ch in text).split())


def _message(user: User, subject: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = Address(addr_spec=user.email)
    msg["Subject"] = _one_line(subject)
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain="continuum.local")
    msg.set_content(body)
    return msg


def send_message(msg: EmailMessage) -> None:
    host = current_app.config["MAIL_SMTP_HOST"]
    if host:
        port = int(current_app.config["MAIL_SMTP_PORT"])
        with smtplib.SMTP(host, port, timeout=15) as smtp:
            if current_app.config["MAIL_SMTP_STARTTLS"]:
                smtp.starttls()
            if current_app.config["MAIL_SMTP_USER"]:
                smtp.login(current_app.config["MAIL_SMTP_USER"],
                           current_app.config["MAIL_SMTP_PASSWORD"] or "")
            smtp.send_message(msg)
        return
    outbox = Path(current_app.config["MAIL_OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
    tmp = outbox / (name + ".tmp")
    tmp.write_bytes(bytes(msg))
    tmp.rename(outbox / name)  # readers never see half a message


def _claim(session: Session, ids: list[int]) -> list[int]:
    """Claim pending emails as 'sending': at most one sender per row. They are 'done'
    only once sent; a claim older than EMAIL_CLAIM_TIMEOUT is a sender that died, and
    the email goes back to 'pending' (sent twice at worst, never lost)."""
    claimed = []
    now = utcnow()
    for nid in ids:
        done = session.execute(update(Notification).where(
            Notification.id == nid, Notification.email_state == "pending")
            .values(email_state="sending", email_claimed_at=now)).rowcount
        if done:
            claimed.append(nid)
    session.commit()
    return claimed


def _settle(session: Session, nid: int, state: str) -> None:
    session.execute(update(Notification).where(Notification.id == nid)
                    .values(email_state=state, email_claimed_at=None))
    session.commit()


def release_stale_claims(session: Session, *, now: datetime | None = None) -> int:
    """Emails whose sender died mid-send go back to the queue."""
    limit = (now or utcnow()) - timedelta(seconds=float(current_app.config["EMAIL_CLAIM_TIMEOUT"]))
    released = session.execute(update(Notification).where(
        Notification.email_state == "sending", Notification.email_claimed_at < limit)
        .values(email_state="pending", email_claimed_at=None)).rowcount
    session.commit()
    return released


def _still_visible(session: Session, user: User, notes: list[Notification]) -> list[Notification]:
    if not notes:
        return []
    ok = set(session.scalars(select(Notification.id).where(
        Notification.id.in_([n.id for n in notes]), inbox.visible_for_email(user))))
    return [n for n in notes if n.id in ok]


def _reply_to(user: User, note: Notification) -> tuple[str | None, str | None]:
    """The Reply-To of an email about a thread, and the line that explains it. Staff told
    about a case reply with an internal note (a slip leaks nothing to members) and get
    the answer address in the text."""
    if note.thread_id is None or not reply_address.enabled():
        return None, None
    answer = reply_address.address(user.id, note.thread_id)
    if user.is_staff and (note.data or {}).get("case_id"):
        return reply_address.address(user.id, note.thread_id, kind="note"), _(
            "Reply to this email to add an internal note to the case (members never see "
            "it). To answer in the thread instead, write to %(address)s.", address=answer)
    return answer, _("Reply to this email to answer in the thread (above the quoted text).")


def send_pending(session: Session, limit: int = 200) -> int:
    """Send the 'immediately' emails; returns how many were sent."""
    release_stale_claims(session)
    rows = session.scalars(select(Notification).where(Notification.email_state == "pending")
                           .order_by(Notification.id).limit(limit)).all()
    by_user: dict[int, list[Notification]] = {}
    for note in rows:
        by_user.setdefault(note.user_id, []).append(note)
    sent = 0
    for user_id, notes in by_user.items():
        user = session.get(User, user_id)
        visible = _still_visible(session, user, notes) if user and user.email else []
        claimed = set(_claim(session, [n.id for n in notes]))
        visible_ids = {n.id for n in visible}
        for nid in claimed - visible_ids:  # nobody to send it to any more
            _settle(session, nid, "done")
        for note in visible:
            if note.id not in claimed:
                continue
            try:  # building the message can fail too: the row is done only once sent
                with force_locale(_locale(user)):
                    text = inbox.text(note)
                    reply_to, hint = _reply_to(user, note)
                    body = "\n".join([text, "", _base_url() + inbox.url(note), "",
                                      *([hint, ""] if hint else []),
                                      _("Change which emails you get: %(url)s",
                                        url=_base_url() + "/notifications/preferences")])
                    msg = _message(user, text, body)
                    if reply_to:
                        msg["Reply-To"] = reply_to
                        # RFC 3834 and Exchange: no out-of-office answer to this address.
                        msg["Auto-Submitted"] = "auto-generated"
                        msg["X-Auto-Response-Suppress"] = "All"
                session.commit()  # no transaction (and no SQLite lock) across the network
                send_message(msg)
            except Exception:
                log.exception("email for notification %s failed; will retry", note.id)
                _settle(session, note.id, "pending")
                continue
            _settle(session, note.id, "done")
            sent += 1
    return sent


def send_digests(session: Session, *, now: datetime | None = None) -> int:
    """One message per user per day with the day's unread notifications."""
    now = now or utcnow()
    day = now.date()
    user_ids = sorted(set(session.scalars(select(Notification.user_id).where(
        Notification.email_state == "digest", Notification.created_at <= now))))
    sent = 0
    for user_id in user_ids:
        try:
            with session.begin_nested():
                session.add(DigestSent(user_id=user_id, day=day))
            session.commit()
        except IntegrityError:
            session.rollback()
            continue  # already sent today (by us or another worker)
        user = session.get(User, user_id)
        notes = session.scalars(select(Notification).where(
            Notification.user_id == user_id, Notification.email_state == "digest",
            Notification.created_at <= now).order_by(Notification.id)).all()
        unread = [n for n in _still_visible(session, user, notes) if n.read_at is None]
        if not unread or not user.email:
            _settle_digest(session, [n.id for n in notes])
            continue
        with force_locale(_locale(user)):
            subject = _("Your Continuum digest: %(n)s unread notifications", n=len(unread))
            lines = [subject, ""]
            for note in unread:
                lines += [f"- {inbox.text(note)}", f"  {_base_url()}{inbox.url(note)}"]
            lines += ["", _("Change which emails you get: %(url)s",
                            url=_base_url() + "/notifications/preferences")]
            msg = _message(user, subject, "\n".join(lines))
        session.commit()  # no transaction (and no SQLite lock) across the network
        try:
            send_message(msg)
        except Exception:
            # Today's claim goes, so the next pass tries again; the rows wait as they are.
            log.exception("digest for user %s failed; will retry", user_id)
            session.execute(delete(DigestSent).where(DigestSent.user_id == user_id,
                                                     DigestSent.day == day))
            session.commit()
            continue
        _settle_digest(session, [n.id for n in notes])
        sent += 1
    return sent


def _settle_digest(session: Session, ids: list[int]) -> None:
    """The day's digest went (or had nothing to say): its rows are done."""
    for i in range(0, len(ids), 500):
        session.execute(update(Notification).where(
            Notification.id.in_(ids[i:i + 500]), Notification.email_state == "digest")
            .values(email_state="done"))
    session.commit()


def digest_due(now: datetime) -> bool:
    return now.hour >= int(current_app.config["DIGEST_HOUR"])


def tick(session: Session, *, now: datetime | None = None) -> dict:
    """One pass of the background work: pending emails, then the digest once it is due."""
    now = now or utcnow()
    out = run_passes(session)
    out["emails"] = send_pending(session)
    if digest_due(now):
        out["digests"] = send_digests(session, now=now)
    return out


def run_mailer(app, *, interval: float | None = None, once: bool = False) -> None:
    """The background loop: emails as soon as a commit queues one, digests when due."""
    interval = interval or float(app.config["SERVE_BACKGROUND_INTERVAL"])
    while True:
        try:
            with one_pass(), app.app_context():
                from ..extensions import db

                tick(db.session)
                db.session.remove()
        except Exception:
            log.exception("notification mailer pass failed")
        if once:
            return
        wait_for_mail(max(interval, 5.0))
