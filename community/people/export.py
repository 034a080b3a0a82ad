"""Export (GDPR articles 15 and 20): everything an account wrote and everything stored
about it, as one JSON-ready document.

One query per kind of record, whatever their number. Nothing about other people: no
actor of a notification, no author of a sanction, no other address; a post carries the
title of its thread only while the owner may still read that thread.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from .. import permissions as perm
from ..models import (
    AccountEmail,
    AmbassadorDecision,
    ApiToken,
    BadgeAward,
    Comment,
    DigestSent,
    Draft,
    Flag,
    Follow,
    LedgerEntry,
    LoginFailure,
    Notification,
    NotificationPreference,
    Organisation,
    Post,
    Revision,
    Sanction,
    Space,
    Tag,
    Thread,
    User,
    UserIdentity,
    UserSession,
    Vote,
    Watch,
    thread_tag,
)

FORMAT = "continuum-export/1"
QUEUED_EMAIL = ("pending", "digest", "sending")


def _plain(value):
    return value.isoformat() if isinstance(value, datetime | date) else value


def _rows(session: Session, *columns, where, order) -> list[dict]:
    stmt = select(*columns).where(*where).order_by(*order)
    return [{k: _plain(v) for k, v in row._mapping.items()} for row in session.execute(stmt)]


def export_account(session: Session, user: User) -> dict:
    uid = user.id
    readable = perm.thread_filter(user)
    title = case((readable, Thread.title), else_=None).label("thread_title")
    threads = _rows(session, Thread.id, Space.slug.label("space"), Thread.kind, Thread.title,
                    Thread.body, Thread.score, Thread.idea_status, Thread.created_at,
                    Thread.edited_at, Thread.deleted_at,
                    where=[Thread.author_id == uid, Space.id == Thread.space_id],
                    order=[Thread.id])
    tags: dict[int, list[str]] = {}
    for thread_id, name in session.execute(
            select(thread_tag.c.thread_id, Tag.name).join(Tag, Tag.id == thread_tag.c.tag_id)
            .join(Thread, Thread.id == thread_tag.c.thread_id)
            .where(Thread.author_id == uid).order_by(Tag.name)):
        tags.setdefault(thread_id, []).append(name)
    for row in threads:
        row["tags"] = tags.get(row["id"], [])
    notifications = _rows(session, Notification.id, Notification.verb, Notification.thread_id,
                          Notification.post_id, Notification.data, Notification.created_at,
                          Notification.read_at, Notification.email_state, Notification.in_app,
                          where=[Notification.user_id == uid], order=[Notification.id])
    return {
        "format": FORMAT,
        "profile": {k: _plain(getattr(user, k)) for k in (
            "id", "username", "display_name", "email", "role", "reputation", "is_ambassador",
            "locale", "external_id", "created_at", "last_seen_at", "email_verified_at",
            "timezone", "bio", "avatar_version")},
        # The customer organisation the account belongs to (it sets how fast its cases
        # are due): its name and tier, nothing about its other members.
        "organisation": next(iter(_rows(session, Organisation.name, Organisation.tier,
                                        where=[Organisation.id == user.organisation_id],
                                        order=[Organisation.id])), None),
        # Single sign-on: which provider's account signs in here.
        "identities": _rows(session, UserIdentity.issuer, UserIdentity.subject,
                            UserIdentity.created_at, UserIdentity.last_sign_in_at,
                            where=[UserIdentity.user_id == uid], order=[UserIdentity.id]),
        # Account emails (reset, verification, change notices): never the link's token.
        "account_emails": _rows(session, AccountEmail.kind, AccountEmail.to_address,
                                AccountEmail.state, AccountEmail.created_at,
                                AccountEmail.sent_at, where=[AccountEmail.user_id == uid],
                                order=[AccountEmail.id]),
        "threads": threads,
        "posts": _rows(session, Post.id, Post.thread_id, title, Post.body, Post.score,
                       Post.is_official, Post.created_at, Post.edited_at, Post.deleted_at,
                       where=[Post.author_id == uid, Thread.id == Post.thread_id],
                       order=[Post.id]),
        # Unposted text of the ask form and answer boxes (key: "new:<space id>" or
        # "thread:<id>"): ids only, never the title of a thread.
        "drafts": _rows(session, Draft.key, Draft.thread_id, Draft.space_id, Draft.title,
                        Draft.body, Draft.updated_at, where=[Draft.user_id == uid],
                        order=[Draft.id]),
        "comments": _rows(session, Comment.id, Comment.thread_id, Comment.post_id, Comment.body,
                          Comment.created_at, where=[Comment.author_id == uid],
                          order=[Comment.id]),
        "revisions": _rows(session, Revision.id, Revision.thread_id, Revision.post_id,
                           Revision.title, Revision.body, Revision.tags, Revision.created_at,
                           where=[Revision.editor_id == uid], order=[Revision.id]),
        "votes": _rows(session, Vote.target_type, Vote.target_id, Vote.value, Vote.created_at,
                       where=[Vote.user_id == uid], order=[Vote.id]),
        "ledger": _rows(session, LedgerEntry.points, LedgerEntry.reason, LedgerEntry.thread_id,
                        LedgerEntry.post_id, LedgerEntry.created_at,
                        where=[LedgerEntry.user_id == uid], order=[LedgerEntry.id]),
        "badges": _rows(session, BadgeAward.badge, BadgeAward.thread_id, BadgeAward.post_id,
                        BadgeAward.awarded_at, where=[BadgeAward.user_id == uid],
                        order=[BadgeAward.id]),
        "notifications": notifications,
        "email_queue": [n for n in notifications if n["email_state"] in QUEUED_EMAIL],
        "notification_preferences": _rows(
            session, NotificationPreference.verb, NotificationPreference.in_app,
            NotificationPreference.email, where=[NotificationPreference.user_id == uid],
            order=[NotificationPreference.verb]),
        "digests_sent": _rows(session, DigestSent.day, DigestSent.created_at,
                              where=[DigestSent.user_id == uid], order=[DigestSent.day]),
        "follows": _rows(session, Follow.target_type, Follow.target_id, Follow.active,
                         Follow.created_at, where=[Follow.user_id == uid], order=[Follow.id]),
        "watches": _rows(session, Watch.id, Watch.query, Watch.tags, Watch.space_ids,
                         Watch.created_at, where=[Watch.user_id == uid], order=[Watch.id]),
        "flags_raised": _rows(session, Flag.target_type, Flag.target_id, Flag.reason, Flag.note,
                              Flag.state, Flag.created_at, where=[Flag.user_id == uid],
                              order=[Flag.id]),
        "sanctions": _rows(session, Sanction.kind, Sanction.reason, Sanction.starts_at,
                           Sanction.ends_at, Sanction.lifted_at, where=[Sanction.user_id == uid],
                           order=[Sanction.id]),
        "ambassador_decisions": _rows(
            session, AmbassadorDecision.decision, AmbassadorDecision.created_at,
            AmbassadorDecision.review_due_at, where=[AmbassadorDecision.user_id == uid],
            order=[AmbassadorDecision.id]),
        "sessions": _rows(session, UserSession.created_at, UserSession.revoked_at, UserSession.ip,
                          where=[UserSession.user_id == uid], order=[UserSession.id]),
        # Metadata only: the hash of a token is a credential too.
        "api_tokens": _rows(session, ApiToken.id, ApiToken.created_at, ApiToken.revoked_at,
                            where=[ApiToken.user_id == uid], order=[ApiToken.id]),
        "failed_sign_ins": [r["created_at"] for r in _rows(
            session, LoginFailure.created_at, where=[LoginFailure.user_id == uid],
            order=[LoginFailure.id])],
    }
