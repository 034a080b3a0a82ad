"""A reply by email becomes an answer (or a staff member's internal note on the case),
through the same services, permission checks, flood limits and moderation as the web.

Everything refused is refused in the SMTP conversation (the sending server tells its
user), and nothing is written then: a forged, damaged or expired reply address, a
sender that is not the address's owner, a message over MAIL_IN_MAX_BYTES, one without
text, one its owner may no longer post (thread gone private or locked, account
sanctioned), one the content rules refuse. A flood is a temporary refusal (451): the
sending server tries again later. Automatic answers (out of office…) are refused too.
The reason is said in the owner's language, folded to
ASCII as SMTP replies must be, once the address and the sender are known to be theirs;
before that, in English and without detail.
"""

from __future__ import annotations

import email
import hashlib
import unicodedata
from dataclasses import dataclass
from email import policy

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import permissions as perm
from ..errors import DomainError, NotFound
from ..escalation import cases
from ..models import MailInMessage, Thread, User
from ..moderation import limits
from ..moderation import threads as moderated_threads
from ..notifications import reply_address
from ..services import screening, threads
from . import message, quotes


@dataclass(frozen=True)
class Verdict:
    code: int
    text: str

    @property
    def line(self) -> str:
        """The SMTP reply."""
        return f"{self.code} {self.text}"


UNKNOWN = Verdict(550, "5.1.1 No such reply address")
EXPIRED = Verdict(550, "5.7.1 This reply address has expired: answer on the site")


def check_recipient(address: str) -> Verdict | None:
    """At RCPT: None when ``address`` is a valid reply address."""
    try:
        reply_address.parse(address)
    except reply_address.BadReplyAddress as exc:
        return EXPIRED if exc.reason == "expired" else UNKNOWN
    return None


def _ascii(text: str) -> str:
    """One line of printable ASCII: "Réponse « refusée »" -> 'Reponse "refusee"'."""
    for fancy, plain in (("“", '"'), ("”", '"'), ("«", '"'), ("»", '"'), ("’", "'"),
                         ("‘", "'"), ("…", "...")):
        text = text.replace(fancy, plain)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())[:400]


def _reason(exc: DomainError) -> str:
    details = [m for messages in exc.fields.values() for m in messages]
    return " ".join([exc.message, *details])


def _same_sender(owner: str, mail_from: str, msg) -> bool:
    """The envelope sender and the one From address are both the owner's address."""
    owner = owner.casefold()
    if (mail_from or "").strip().strip("<>").casefold() != owner:
        return False
    try:
        addresses = msg["From"].addresses if msg["From"] is not None else ()
    except (AttributeError, IndexError, ValueError):
        return False
    return len(addresses) == 1 and addresses[0].addr_spec.casefold() == owner


def _automatic(msg) -> bool:
    """An out-of-office or other automatic answer (RFC 3834 and the usual headers) is not
    something its owner wrote for the thread."""
    auto = str(msg.get("Auto-Submitted") or "no").strip().lower()
    precedence = str(msg.get("Precedence") or "").strip().lower()
    return (auto != "no" or precedence in ("bulk", "junk", "auto_reply", "list")
            or any(msg.get(h) for h in ("X-Autoreply", "X-Autorespond", "X-Autoresponder")))


def _message_key(msg, content: bytes) -> str:
    """A digest of the Message-ID; without one, of the message itself (a re-delivery
    repeats the same bytes)."""
    message_id = str(msg.get("Message-ID") or "").strip()
    return hashlib.sha256(message_id.encode() if message_id else content).hexdigest()


def _locale(user: User) -> str:
    langs = current_app.config["LANGUAGES"]
    return user.locale if user.locale in langs else current_app.config["BABEL_DEFAULT_LOCALE"]


def _post(session: Session, user: User, token: reply_address.ReplyToken, text: str) -> str:
    """Post the reply; returns what it became ("post", "held" or "note")."""
    thread_id = token.thread_id
    if (target := moderated_threads.redirect_target(session, thread_id)) is not None:
        thread_id = target  # merged since the email left: the reply goes where the thread went
    thread = session.get(Thread, thread_id)
    if thread is None:
        raise NotFound(_("This thread does not exist."))
    if token.kind == "note":
        perm.check_case_access(user)
        perm.check_not_silenced(user)
        case = cases.latest_case(session, thread.id)
        if case is None:
            raise NotFound(_("This case does not exist."))
        cases.add_note(session, case, by=user, body=text)
        return "note"
    limits.check_account("post", user)
    with screening.written_by_person():
        post = threads.create_post(session, thread, by=user, body=text)
    return "held" if perm.is_held(post) else "post"


def receive(session: Session, *, mail_from: str, rcpt: str, content: bytes) -> Verdict:
    """Handle one message for one reply address; commits what it posts."""
    if len(content) > int(current_app.config["MAIL_IN_MAX_BYTES"]):
        return Verdict(552, "5.3.4 Message too big")
    try:
        token = reply_address.parse(rcpt)
    except reply_address.BadReplyAddress as exc:
        return EXPIRED if exc.reason == "expired" else UNKNOWN
    user = session.get(User, token.user_id)
    if user is None or user.erased_at is not None or not user.email:
        return UNKNOWN
    msg = email.message_from_bytes(content, policy=policy.default)
    if not _same_sender(user.email, mail_from, msg):
        return Verdict(550, "5.7.1 The sender does not own this reply address")
    if _automatic(msg):
        return Verdict(550, "5.7.1 Automatic replies are not posted")
    key = _message_key(msg, content)
    if session.scalar(select(MailInMessage.id).where(MailInMessage.user_id == user.id,
                                                     MailInMessage.message_key == key)):
        return Verdict(250, "2.0.0 Already received")
    text = quotes.strip_reply(message.body_text(msg))
    with force_locale(_locale(user)):
        if not text.strip():
            return Verdict(554, "5.6.0 " + _ascii(_(
                "There is no text to post in this message (attachments are not read).")))
        try:
            outcome = _post(session, user, token, text)
            session.add(MailInMessage(user_id=user.id, message_key=key,
                                      thread_id=token.thread_id, outcome=outcome))
            session.commit()
        except limits.RateLimited as exc:
            session.rollback()
            return Verdict(451, "4.7.1 " + _ascii(exc.message))
        except DomainError as exc:
            session.rollback()
            return Verdict(550, "5.7.1 " + _ascii(_reason(exc)))
        except IntegrityError:  # the same message, delivered twice at once
            session.rollback()
            return Verdict(250, "2.0.0 Already received")
        done = {"post": _("Posted."), "note": _("Internal note added to the case."),
                "held": _("Received: it awaits a moderator's approval.")}[outcome]
    return Verdict(250, "2.0.0 " + _ascii(done))
