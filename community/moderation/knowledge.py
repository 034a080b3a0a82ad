"""Knowledge curation: official answers, knowledge articles, edit history with diffs."""

from __future__ import annotations

import difflib

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import permissions as perm
from ..errors import Conflict, ValidationFailed
from ..models import KnowledgeLink, Post, Revision, Space, Thread, User
from . import articles, audit


def mark_official(session: Session, post: Post, *, by: User, official: bool = True) -> Post:
    perm.check_mark_official(by, post)
    if post.is_official != official:
        post.is_official = official
        session.flush()
        audit.record(session, actor_id=by.id, action="official" if official else "unofficial",
                     target_type="post", target_id=post.id, thread_id=post.thread_id)
    return post


def promote(session: Session, thread: Thread, *, by: User, space: Space,
            title: str | None = None, body: str | None = None,
            credited_post_ids: list[int] | tuple = ()) -> Thread:
    """A knowledge article (thread kind ``article``) in ``space`` written from a solved
    question: its text (the question and accepted answer unless the staff member wrote
    it over) is version 1; the asker, the accepted answer's author and any other answer's
    author chosen are credited; the question links to it."""
    perm.check_promote(by, thread)
    if thread.kind != "question" or thread.status != "solved":
        raise ValidationFailed(_("Only a solved thread can become a knowledge article."),
                               {"thread": [_("Accept an answer first.")]})
    if session.scalar(select(KnowledgeLink).where(KnowledgeLink.source_id == thread.id)):
        raise Conflict(_("This thread is already a knowledge article."))
    from ..services import threads as thread_service

    title, body = articles.check_text(title or thread.title,
                                      body if body is not None
                                      else articles.prefilled_body(session, thread))
    article = thread_service.create_thread(
        session, space, by=by, kind="article", title=title, body=body,
        tags=[t.name for t in thread.tags], discard_draft=False)
    session.add(KnowledgeLink(article_id=article.id, source_id=thread.id, promoted_by_id=by.id))
    articles.first_version(session, article, by=by)
    articles.record_credits(session, article, thread, credited_post_ids)
    session.flush()
    audit.record(session, actor_id=by.id, action="knowledge_promote", target_type="thread",
                 target_id=thread.id, article=article.id, space=space.slug)
    return article


def links(session: Session, thread: Thread, reader=None) -> dict:
    """{"article": id, "article_title": …} on a source thread (when ``reader`` may read
    the article), {"source": id} on an article."""
    out = {}
    row = session.scalar(select(KnowledgeLink).where(KnowledgeLink.source_id == thread.id))
    article = session.get(Thread, row.article_id) if row else None
    if article is not None and perm.can_read_thread(reader, article):
        out["article"], out["article_title"] = article.id, article.title
    row = session.get(KnowledgeLink, thread.id)
    if row:
        out["source"] = row.source_id
    return out


def history(session: Session, obj, *, by: User) -> list[dict]:
    """Each version, newest first, with a unified diff against the one before it."""
    if isinstance(obj, Post):
        perm.check_view_history(by, obj)
        revs = list(session.scalars(select(Revision).where(Revision.post_id == obj.id)
                                    .order_by(Revision.id)))
        versions = [(r.body, r.editor, r.created_at) for r in revs]
        current = obj.body
    else:
        perm.check_view_history(by, obj)
        revs = list(session.scalars(select(Revision).where(Revision.thread_id == obj.id,
                                                           Revision.post_id.is_(None))
                                    .order_by(Revision.id)))
        versions = [(f"# {r.title}\n\n{r.body}", r.editor, r.created_at) for r in revs]
        current = f"# {obj.title}\n\n{obj.body}"
    texts = [v[0] for v in versions] + [current]
    out = []
    for i in range(len(texts) - 1, 0, -1):
        diff = "\n".join(difflib.unified_diff(texts[i - 1].splitlines(), texts[i].splitlines(),
                                              "before", "after", lineterm=""))
        out.append({"version": i + 1, "diff": diff,
                    "editor": versions[i - 1][1], "created_at": versions[i - 1][2]})
    return out
