"""Erasure (GDPR article 17): an account is anonymised at once; its contributions stay
under a neutral placeholder name, or are removed by a durable job when asked.

The placeholder is both the username and the display name (``deleted-<hex>``): a code,
not a word, so it reads the same in every language and nobody can hold it already.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, delete, or_, select, union, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from .. import permissions as perm
from ..errors import NotFound, PermissionDenied, ValidationFailed
from ..events import AccountErased, emit
from ..models import (
    AccountEmail,
    ApiToken,
    AuditEntry,
    Comment,
    DigestSent,
    Draft,
    EmailToken,
    ErasureJob,
    Follow,
    LoginFailure,
    Notification,
    NotificationPreference,
    Post,
    ReputationTally,
    Revision,
    Thread,
    User,
    UserIdentity,
    UserSession,
    Watch,
    token_digest,
    utcnow,
)
from ..moderation import audit, queue
from ..services import profile
from .admin import refuse_last_admin

log = logging.getLogger(__name__)

RECENT_SIGN_IN = timedelta(minutes=15)
REMOVED_TITLE = "—"


def confirm_identity(session: Session, user: User, password: str | None) -> None:
    """The account's password, or (for an account without one) a sign-in of the last
    few minutes: a borrowed unlocked browser must not be able to erase someone."""
    if user.password_hash is not None:
        if not password or not check_password_hash(user.password_hash, password):
            raise ValidationFailed(_("The account was not erased."), {
                "password": [_("This is not your password.")]})
        return
    started = session.scalar(select(UserSession.created_at).where(
        UserSession.key_hash == token_digest(user.session_key or ""),
        UserSession.revoked_at.is_(None))) if user.session_key else None
    if started is None or started < utcnow() - RECENT_SIGN_IN:
        raise PermissionDenied(_("Sign in again, then erase the account within 15 minutes."))


def _placeholder(session: Session) -> str:
    while True:
        name = f"deleted-{secrets.token_hex(5)}"
        if session.scalar(select(User.id).where(User.username_lower == name)) is None:
            return name


def _threads_written_in(session: Session, user_id: int) -> tuple[int, ...]:
    ids = union(select(Thread.id).where(Thread.author_id == user_id),
                select(Post.thread_id).where(Post.author_id == user_id),
                select(Comment.thread_id).where(Comment.author_id == user_id))
    return tuple(sorted(session.scalars(select(ids.subquery().c[0]))))


def erase_account(session: Session, target: User, *, by: User, erase_content: bool = False,
                  reason: str | None = None) -> ErasureJob | None:
    """Anonymise ``target`` now; with ``erase_content``, the job that removes what it
    wrote (run it with ``run_job``; the worker retries it if this process dies)."""
    perm.check_erase_account(by, target)
    if target.erased_at is not None:
        raise NotFound(_("This person does not exist."))
    refuse_last_admin(session, target, _(
        "The last administrator's account cannot be erased: make someone else an "
        "administrator first."))
    uid, now = target.id, utcnow()
    thread_ids = _threads_written_in(session, uid)
    name = _placeholder(session)
    # Credentials first: every browser, token, emailed link, single sign-on identity and
    # (after commit) socket ends.
    for model in (UserSession, ApiToken, EmailToken, AccountEmail, UserIdentity, LoginFailure,
                  Notification, Follow, Watch, NotificationPreference, DigestSent,
                  ReputationTally, Draft):
        session.execute(delete(model).where(model.user_id == uid))
    target.username = target.username_lower = target.display_name = name
    target.email = target.password_hash = target.locale = target.external_id = None
    target.email_verified_at = target.timezone = target.bio = target.bio_html = None
    profile.remove_avatar(session, target)
    target.role, target.is_ambassador = "member", False
    # Membership ties a person to their employer: an anonymised account belongs nowhere
    # (its cases keep the deadlines they were given).
    target.organisation_id = None
    target.last_seen_at, target.erased_at = None, now
    # Earlier audit lines named the account in their data; the id is enough now.
    for entry in session.scalars(select(AuditEntry).where(
            AuditEntry.target_type == "user", AuditEntry.target_id == uid)):
        if "username" in (entry.data or {}):
            entry.data = {**entry.data, "username": name}
    audit.record(session, actor_id=by.id, action="account_erase", target_type="user",
                 target_id=uid, reason=reason, username=name, by_self=by.id == uid,
                 erase_content=erase_content)
    job = None
    if erase_content:
        job = ErasureJob(user_id=uid, created_at=now)
        session.add(job)
    session.flush()
    emit(session, AccountErased(user_id=uid, thread_ids=thread_ids))
    return job


def remove_content(session: Session, user_id: int) -> None:
    """Hide and blank everything ``user_id`` wrote. Idempotent: a retry redoes nothing."""
    for post in session.scalars(select(Post).where(Post.author_id == user_id,
                                                   Post.deleted_at.is_(None))):
        queue.hide(session, post, by_id=None)
    for thread in session.scalars(select(Thread).where(Thread.author_id == user_id,
                                                       Thread.deleted_at.is_(None))):
        queue.hide(session, thread, by_id=None)
    own_posts = select(Post.id).where(Post.author_id == user_id)
    own_threads = select(Thread.id).where(Thread.author_id == user_id)
    session.execute(delete(Revision).where(or_(
        Revision.post_id.in_(own_posts),
        and_(Revision.post_id.is_(None), Revision.thread_id.in_(own_threads)))))
    session.execute(delete(Comment).where(Comment.author_id == user_id))
    session.execute(update(Post).where(Post.author_id == user_id).values(body="", body_html=""))
    for thread in session.scalars(select(Thread).where(Thread.author_id == user_id)):
        # Through the ORM, so the search outbox's flush hook sees the change.
        thread.title, thread.body, thread.body_html = REMOVED_TITLE, "", ""
    session.flush()


def run_job(session: Session, job_id: int) -> bool:
    """Do one pending job in the caller's transaction; False if it was already done."""
    job = session.get(ErasureJob, job_id)
    if job is None or job.done_at is not None:
        return False
    remove_content(session, job.user_id)
    job.done_at = utcnow()
    return True


def finish_now(session: Session, job: ErasureJob | None) -> str:
    """After the erasure's commit: remove the content at once when asked ("done"); if
    that fails the job stays for the worker ("queued"). Commits."""
    if job is None:
        return "none"
    try:
        run_job(session, job.id)
        session.commit()
    except Exception:
        session.rollback()
        log.exception("erasure job %s left to the worker", job.id)
        return "queued"
    return "done"


def drain_jobs(session: Session, *, max_attempts: int) -> int:
    """Every pending job, each in its own transaction; a failure is counted and logged,
    and the job stays for the next round until ``max_attempts``. Commits."""
    done = 0
    pending = list(session.scalars(select(ErasureJob.id).where(
        ErasureJob.done_at.is_(None), ErasureJob.attempts < max_attempts)
        .order_by(ErasureJob.id)))
    session.commit()
    for job_id in pending:
        try:
            done += run_job(session, job_id)
            session.commit()
        except Exception:
            session.rollback()
            log.exception("erasure job %s failed", job_id)
            session.execute(update(ErasureJob).where(ErasureJob.id == job_id)
                            .values(attempts=ErasureJob.attempts + 1))
            session.commit()
    return done
