"""Every model, imported so that metadata (and Alembic) sees them all."""

from .analytics import ActivityDay, AnalyticsCounter, AnalyticsDaily, AskForm, QuestionTimeline
from .base import UTCDateTime, utcnow
from .comment import Comment
from .demand import IdeaDemand, SavedReply
from .draft import Draft
from .email import AccountEmail, EmailToken
from .escalation import Case, CaseEvent, CaseNote, ExpertGroup, GroupMember, ThreadResolution
from .gamification import AmbassadorDecision, BadgeAward, ReputationTally
from .identity import UserIdentity
from .knowledge import ArticleCredit, ArticleRevision
from .ledger import LedgerEntry
from .mailin import MailInMessage
from .moderation import (
    AuditEntry,
    Flag,
    KnowledgeLink,
    ModerationItem,
    Sanction,
    ThreadRedirect,
    WatchedWord,
)
from .notification import DigestSent, Follow, Notification, NotificationPreference, Watch
from .organisation import Organisation
from .people import ErasureJob
from .search import SearchMiss, SearchOutbox
from .site_setting import SiteSetting
from .space import VISIBILITIES, Space
from .tag_counts import tag_count
from .thread import (
    IDEA_STATUSES,
    KINDS,
    QUESTION_STATUSES,
    THREAD_KINDS,
    Post,
    Revision,
    Tag,
    Thread,
    Vote,
    thread_tag,
)
from .upload import Upload, UploadLink
from .user import ROLES, STAFF_ROLES, ApiToken, LoginFailure, User, UserSession, token_digest
from .webhook import Webhook, WebhookDelivery

__all__ = [
    "AccountEmail", "EmailToken",
    "ActivityDay", "AnalyticsCounter", "AnalyticsDaily", "AskForm", "QuestionTimeline",
    "Case", "CaseEvent", "CaseNote", "ExpertGroup", "GroupMember", "ThreadResolution",
    "IDEA_STATUSES", "KINDS", "THREAD_KINDS", "QUESTION_STATUSES", "ROLES", "STAFF_ROLES", "VISIBILITIES",
    "AmbassadorDecision", "ApiToken", "Draft", "ErasureJob", "BadgeAward", "Comment", "LedgerEntry", "ReputationTally", "LoginFailure", "Post", "Revision", "Space", "Tag", "Thread", "UTCDateTime",
    "User", "UserIdentity", "UserSession", "Vote",
    "AuditEntry", "Flag", "KnowledgeLink", "ModerationItem", "Sanction", "ThreadRedirect",
    "WatchedWord", "DigestSent", "Follow", "Notification", "NotificationPreference", "Watch", "SearchMiss", "SearchOutbox", "thread_tag", "token_digest", "utcnow",
    "Organisation", "Webhook", "WebhookDelivery", "IdeaDemand", "SavedReply", "MailInMessage",
    "Upload", "UploadLink", "SiteSetting", "ArticleCredit", "ArticleRevision",
    "tag_count",
]
