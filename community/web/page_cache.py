"""Rendered thread content, cached by what it shows and by what the reader may do.

The thread page's content is a pure function of a few rows (the thread, its space,
tags, posts, comments, their authors, the latest case, knowledge links, and for staff
readers only the cases' internal notes) and of the
reader's *audience*: guest, or a member's role, privileges, sanction, own votes,
follow state and whether they wrote any of it. Each request reads those rows
fresh with a handful of prebuilt Core queries (tuples, no ORM objects) and uses
them, whole, as the cache key. So an entry is never stale by construction (any
change to what it shows changes its key) and never shown to someone who may not
see it (permission is checked on the fresh row first; everything a reader's
rights change is in the audience). Members with the same audience share entries.

The reader's locale and time zone are in the key too. Only two things are not: the
per-session CSRF token and the clock (the case status line's "expected by"), which
``PAGE_CACHE_TTL`` bounds. No token is
ever part of what is cached: while a cached part renders, Flask-WTF's per-request
token (``g.csrf_token``, what every ``csrf_token()`` and ``generate_csrf()`` call
returns, whichever way a template reaches it) *is* a per-process secret placeholder,
and the one substitution on the way out puts the reader's own token in its place.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import OrderedDict
from functools import cache
from urllib.parse import urlencode

from flask import current_app, g, request, session
from flask_babel import get_locale, get_timezone
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import bindparam, case, desc, func, literal, or_, select, union_all

from .. import permissions as perm
from .. import site_rules
from ..demand.reading import link_rows as demand_links
from ..extensions import db
from ..key_reads import KeyRead, TypedRead
from ..models import (
    Case,
    CaseNote,
    Comment,
    ExpertGroup,
    Follow,
    KnowledgeLink,
    ModerationItem,
    Organisation,
    Post,
    Space,
    Tag,
    Thread,
    ThreadRedirect,
    User,
    Vote,
    thread_tag,
    utcnow,
)
from ..security import csrf_token

# Never in user content: it is secret and substituted before any byte leaves.
CSRF_PLACEHOLDER = f"csrf{secrets.token_hex(16)}"


def _held(kind: str, table):
    """Whether the row is held for approval: a CASE, so only hidden rows probe the queue."""
    return case((table.c.deleted_at.is_(None), literal(False)),
                else_=ModerationItem.holds(kind, table.c.id)).label("held")


_T, _S, _P, _U, _C = (Thread.__table__, Space.__table__, Post.__table__, User.__table__,
                      Comment.__table__)
_AUTHOR = (_U.c.id, _U.c.username, _U.c.display_name, _U.c.reputation, _U.c.role,
           _U.c.is_ambassador)
_TID = bindparam("tid")
_TAG, _KL, _TR = Tag.__table__, KnowledgeLink.__table__, ThreadRedirect.__table__
_DUP = _T.alias("duplicate")
_ART = _T.alias("article")
_ART_SPACE = _S.alias("article_space")
_TA = _U.alias("thread_author")
_O = Organisation.__table__
# One row for everything the page shows once: the thread, its space, whether it is
# held for approval (its author then reads it, marked, and nobody else), its author,
# tags, knowledge links (and the article's title and access), the title of the thread it duplicates, and where it was
# merged into (the page then redirects), and the author's organisation.
# Texts are keyed as shown (``body_html``): the Markdown source is on no reader's page.
_SHOWN_T = [c for c in _T.c if c.name != "body"]
_SHOWN_P = [c for c in _P.c if c.name != "body"]
THREAD_ROW = (
    select(*_SHOWN_T, _S.c.visibility, _S.c.slug, _S.c.name.label("space_name"), _held("thread", _T),
           *(c.label(f"author_{c.name}") for c in (_TA.c.username, _TA.c.display_name,
                                                     _TA.c.reputation, _TA.c.role,
                                                     _TA.c.is_ambassador)),
           select(func.aggregate_strings(_TAG.c.name, "\x1f"))
           .select_from(_TAG.join(thread_tag, thread_tag.c.tag_id == _TAG.c.id))
           .where(thread_tag.c.thread_id == _T.c.id).scalar_subquery().label("tag_names"),
           select(_KL.c.article_id).where(_KL.c.source_id == _T.c.id)
           .scalar_subquery().label("article_id"),
           select(_KL.c.source_id).where(_KL.c.article_id == _T.c.id)
           .scalar_subquery().label("source_id"),
           # The "has a knowledge article" line shows its title to those who may read it.
           select(_ART.c.title + "\x1f" + _ART_SPACE.c.visibility + "\x1f"
                  + case((_ART.c.deleted_at.is_(None), ""), else_="deleted"))
           .join(_KL, _KL.c.article_id == _ART.c.id)
           .join(_ART_SPACE, _ART_SPACE.c.id == _ART.c.space_id)
           .where(_KL.c.source_id == _T.c.id).scalar_subquery().label("article_state"),
           select(_DUP.c.title).where(_DUP.c.id == _T.c.duplicate_of_id)
           .scalar_subquery().label("duplicate_title"),
           select(_TR.c.new_thread_id).where(_TR.c.old_thread_id == _T.c.id)
           .scalar_subquery().label("merged_into"),
           # The staff panel's badge: the asker's organisation and tier.
           select(_O.c.name + "\x1f" + _O.c.tier).where(_O.c.id == _TA.c.organisation_id)
           .scalar_subquery().label("author_organisation"))
    .join(_S, _S.c.id == _T.c.space_id).join(_TA, _TA.c.id == _T.c.author_id)
    .where(_T.c.id == _TID))
_POSTS = (select(*_SHOWN_P, *_AUTHOR, _held("post", _P)).join(_U, _U.c.id == _P.c.author_id)
          .where(_P.c.thread_id == _TID).order_by(_P.c.id))
_COMMENTS = (select(_C.c.id, _C.c.post_id, _C.c.body_html, _C.c.created_at, *_AUTHOR)
             .join(_U, _U.c.id == _C.c.author_id).where(_C.c.thread_id == _TID)
             .order_by(_C.c.id))
_CA = User.__table__.alias("assignee")
_CASE = (select(Case.__table__, ExpertGroup.__table__.c.name, _CA.c.display_name)
         .outerjoin(ExpertGroup.__table__, ExpertGroup.__table__.c.id == Case.__table__.c.group_id)
         .outerjoin(_CA, _CA.c.id == Case.__table__.c.assignee_id)
         .where(Case.__table__.c.thread_id == _TID).order_by(desc(Case.__table__.c.id)).limit(1))
_N = CaseNote.__table__
# Staff readers only: the internal notes of the thread's cases (the page shows them inline).
_NOTES = (select(_N, *_AUTHOR).join(_U, _U.c.id == _N.c.author_id)
          .join(Case.__table__, Case.__table__.c.id == _N.c.case_id)
          .where(Case.__table__.c.thread_id == _TID).order_by(_N.c.created_at, _N.c.id))
_POSTS_READ, _COMMENTS_READ, _CASE_READ, _NOTES_READ = map(KeyRead, (_POSTS, _COMMENTS, _CASE,
                                                                   _NOTES))
_V = Vote.__table__
_MY_VOTES = select(_V.c.target_type, _V.c.target_id, _V.c.value).where(
    _V.c.user_id == bindparam("uid"),
    or_((_V.c.target_type == "thread") & (_V.c.target_id == _TID),
        (_V.c.target_type == "post") & _V.c.target_id.in_(
            select(_P.c.id).where(_P.c.thread_id == _TID).scalar_subquery())))
_F = Follow.__table__
_POST_AUTHOR = [c.name for c in _SHOWN_P].index("author_id")
_FOLLOW = select(literal("follow"), _F.c.target_id, case((_F.c.active, 1), else_=0)).where(
    _F.c.user_id == bindparam("uid"), _F.c.target_type == "thread", _F.c.target_id == _TID)


@cache
def _mine(role: str):
    """Everything about the reader in one query: votes on the thread and its posts,
    the follow row, whether a sanction is in force, and the unread count (the bell)."""
    from ..notifications.inbox import unread_statement
    from ..standing import ANY_ACTIVE

    return KeyRead(union_all(
        _MY_VOTES, _FOLLOW,
        select(literal("sanctioned"), func.count(), literal(0))
        .select_from(ANY_ACTIVE.subquery()),
        select(literal("unread"), unread_statement(role).scalar_subquery(), literal(0))))


class LRU:
    """A small per-process LRU with an age limit; threads of one process share it."""

    def __init__(self, size: int, ttl: float):
        self.size, self.ttl = size, ttl
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if time.monotonic() - item[0] > self.ttl:
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return item[1]

    def put(self, key, value) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[key] = (time.monotonic(), value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def _cache() -> LRU:
    cache = current_app.extensions.get("page_cache")
    if cache is None:
        cache = current_app.extensions["page_cache"] = LRU(
            current_app.config["PAGE_CACHE_ENTRIES"], current_app.config["PAGE_CACHE_TTL"])
    return cache


_THREAD_ROW_READ = TypedRead(THREAD_ROW)


def thread_row(thread_id: int):
    """The thread with what the page shows once, or None."""
    return _THREAD_ROW_READ.first(db.session.connection(), tid=thread_id)


def readable(row) -> bool:
    return row is not None and perm.can_view_thread_row(current_user, row)


def _fingerprint(conn, row) -> tuple:
    tid = {"tid": row.id}
    # Internal notes are read, and keyed, only for a reader who may see them: anyone
    # else's key (and so anything shared with them) is made without them. Staff keys
    # differ from everyone else's by the role in the audience as well.
    notes = tuple(_NOTES_READ.rows(conn, **tid)) if perm.can_work_cases(current_user) else None
    return (
        tuple(row),
        tuple(_POSTS_READ.rows(conn, **tid)),
        tuple(_COMMENTS_READ.rows(conn, **tid)),
        tuple(_CASE_READ.rows(conn, **tid)),
        # Ideas and the questions and cases that asked for them (community/demand).
        demand_links(conn, row.id),
        notes,
    )


def _audience(conn, row, post_authors: set[int]) -> tuple:
    user = current_user._get_current_object()
    if not user.is_authenticated:
        return ("guest",)
    votes, follow, facts = [], None, {}
    for kind, target, value in _mine(user.role).rows(conn, tid=row.id, uid=user.id,
                                                      now=utcnow()):
        if kind in ("thread", "post"):
            votes.append((kind, target, value))
        elif kind == "follow":
            follow = bool(value)
        else:
            facts[kind] = target
    g.unread_notifications = facts["unread"]  # the header's bell (shell key)
    following = follow if follow is not None else row.author_id == user.id
    # Every comparison the templates make with the reader's id is against an author.
    wrote = user.id if user.id == row.author_id or user.id in post_authors else 0
    return (user.role, perm.privileges(user), bool(facts["sanctioned"]), wrote,
            tuple(sorted(votes)), following, perm.awaits_email_verification(user))


def lookup(row) -> tuple[Parts | None, tuple]:
    """(cached content or None, the key to store a fresh render under)."""
    conn = db.session.connection()
    fingerprint = _fingerprint(conn, row)
    authors = {p[_POST_AUTHOR] for p in fingerprint[1]}
    # Dates and the case's "expected by" are shown in the reader's time zone; levels,
    # privileges and SLA targets follow the site settings (their version token).
    key = (str(get_locale()), str(get_timezone()), fingerprint,
           _audience(conn, row, authors), site_rules.token())
    return _cache().get(key), key


def store_if_unchanged(key: tuple, row, html: Parts) -> None:
    """Store a fresh render under the key read before it.

    SQLite reads a whole transaction from one snapshot, so the render saw exactly
    the keyed rows. PostgreSQL (READ COMMITTED) reads each statement afresh: the
    rows are read again and a render that raced a write is not kept."""
    if db.engine.dialect.name != "sqlite":
        fresh = thread_row(row.id)
        if fresh is None or lookup(fresh)[1] != key:
            return
    _cache().put(key, html)


def get(key: tuple):
    """What is kept under ``key`` (which holds everything it depends on), or None."""
    return _cache().get(key)


def put(key: tuple, value) -> None:
    _cache().put(key, value)


def remember(key: tuple, make):
    """``make()``, kept under ``key`` (which must hold everything it depends on)."""
    value = _cache().get(key)
    if value is None:
        value = make()
        _cache().put(key, value)
    return value


def render_with_placeholder(render) -> Parts:
    """Run a render for the cache: every CSRF token in it comes out as the placeholder.

    Flask-WTF's ``generate_csrf`` returns ``g.csrf_token`` when it is set, so setting it
    to the placeholder covers its Jinja global, its context processor and any direct
    call; the reader's real token (if this request made one) is put back after. The
    render comes back split at its placeholders, for ``page``."""
    field = current_app.config["WTF_CSRF_FIELD_NAME"]
    real = g.pop(field, None)
    setattr(g, field, CSRF_PLACEHOLDER)
    g.csrf_placeholder = True
    try:
        return _split(render())
    finally:
        g.pop("csrf_placeholder", None)
        g.pop(field, None)
        if real is not None:
            setattr(g, field, real)


# ---- the page around the content ---------------------------------------------------

# Stands in the cached content for the answer box's text: the reader's own draft
# (community/services/drafts.py) is put there per request.
ANSWER_PLACEHOLDER = Markup(f"answer{secrets.token_hex(16)}")

# Each with its own secret: one showing up somewhere would give nothing else away.
_TITLE, _HEAD, _CONTENT, _PATH, _SEARCH = (f"{name}{secrets.token_hex(16)}" for name in
                                           ("title", "head", "content", "path", "search"))
# The request's path as a link's ``next=`` query value; elsewhere (a form's hidden
# ``next``) as an attribute's text. The placeholder is hex, which neither encoding
# changes, so the two places are told apart by what precedes it (first in the
# alternation: it starts earlier than the bare placeholder it holds).
_NEXT = "next=" + _PATH
_SLOTS = re.compile("(" + "|".join(map(re.escape, (
    _NEXT, _PATH, CSRF_PLACEHOLDER, str(ANSWER_PLACEHOLDER), _TITLE, _HEAD, _CONTENT,
    _SEARCH))) + ")")


class Parts(tuple):
    """A render split once at its placeholders: text at even positions, a placeholder
    at odd ones. Filling it per request is a join: no pass over the page's text, and
    nothing filled in (a title, a draft) is ever read again for a placeholder."""

    slots: frozenset


def _split(html: str) -> Parts:
    parts = Parts(_SLOTS.split(html))
    parts.slots = frozenset(parts[1::2])
    return parts


def _fill(parts: Parts, values: dict) -> str:
    if len(parts) == 1:
        return parts[0]
    out = list(parts)
    for i in range(1, len(out), 2):
        out[i] = values[out[i]]
    return "".join(out)


def current_path(real: str) -> str:
    return _PATH if g.get("csrf_placeholder") else real


def search_words() -> str:
    """What the header's search box shows: the words of the search on screen."""
    if g.get("csrf_placeholder"):
        return _SEARCH
    return request.args.get("q", "") if request.path == "/search" else ""


def _shell_key() -> tuple | None:
    if session_has_flashes():
        return None  # a one-off message: rendered for this response only
    user = current_user._get_current_object()
    page = (str(get_locale()), request.endpoint)
    if not user.is_authenticated:
        return (*page, "guest")
    unread = g.get("unread_notifications")
    if unread is None:
        from ..notifications import unread_count

        unread = unread_count(db.session, user)
    return (*page, user.id, user.username, user.display_name, user.role, unread)


def session_has_flashes() -> bool:
    return bool(session.get("_flashes"))


def page(render_shell, *, title: str, head: str, path: str, content: Parts,
         answer: str = "") -> str:
    """The whole page: the reader's cached shell (header, footer) around ``content``
    (``render_with_placeholder``'s).

    ``path`` (with its query, if any) is where the sign-in and language links send the
    reader back to. ``answer`` is the text of the answer box (the reader's draft),
    escaped here."""
    key = _shell_key()
    shell = _cache().get(("shell", key)) if key is not None else None
    if shell is None:
        shell = render_with_placeholder(lambda: render_shell(
            title=Markup(_TITLE), head=Markup(_HEAD), content=Markup(_CONTENT)))
        if key is not None:
            _cache().put(("shell", key), shell)
    slots = shell.slots | content.slots
    # A token only for a page that holds a form needing one: a guest's list page then
    # starts no session (no cookie to sign, send and read back on every request).
    values = {CSRF_PLACEHOLDER: csrf_token() if CSRF_PLACEHOLDER in slots else "",
              ANSWER_PLACEHOLDER: str(escape(answer)), _TITLE: str(escape(title)),
              _HEAD: head, _SEARCH: str(escape(search_words()))}
    if _PATH in slots:
        values[_PATH] = str(escape(path))
    if _NEXT in slots:
        # Werkzeug's url_for quotes query values so (tests/web/test_list_cache.py compares).
        values[_NEXT] = str(escape(urlencode([("next", path)], safe="!$'()*,/:;?@")))
    values[_CONTENT] = _fill(content, values)
    return _fill(shell, values)
