"""Sending account emails (reset, verification, change notice) from their outbox.

Each mailer pass claims a queued row ('sending'), makes the link's token, commits,
and only then talks to SMTP (no transaction across the network); the row is 'done'
once sent. A failed send goes back to 'pending' and is retried on the next pass;
after MAX_ATTEMPTS it is 'failed'. A claim older than EMAIL_CLAIM_TIMEOUT is a
sender that died: the row goes back to the queue. Notification preferences and
digests never apply here. Texts are in the recipient's language, in a plain-text
and an HTML part.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..events import AccountEmailQueued, after_commit
from ..models import AccountEmail, User, utcnow
from ..services import account_email
from . import delivery

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 20


@after_commit(AccountEmailQueued)
def _wake_mailer(ev: AccountEmailQueued) -> None:
    delivery.wake_now()


def _recipient(session: Session, mail: AccountEmail) -> User | None:
    """Whom the email is about, or None when it has become pointless."""
    if mail.kind == "password_reset":
        return session.scalar(select(User).where(
            func.lower(User.email) == mail.to_address.lower(), User.password_hash.is_not(None)))
    user = session.get(User, mail.user_id) if mail.user_id else None
    if user is None or mail.kind == "email_changed":
        return user
    # A verification for an address the account no longer has, or has verified since.
    current = (user.email or "").casefold()
    if current != mail.to_address.casefold() or user.email_verified_at is not None:
        return None
    return user


def _content(mail: AccountEmail) -> tuple[str, dict]:
    base = mail.base_url
    if mail.kind == "password_reset":
        return _("Reset your Continuum password"), {
            "hours": int(current_app.config["PASSWORD_RESET_TTL"]) // 3600 or 1,
            "forgot_url": base + "/forgot-password"}
    if mail.kind == "verify_email":
        return _("Confirm your email address for Continuum"), {
            "hours": int(current_app.config["EMAIL_VERIFICATION_TTL"]) // 3600 or 1}
    return _("The email address of your Continuum account was changed"), {
        "new_email": mail.data.get("new_email", "")}


def _message(session: Session, mail: AccountEmail) -> EmailMessage | None:
    user = _recipient(session, mail)
    if user is None:
        return None
    link = ""
    if mail.kind == "password_reset":
        link = f"{mail.base_url}/reset-password/{account_email.issue_token(session, user, 'reset')}"
    elif mail.kind == "verify_email":
        link = f"{mail.base_url}/verify-email/{account_email.issue_token(session, user, 'verify')}"
    env = current_app.jinja_env
    with force_locale(delivery._locale(user)):
        subject, extra = _content(mail)
        context = {"user": user, "link": link, "base_url": mail.base_url, "subject": subject,
                   **extra}
        text = env.get_template(f"email/{mail.kind}.txt").render(context)
        html = env.get_template(f"email/{mail.kind}.html").render(context)
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    # A reset goes to the address the account has, however it was typed.
    msg["To"] = Address(addr_spec=user.email if mail.kind == "password_reset" else mail.to_address)
    msg["Subject"] = delivery._one_line(subject)
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain="continuum.local")
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def _settle(session: Session, mail_id: int, **values) -> None:
    session.execute(update(AccountEmail).where(AccountEmail.id == mail_id)
                    .values(claimed_at=None, **values))
    session.commit()


def send_pending(session: Session, limit: int = 100) -> int:
    """Send what is queued; returns how many emails left."""
    stale = utcnow() - timedelta(seconds=float(current_app.config["EMAIL_CLAIM_TIMEOUT"]))
    session.execute(update(AccountEmail).where(
        AccountEmail.state == "sending", AccountEmail.claimed_at < stale)
        .values(state="pending", claimed_at=None))
    session.commit()
    ids = session.scalars(select(AccountEmail.id).where(AccountEmail.state == "pending")
                          .order_by(AccountEmail.id).limit(limit)).all()
    sent = 0
    for mail_id in ids:
        claimed = session.execute(update(AccountEmail).where(
            AccountEmail.id == mail_id, AccountEmail.state == "pending")
            .values(state="sending", claimed_at=utcnow())).rowcount
        session.commit()
        if not claimed:
            continue  # another mailer has it
        mail = session.get(AccountEmail, mail_id)
        try:
            msg = _message(session, mail)
            session.commit()  # the token exists before its link leaves
            if msg is not None:
                delivery.send_message(msg)
        except Exception:
            session.rollback()
            log.exception("account email %s failed; will retry", mail_id)
            attempts = mail.attempts + 1
            _settle(session, mail_id, attempts=attempts,
                    state="failed" if attempts >= MAX_ATTEMPTS else "pending")
            continue
        _settle(session, mail_id, state="done", sent_at=utcnow() if msg is not None else None)
        sent += msg is not None
    return sent


delivery.add_pass("account_emails", send_pending)
