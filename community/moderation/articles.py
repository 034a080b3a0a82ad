"""Knowledge articles: threads of kind ``article`` written by staff from a solved
question. Every edit is a new version (``article_revision``); the people the article
was written from are credited (``article_credit``)."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import names
from .. import permissions as perm
from ..errors import Conflict, NotFound, ValidationFailed
from ..events import ThreadEdited, emit
from ..models import (
    ArticleCredit,
    ArticleRevision,
    KnowledgeLink,
    Post,
    Space,
    Thread,
    User,
    utcnow,
)
from ..rendering import render_markdown
from . import audit


def prefilled_body(session: Session, thread: Thread) -> str:
    """What the confirmation form starts from: the question, then the accepted answer."""
    accepted = session.get(Post, thread.accepted_post_id) if thread.accepted_post_id else None
    parts = [thread.body.strip()]
    if accepted is not None and accepted.deleted_at is None:
        parts.append(accepted.body.strip())
    return "\n\n---\n\n".join(p for p in parts if p)


def other_answers(session: Session, thread: Thread) -> list[Post]:
    """Visible answers besides the accepted one whose authors may also be credited."""
    return list(session.scalars(
        select(Post).where(Post.thread_id == thread.id, Post.deleted_at.is_(None),
                           Post.merged_title.is_(None),
                           Post.id != (thread.accepted_post_id or 0))
        .order_by(Post.score.desc(), Post.id)))


def spaces_for(session: Session, user) -> list[Space]:
    """The spaces a staff member may put an article in, in the site's order."""
    rows = session.scalars(select(Space).where(perm.space_filter(user))
                           .order_by(Space.position, Space.name))
    return [s for s in rows if perm.can_post_in_space(user, s)]


def target_space(session: Session, user, slug: str) -> Space:
    """The space picked for an article; empty, unknown or closed to the person is an
    error naming the field (never a 404 page)."""
    space = session.scalar(select(Space).where(Space.slug == (slug or "").strip()))
    if space is None or not perm.can_post_in_space(user, space):
        message = (_("Choose the space the article goes in.") if not (slug or "").strip()
                   else _("Choose a space you can post in."))
        raise ValidationFailed(message, {"space": [message]})
    return space


def check_text(title: str, body: str) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    title = names.check_line(errors, "title", title or "").strip()
    for field, value, (lo, hi) in (("title", title, current_app.config["TITLE_LENGTH"]),
                                   ("body", body, current_app.config["BODY_LENGTH"])):
        length = len((value or "").strip())
        if length < lo:
            errors.setdefault(field, []).append(_("Write at least %(n)s characters.", n=lo))
        elif length > hi:
            errors.setdefault(field, []).append(_("Write at most %(n)s characters.", n=hi))
    if errors:
        raise ValidationFailed(_("The article could not be saved."), errors)
    return title, body


def record_credits(session: Session, article: Thread, source: Thread,
                   credited_post_ids: list[int] | tuple = ()) -> None:
    """The asker first, then the accepted answer's author, then the chosen answers'."""
    wanted = set(credited_post_ids or ())
    posts = [p for p in other_answers(session, source) if p.id in wanted]
    accepted = session.get(Post, source.accepted_post_id) if source.accepted_post_id else None
    rows: list[tuple[int, str, int | None]] = [(source.author_id, "asker", None)]
    if accepted is not None:
        rows.append((accepted.author_id, "answerer", accepted.id))
    rows += [(p.author_id, "answerer", p.id) for p in posts]
    seen: set[int] = set()
    for user_id, role, post_id in rows:
        if user_id in seen:
            continue
        seen.add(user_id)
        session.add(ArticleCredit(article_id=article.id, user_id=user_id, role=role,
                                  position=len(seen) - 1, post_id=post_id))


def first_version(session: Session, article: Thread, *, by: User) -> None:
    session.add(ArticleRevision(article_id=article.id, version=1, title=article.title,
                                body=article.body, editor_id=by.id, note=""))


def latest_version(session: Session, article: Thread) -> int:
    return session.scalar(select(func.max(ArticleRevision.version))
                          .where(ArticleRevision.article_id == article.id)) or 0


def edit(session: Session, article: Thread, *, by: User, title: str | None = None,
         body: str | None = None, note: str = "", base_version: int | None = None
         ) -> ArticleRevision | None:
    """A new version of ``article`` (None when nothing changed). ``base_version`` is the
    version the editor started from: someone else's newer version is a Conflict, never
    silently overwritten."""
    perm.check_edit_article(by, article)
    title, body = check_text(article.title if title is None else title,
                             article.body if body is None else body)
    current = latest_version(session, article)
    if base_version is not None and base_version != current:
        raise Conflict(_("Someone else edited this article since you opened it: "
                         "reload it to see version %(n)s.", n=current))
    if title == article.title and body == article.body:
        return None
    revision = ArticleRevision(article_id=article.id, version=current + 1, title=title,
                               body=body, editor_id=by.id, note=(note or "").strip())
    try:
        with session.begin_nested():
            session.add(revision)
    except IntegrityError:  # another edit took this version number first
        raise Conflict(_("Someone else edited this article since you opened it: "
                         "reload it to see version %(n)s.", n=current + 1)) from None
    article.title, article.body, article.body_html = title, body, render_markdown(body)
    article.edited_at = utcnow()
    session.flush()
    audit.record(session, actor_id=by.id, action="article_edit", target_type="thread",
                 target_id=article.id, version=revision.version)
    emit(session, ThreadEdited(thread_id=article.id, editor_id=by.id))
    return revision


def article_or_404(session: Session, user, article_id: int) -> Thread:
    """An article the reader may read (unreadable, deleted or not an article: a 404)."""
    thread = session.get(Thread, article_id)
    if thread is None or thread.kind != "article":
        raise NotFound(_("This article does not exist."))
    return perm.require_thread_to_view(user, thread)


def revisions(session: Session, article: Thread) -> list[ArticleRevision]:
    """Every version, newest first."""
    return list(session.scalars(select(ArticleRevision)
                                .where(ArticleRevision.article_id == article.id)
                                .order_by(ArticleRevision.version.desc())))


def revision(session: Session, article: Thread, version: int) -> ArticleRevision:
    row = session.scalar(select(ArticleRevision).where(ArticleRevision.article_id == article.id,
                                                       ArticleRevision.version == version))
    if row is None:
        raise NotFound(_("This version does not exist."))
    return row


def credits(session: Session, article: Thread) -> list[ArticleCredit]:
    return list(session.scalars(select(ArticleCredit)
                                .where(ArticleCredit.article_id == article.id)
                                .order_by(ArticleCredit.position)))


def source_of(session: Session, user, article: Thread) -> Thread | None:
    """The question the article was written from, when the reader may read it."""
    link = session.get(KnowledgeLink, article.id)
    source = session.get(Thread, link.source_id) if link else None
    return source if source is not None and perm.can_read_thread(user, source) else None
