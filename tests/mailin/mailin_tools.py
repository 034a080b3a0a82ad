"""Replies built the way mail clients build them, sent over SMTP."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

GMAIL_HEADER = "On Mon, 7 Dec 2026 at 10:00, Continuum <noreply@localhost> wrote:"


def quoted(original: EmailMessage) -> str:
    text = original.get_body(preferencelist=("plain",)).get_content()
    return "\n".join("> " + line if line else ">" for line in text.splitlines())


def gmail_reply(original: EmailMessage, *, sender: str, text: str,
                message_id: str | None = None) -> EmailMessage:
    """A plain-text reply as Gmail writes it: the answer, the attribution, the quote."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = original["Reply-To"]
    msg["Subject"] = "Re: " + original["Subject"]
    msg["In-Reply-To"] = original["Message-ID"]
    msg["Message-ID"] = message_id or make_msgid(domain="mail.example.test")
    msg.set_content(f"{text}\n\n{GMAIL_HEADER}\n\n{quoted(original)}\n")
    return msg


def send(port: int, msg: EmailMessage, *, envelope_from: str | None = None,
         to: str | None = None) -> dict:
    """Send as a mail server would; returns the refused recipients (empty: accepted)."""
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        return client.send_message(msg, from_addr=envelope_from or msg["From"].addresses[0].addr_spec,
                                   to_addrs=[to or str(msg["To"])])
