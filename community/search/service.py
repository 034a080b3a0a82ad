"""The request path shared by the page and the API: check, search, re-check, snippet.

Access control never enters the query string: the backend gets the caller's
readable space ids as a filter, and every hit is re-read from the database
(deleted, moved, space visibility) before it is shown, so a lagging index cannot
leak. Snippets are cut from the database's current text, never from the index.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload, load_only

from .. import lengths
from .. import permissions as perm
from ..errors import BadRequest
from ..models import (
    IDEA_STATUSES,
    QUESTION_STATUSES,
    THREAD_KINDS,
    KnowledgeLink,
    Post,
    SearchMiss,
    Space,
    Thread,
)
from ..queries import Page
from ..schemas import In, fields
from ..services import tracking
from .analysis import detect_language, strip_controls
from .base import IndexUnavailable, SearchRequest, SearchUnavailable
from .snippets import fragment, plain, words_for

log = logging.getLogger(__name__)

MAX_QUERY = lengths.SEARCH_QUERY_MAX
SORTS = ("relevance", "recent", "votes")
STATUSES = ("solved", "unsolved", *QUESTION_STATUSES, *IDEA_STATUSES)


@dataclass
class Filters:
    space: Space | None = None
    kind: str | None = None
    tag: str | None = None
    status: str | None = None
    sort: str = "relevance"


def clean_query(raw: str | None) -> str:
    """The user's words, or a 400 before any parsing (the parser is quadratic)."""
    raw = raw or ""
    if len(raw) > MAX_QUERY:
        raise BadRequest(_("The search is too long: at most %(n)s characters.", n=MAX_QUERY),
                         {"q": [_("At most %(n)s characters.", n=MAX_QUERY)]})
    text = " ".join(strip_controls(raw).split())
    if not text:
        raise BadRequest(_("Type something to search for."), {"q": [_("Type something to search for.")]})
    return text


class SearchArgs(In):
    """The query string of /search and GET /api/v1/search, as text: ``clean_query`` and
    ``parse_filters`` check it (a 400 naming the field, as the API documents; control
    characters are stripped, not refused)."""
    q = fields.String()  # absent (the empty search page) is not the same as empty
    space = fields.String(load_default=None)
    kind = fields.String(load_default=None)
    tag = fields.String(load_default=None)
    status = fields.String(load_default=None)
    sort = fields.String(load_default=None)
    title = fields.String(load_default="")  # /search/similar
    form = fields.String(load_default=None)  # /search/similar: the ask page's token


def parse_filters(session: Session, user, args) -> Filters:
    def choice(name, allowed):
        value = (args.get(name) or "").strip()
        if not value:
            return None
        if value not in allowed:
            raise BadRequest(_("%(name)s must be one of: %(values)s.", name=name,
                               values=", ".join(allowed)),
                             {name: [_("Not a valid choice.")]})
        return value

    f = Filters(kind=choice("kind", THREAD_KINDS), status=choice("status", STATUSES),
                sort=choice("sort", SORTS + ("newest",)) or "relevance")
    if f.sort == "newest":
        f.sort = "recent"
    slug = (args.get("space") or "").strip()
    if slug:
        space = session.scalar(select(Space).where(Space.slug == slug[:50]))
        f.space = perm.require_space(user, space)
    tag = strip_controls(args.get("tag") or "").strip().lower()
    f.tag = tag[:35] or None
    return f


def readable_space_ids(session: Session, user) -> frozenset[int]:
    return frozenset(session.scalars(select(Space.id).where(perm.space_filter(user))))


def _snippet(thread: Thread, posts: list, terms) -> tuple[str, int | None]:
    body = plain(thread.body_html)
    lang, words = words_for(f"{thread.title}\n{body[:1000]}", terms)
    found = fragment(body, lang, words)
    if found:
        return found, None
    for post in posts:
        found = fragment(plain(post.body_html), lang, words)
        if found:
            return found, post.id
    return str(escape(body[:200] + ("…" if len(body) > 200 else ""))), None


BACKEND_SNIPPET_POSTS = 10  # answers of a hit the backend may cut a snippet from


def _backend_snippets(backend, text: str, shown: list) -> list[tuple[str, int | None]] | None:
    """(snippet, post id) per shown thread, cut by the backend in one call (PostgreSQL's
    ts_headline), from the same texts as ``_snippet``: the body, then visible answers."""
    if not backend.cuts_snippets:
        return None
    texts, owners = [], []
    for n, (thread, visible) in enumerate(shown):
        body = plain(thread.body_html)
        lang = detect_language(f"{thread.title}\n{body[:1000]}")
        texts.append((lang, body))
        owners.append((n, None))
        for post in visible[:BACKEND_SNIPPET_POSTS]:
            texts.append((lang, plain(post.body_html)))
            owners.append((n, post.id))
    cut = backend.headlines(text, texts) if shown else []
    out: list = [None] * len(shown)
    for (n, post_id), snippet in zip(owners, cut, strict=True):
        if snippet and out[n] is None:
            out[n] = (snippet, post_id)
    for n, (thread, _visible) in enumerate(shown):
        if out[n] is None:
            body = plain(thread.body_html)
            out[n] = (str(escape(body[:200] + ("…" if len(body) > 200 else ""))), None)
    return out


def _answers(session: Session, thread_ids: list[int]) -> dict[int, list]:
    """Visible posts (id, thread_id, body_html) by score: where a snippet may be cut from."""
    out: dict[int, list] = {tid: [] for tid in thread_ids}
    if not thread_ids:
        return out
    for post in session.execute(select(Post.id, Post.thread_id, Post.body_html)
                                .where(Post.thread_id.in_(thread_ids), Post.deleted_at.is_(None))
                                .order_by(Post.score.desc(), Post.id)):
        out[post.thread_id].append(post)
    return out


def result_item(thread: Thread, snippet: str, post_id: int | None) -> dict:
    return {"thread_id": thread.id, "post_id": post_id, "title": thread.title,
            "snippet": snippet, "kind": thread.kind, "space": thread.space.slug,
            "status": thread.status, "score": thread.score,
            "created_at": thread.created_at.isoformat()}


def _recheck(session: Session, user, ids: list[int], f: Filters) -> dict[int, Thread]:
    if not ids:
        return {}
    where = [Thread.id.in_(ids), perm.thread_filter(user), Thread.deleted_at.is_(None)]
    if f.space is not None:
        where.append(Thread.space_id == f.space.id)
    if f.kind:
        where.append(Thread.kind == f.kind)
    # Only what a result shows: the author and tags would be two more joins per hit.
    shown = (load_only(Thread.title, Thread.kind, Thread.idea_status, Thread.is_closed,
                       Thread.accepted_post_id, Thread.post_count, Thread.score,
                       Thread.created_at, Thread.body_html, Thread.space_id),
             lazyload(Thread.author), lazyload(Thread.tags))
    return {t.id: t for t in session.scalars(select(Thread).where(*where).options(*shown))}


def _backend():
    return current_app.extensions["search"]


def backend_version():
    return _backend().version()


def _run(backend, req: SearchRequest):
    try:
        return backend.search(req)
    except IndexUnavailable as exc:
        log.warning("search index unavailable: %s", exc)
        from .outbox import request_rebuild

        request_rebuild()
        raise SearchUnavailable() from None


def _direct(_key: tuple, make):
    return make()


def request_for(session: Session, user, text: str, f: Filters, *, page: int,
                per_page: int, allowed: frozenset[int] | None = None) -> SearchRequest:
    """``allowed``: the reader's readable space ids, if the caller has read them."""
    if allowed is None:
        allowed = readable_space_ids(session, user)
    return SearchRequest(text=text, allowed_spaces=allowed,
                         space=f.space.id if f.space else None, kind=f.kind, tag=f.tag,
                         status=f.status, sort=f.sort, offset=(page - 1) * per_page,
                         limit=per_page)


def find(req: SearchRequest, *, memo=_direct):
    """The backend's answer: what the index alone decides (hits in order, their
    count, the query's terms). With every word required finding nothing, ``req``
    becomes an any-word search. ``memo(key, make)`` may keep it under ``key`` (the
    request's fields: the caller adds the index's version)."""
    backend = _backend()
    key = _fields(req)

    def make():
        result = _run(backend, req)
        if result.total == 0 and " " in req.text and " OR " not in req.text:
            # Every word required found nothing: rank the threads that have most of them.
            return True, _run(backend, SearchRequest(**{**req.__dict__, "any_word": True}))
        return False, result

    any_word, result = memo(("find", *key), make)
    req.any_word = any_word
    return result


def _fields(req: SearchRequest) -> tuple:
    return tuple(getattr(req, name) for name in SearchRequest.__dataclass_fields__)


def shown(session: Session, user, req: SearchRequest, result, f: Filters, *, page: int,
          memo=_direct):
    """A page of result dicts, read fresh and re-checked, plus the "did you mean" text."""
    backend = _backend()
    ids = [h.thread_id for h in result.hits]
    threads = _recheck(session, user, ids, f)
    posts = _answers(session, list(threads))
    shown = []
    for tid in ids:
        thread = threads.get(tid)
        if thread is None:
            continue  # moved, deleted or hidden since it was indexed
        shown.append((thread, sorted(posts[tid], key=lambda p: p.id != thread.accepted_post_id)))
    snippets = _backend_snippets(backend, req.text, shown)
    items = []
    for n, (thread, visible) in enumerate(shown):
        snippet, post_id = snippets[n] if snippets else _snippet(thread, visible, result.terms)
        items.append(result_item(thread, snippet, post_id))
    items = without_twins(session, items)
    total = max(0, result.total - (len(ids) - len(items)))
    return (Page(items=items, page=page, per_page=req.limit, total=total),
            suggestion(req, total, page=page, memo=memo))


def suggestion(req: SearchRequest, total: int, *, page: int, memo=_direct) -> str | None:
    if total >= current_app.config["SEARCH_SUGGEST_BELOW"] or page != 1:
        return None
    return memo(("suggest", *_fields(req), total), lambda: _did_you_mean(_backend(), req, total))


def track(session: Session, text: str, f: Filters, *, page: int, total: int) -> None:
    """Counted on every search the page answers, from the cache or not."""
    if page == 1:
        space_id = f.space.id if f.space else None
        tracking.count("search", space_id)
        if total == 0:
            tracking.count("search_miss", space_id)
            _record_miss(session, text, f.space)


def search(session: Session, user, text: str, f: Filters, *, page: int, per_page: int):
    """A page of result dicts plus the "did you mean" text, if any."""
    req = request_for(session, user, text, f, page=page, per_page=per_page)
    result = find(req)
    items, fixed = shown(session, user, req, result, f, page=page)
    track(session, text, f, page=page, total=items.total)
    return items, fixed


def _did_you_mean(backend, req: SearchRequest, total: int) -> str | None:
    try:
        fixed = backend.suggest(req.text)
        if not fixed:
            return None
        alt = SearchRequest(**{**req.__dict__, "text": fixed, "offset": 0, "limit": 1,
                               "any_word": False})
        return fixed if backend.search(alt).total > total else None
    except IndexUnavailable:
        return None


def _record_miss(session: Session, text: str, space: Space | None) -> None:
    # Best effort: the log must never turn a search into an error.
    try:
        session.rollback()  # a fresh transaction that starts with the write: no lock upgrade
        session.add(SearchMiss(query=text[:MAX_QUERY], space_id=space.id if space else None))
        session.commit()
    except Exception:
        log.warning("could not record a search that found nothing", exc_info=True)
        session.rollback()


def similar(session: Session, user, title: str, limit: int = 5) -> list[dict]:
    """Threads whose titles share words with the one being written."""
    text = " ".join(strip_controls(title or "").split())
    if len(title or "") > MAX_QUERY:
        raise BadRequest(_("The title is too long: at most %(n)s characters.", n=MAX_QUERY),
                         {"title": [_("At most %(n)s characters.", n=MAX_QUERY)]})
    if len(text) < 3:
        return []
    req = SearchRequest(text=text.replace('"', " "), allowed_spaces=readable_space_ids(session, user),
                        limit=limit * 2, any_word=True, title_only=True)
    result = _run(_backend(), req)
    ids = [h.thread_id for h in result.hits]
    threads = _recheck(session, user, ids, Filters())
    items = []
    for tid in ids:
        if tid in threads:
            t = threads[tid]
            items.append(result_item(t, "", t.accepted_post_id))
    return without_twins(session, items)[:limit]


def without_twins(session: Session, items: list[dict]) -> list[dict]:
    """A question listed beside the knowledge article written from it is left out: the
    article (labelled as one) stands for both, and its page links to the question."""
    articles = [i["thread_id"] for i in items if i["kind"] == "article"]
    if not articles:
        return items
    sources = set(session.scalars(select(KnowledgeLink.source_id)
                                  .where(KnowledgeLink.article_id.in_(articles))))
    return [i for i in items if i["thread_id"] not in sources]

