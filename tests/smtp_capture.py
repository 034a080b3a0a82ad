"""An SMTP server's handler (aiosmtpd) that keeps what it receives, parsed, for the tests
that follow an email end to end (tests/accounts, tests/mailin)."""

from __future__ import annotations

import email
import email.policy
import socket
import threading


class Mailbox:
    """What the SMTP server received, parsed."""

    def __init__(self):
        self.messages: list = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 Message accepted"

    def to(self, address: str) -> list:
        with self._lock:
            return [m for rcpt, m in self.messages if address in rcpt]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
