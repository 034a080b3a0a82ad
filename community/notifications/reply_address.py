"""Reply addresses: reply+<token>@<MAIL_REPLY_DOMAIN>, one per recipient and thread.

The token is signed, not stored: an HMAC-SHA256 (keyed from SECRET_KEY, truncated to
80 bits: forging one takes 2^80 guesses at an SMTP listener) over a packed payload of
the kind (answer or internal note), the recipient's id, the thread's id and the hour it
expires. Packed as variable-length integers and written in lowercase base32, it stays
near 40 characters (a local part may have 64) and survives MTAs that lowercase local
parts. Who may still post with it is decided when a reply arrives, not here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from ..models import utcnow

PREFIX = "reply+"
KINDS = ("answer", "note")
_MAC_BYTES = 10


class BadReplyAddress(Exception):
    """``reason`` is "unknown" (not one of ours, forged or damaged) or "expired"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ReplyToken:
    kind: str
    user_id: int
    thread_id: int


def enabled() -> bool:
    return bool(current_app.config["MAIL_REPLY_DOMAIN"])


def _key() -> bytes:
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, b"continuum.mail-reply.v1", hashlib.sha256).digest()


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _read_varints(data: bytes) -> list[int]:
    values, value, shift = [], 0, 0
    for byte in data:
        value |= (byte & 0x7F) << shift
        shift += 7
        if shift > 63:
            raise BadReplyAddress("unknown")
        if not byte & 0x80:
            values.append(value)
            value, shift = 0, 0
    if shift:
        raise BadReplyAddress("unknown")
    return values


def _hours(when: datetime) -> int:
    return int(when.timestamp() // 3600)


def token(user_id: int, thread_id: int, *, kind: str = "answer",
          now: datetime | None = None) -> str:
    days = int(current_app.config["MAIL_REPLY_TOKEN_DAYS"])
    expires = _hours((now or utcnow()) + timedelta(days=days)) + 1
    payload = b"".join(_varint(v) for v in (KINDS.index(kind), user_id, thread_id, expires))
    mac = hmac.new(_key(), payload, hashlib.sha256).digest()[:_MAC_BYTES]
    return base64.b32encode(payload + mac).decode().rstrip("=").lower()


def address(user_id: int, thread_id: int, *, kind: str = "answer",
            now: datetime | None = None) -> str:
    domain = current_app.config["MAIL_REPLY_DOMAIN"]
    return f"{PREFIX}{token(user_id, thread_id, kind=kind, now=now)}@{domain}"


def parse(addr: str, *, now: datetime | None = None) -> ReplyToken:
    """The token of a reply address, or BadReplyAddress."""
    domain = (current_app.config["MAIL_REPLY_DOMAIN"] or "").casefold()
    local, _, host = (addr or "").strip().strip("<>").rpartition("@")
    if not domain or host.casefold() != domain or not local.casefold().startswith(PREFIX):
        raise BadReplyAddress("unknown")
    raw = local[len(PREFIX):].upper()
    if not raw or len(raw) > 64 or not raw.isalnum():
        raise BadReplyAddress("unknown")
    try:
        data = base64.b32decode(raw + "=" * (-len(raw) % 8))
    except ValueError:
        raise BadReplyAddress("unknown") from None
    # The last character carries unused bits: without this, several spellings of
    # one address would be accepted, and a one-letter change could still match.
    if base64.b32encode(data).decode().rstrip("=") != raw:
        raise BadReplyAddress("unknown")
    payload, mac = data[:-_MAC_BYTES], data[-_MAC_BYTES:]
    expected = hmac.new(_key(), payload, hashlib.sha256).digest()[:_MAC_BYTES]
    if len(data) <= _MAC_BYTES or not hmac.compare_digest(mac, expected):
        raise BadReplyAddress("unknown")
    values = _read_varints(payload)
    if len(values) != 4 or values[0] >= len(KINDS):
        raise BadReplyAddress("unknown")
    kind, user_id, thread_id, expires = values
    if _hours(now or utcnow()) >= expires:
        raise BadReplyAddress("expired")
    return ReplyToken(KINDS[kind], user_id, thread_id)
