"""The /search results page, cached by what it shows (community/web/list_cache.py).

The search itself is the costly part, and only the index decides it: the backend's
answer (hits in order, their count, the query's terms; the "did you mean" check) is
kept under the request's fields (words, filters, page, the reader's readable space
ids) and the index's own version (``SearchBackend.version``: for Whoosh, the live
directory and its latest generation, which every committed write advances; for
PostgreSQL, the ``search_version`` row every index write advances in its own
transaction). A backend without one would be asked on every request.

Each request then reads fresh, by id, the hits' rows through the reader's
permission filter (as the service re-checks them) with what their snippets are cut
from: the thread's body, and for its answers the thread's ``posts_rev``, which the
database advances on every write to one of them (models/posts_rev.py); and the
spaces the filter offers. Those rows with the backend's answer, the request's
arguments and list_cache.reader() are the key: an edit, a vote, a deleted or moved
thread or answer changes it at once, and a hit the reader may not read is not in
their rows, so no snippet of it ever reaches them, whoever's search was kept.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import bindparam, select

from .. import permissions as perm
from ..extensions import db
from ..key_reads import KeyRead
from ..models import KnowledgeLink, Space, Thread
from ..web import list_cache, page_cache
from . import service
from .base import IndexUnavailable

_T, _S, _KL = Thread.__table__, Space.__table__, KnowledgeLink.__table__
# Positions in _statements' rows (plain tuples, as KeyRead gives them).
_ID, _KIND, _SPACE, _SOURCE = 0, 2, 9, 13


def _statements(user) -> tuple:
    # What a result shows and is cut from; ``source``: the question an article was
    # written from (listed beside it, it is left out: service.without_twins).
    rows = (select(_T.c.id, _T.c.title, _T.c.kind, _T.c.idea_status, _T.c.is_closed,
                   _T.c.accepted_post_id, _T.c.post_count, _T.c.score, _T.c.created_at,
                   _T.c.space_id, _T.c.body_html, _T.c.posts_rev, _S.c.slug,
                   select(_KL.c.source_id).where(_KL.c.article_id == _T.c.id)
                   .scalar_subquery().label("source"))
            .join(_S, _S.c.id == _T.c.space_id)
            .where(_T.c.id.in_(bindparam("ids", expanding=True)), perm.thread_filter(user),
                   _T.c.deleted_at.is_(None))
            .order_by(_T.c.id))
    # Archived ones too: their threads are still found, not offered as a filter.
    spaces = (select(_S.c.id, _S.c.slug, _S.c.name, _S.c.archived_at.is_(None))
              .where(perm.space_filter(user)).order_by(_S.c.position, _S.c.name))
    return KeyRead(rows, expanding="ids"), KeyRead(spaces)


class SpaceChoice(NamedTuple):
    id: int
    slug: str
    name: str


def spaces() -> tuple[list[SpaceChoice], frozenset[int]]:
    """(the spaces the filter offers the reader; the ids of every space they may read,
    the search's access filter)."""
    rows = list_cache.statements("search-spaces", _statements)[1].rows(db.session.connection())
    return ([SpaceChoice(*row[:3]) for row in rows if row[3]],
            frozenset(row[0] for row in rows))


def _memo():
    try:
        version = service.backend_version()
    except IndexUnavailable:
        version = None  # the search itself says so (a 503)
    if version is None:
        return lambda _key, make: make()
    return lambda key, make: page_cache.remember(("search-index", version, *key), make)


def _frozen(terms: dict) -> tuple:
    return tuple(sorted((lang, tuple(sorted(words))) for lang, words in terms.items()))


def results_page(text: str, f: service.Filters, *, args: dict, spaces: tuple, page: int,
                 per_page: int, url) -> str:
    """The page of results for ``text`` and the filters; ``spaces``: ``spaces()``;
    ``url(item)``: a result's address."""
    session, user = db.session, current_user
    offered, allowed = spaces
    memo = _memo()
    req = service.request_for(session, user, text, f, page=page, per_page=per_page,
                              allowed=allowed)
    link_args = {k: v for k, v in args.items() if v}
    found: dict = {}

    def fingerprint() -> tuple:
        conn = session.connection()
        result = found["result"] = service.find(req, memo=memo)
        ids = [h.thread_id for h in result.hits]
        rows = list_cache.statements("search-rows", _statements)[0].rows(conn, ids)
        # The service's re-check: the filter's space and kind, as the rows are now.
        rows = [r for r in rows if (f.space is None or r[_SPACE] == f.space.id)
                and (not f.kind or r[_KIND] == f.kind)]
        twins = {r[_SOURCE] for r in rows if r[_KIND] == "article"} & {r[_ID] for r in rows}
        total = found["total"] = max(0, result.total - (len(ids) - len(rows) + len(twins)))
        fixed = service.suggestion(req, total, page=page, memo=memo)
        return ("search", list_cache.reader(), tuple(sorted(args.items())), page, per_page,
                tuple(offered), tuple(ids), result.total, req.any_word,
                _frozen(result.terms), tuple(rows), fixed)

    def column() -> str:
        result = found.get("result") or service.find(req, memo=memo)
        items, fixed = service.shown(session, user, req, result, f, page=page, memo=memo)
        found["total"] = items.total
        for item in items.items:
            item["url"] = url(item)
        return render_template(
            "search/_results.html", args=args, spaces=offered, page=items,
            space_names={s.slug: s.name for s in offered}, suggestion=fixed, message=None,
            statuses=service.STATUSES, link_args=link_args)

    html = list_cache.serve(_("Search: %(q)s", q=args["q"]), fingerprint, column)
    # Counted on every search answered, whether its column was kept or rendered.
    service.track(session, text, f, page=page, total=found["total"])
    return html
