"""The SMTP side of `community mail-in`: an aiosmtpd handler that checks each reply
address at RCPT and hands the message to ``receive`` at DATA.

Database work runs on the event loop's thread pool, each message in its own app context
and session, so a slow write never stalls the other conversations. An unexpected error
is a temporary refusal (451): the sending server tries again, and the Message-ID keeps
a retry from posting twice.
"""

from __future__ import annotations

import asyncio
import logging

from aiosmtpd.controller import Controller

from ..extensions import db
from . import receive

log = logging.getLogger(__name__)
TEMPORARY = "451 4.3.0 Temporary failure: try again later"


class ReplyHandler:
    def __init__(self, app):
        self.app = app

    async def _run(self, fn, *args) -> str:
        try:
            return await asyncio.get_running_loop().run_in_executor(None, fn, *args)
        except Exception:
            log.exception("mail-in: a message could not be handled")
            return TEMPORARY

    def _check(self, address: str) -> str | None:
        with self.app.app_context():
            verdict = receive.check_recipient(address)
        return verdict.line if verdict else None

    def _receive(self, mail_from: str, rcpt: str, content: bytes) -> str:
        with self.app.app_context():
            try:
                verdict = receive.receive(db.session, mail_from=mail_from, rcpt=rcpt,
                                          content=content)
            finally:
                db.session.remove()
        log.info("mail-in: %s from %s: %s", rcpt.partition("@")[2], mail_from, verdict.line)
        return verdict.line

    async def handle_RCPT(self, server, session, envelope, address, _rcpt_options):
        if envelope.rcpt_tos:
            # One reply per message: a second address is tried again on its own.
            return "452 4.5.3 One reply address per message"
        refused = await self._run(self._check, address)
        if refused:
            return refused
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        return await self._run(self._receive, envelope.mail_from or "", envelope.rcpt_tos[0],
                               envelope.original_content or envelope.content)


def controller(app, host: str, port: int) -> Controller:
    """The listener (``start()``/``stop()``): its SIZE is MAIL_IN_MAX_BYTES, so a message
    announced as bigger is refused before it is sent."""
    return Controller(ReplyHandler(app), hostname=host, port=port,
                      data_size_limit=int(app.config["MAIL_IN_MAX_BYTES"]),
                      server_hostname=app.config["MAIL_REPLY_DOMAIN"] or "localhost")
