"""Counting requests against limits on Flask-Limiter's storage, and saying how long to wait.

Flood control (community/moderation/limits.py) and sign-in (community/services/accounts.py)
both test every limit first and count only when none is reached, so a refused request
uses up nothing and the caller is told the longest wait, the one that frees them.
"""

from __future__ import annotations

import math
import time

from flask import current_app
from flask_babel import ngettext
from limits import RateLimitItem, parse_many

from .errors import DomainError
from .extensions import limiter


class RateLimited(DomainError):
    status, code = 429, "rate_limited"

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


Pairs = list[tuple[RateLimitItem, str]]


def enabled() -> bool:
    return bool(limiter.enabled and current_app.config["RATELIMIT_ENABLED"])


def pairs(text: str | None, key: str) -> Pairs:
    """Each limit of ``"6 per minute;30 per hour"`` with the key it counts under."""
    return [(item, key) for item in parse_many(text)] if text else []


def wait(limits: Pairs) -> int:
    """Seconds until every limit has room again; 0 when none is reached."""
    if not limits:
        return 0
    strategy = limiter.limiter
    waits = [0]
    for item, key in limits:
        if not strategy.test(item, key):
            reset, _remaining = strategy.get_window_stats(item, key)
            waits.append(max(1, math.ceil(reset - time.time())))
    return max(waits)


def hit(limits: Pairs) -> None:
    for item, key in limits:
        limiter.limiter.hit(item, key)


def wait_phrase(seconds: int) -> str:
    """"45 seconds", "3 minutes", "2 hours": rounded up, so the caller never comes back early."""
    if seconds < 60:
        return ngettext("%(num)s second", "%(num)s seconds", seconds)
    if seconds < 2 * 3600:
        return ngettext("%(num)s minute", "%(num)s minutes", math.ceil(seconds / 60))
    return ngettext("%(num)s hour", "%(num)s hours", math.ceil(seconds / 3600))
