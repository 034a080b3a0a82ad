"""Every model, imported so that metadata (and Alembic) sees them all."""

from .base import UTCDateTime, utcnow
from .ledger import LedgerEntry
from .space import VISIBILITIES, Space
from .thread import (
    IDEA_STATUSES,
    KINDS,
    QUESTION_STATUSES,
    Post,
    Revision,
    Tag,
    Thread,
    Vote,
    thread_tag,
)
from .user import ROLES, STAFF_ROLES, ApiToken, LoginFailure, User, UserSession, token_digest

__all__ = [
    "IDEA_STATUSES", "KINDS", "QUESTION_STATUSES", "ROLES", "STAFF_ROLES", "VISIBILITIES",
    "ApiToken", "LedgerEntry", "LoginFailure", "Post", "Revision", "Space", "Tag", "Thread", "UTCDateTime",
    "User", "UserSession", "Vote", "thread_tag", "token_digest", "utcnow",
]
