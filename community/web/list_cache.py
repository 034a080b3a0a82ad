"""The home and space pages, cached by what they show (the thread page's contract).

As for the thread page (page_cache.py), each request reads fresh, with a few small
queries, everything the page's main column shows: the spaces and their thread counts
(home), the space row, the list's ids in order and its total, and each listed
thread's row with its space, author and tags (no bodies). Those tuples, with the
reader's locale, time zone, the site rules' token and what the reader may do (post,
follow), are the cache key: any change to what the column shows changes the key, and
a reader who may not see a thread never gets the rows that list it. Only the clock
is not in the key (no list shows a relative date), and PAGE_CACHE_TTL bounds it.

The page around the column (header, bell, CSRF token) is page_cache.page's shell,
per reader. A query string (filters, later pages) is in the key through the list's
arguments; the shell's sign-in and language links get the request's own path and query
(page_cache.page).
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import bindparam, func, select

from .. import permissions as perm
from .. import queries, site_rules
from ..extensions import db
from ..key_reads import KeyRead, TypedRead
from ..models import Follow, Space, Tag, Thread, User, thread_tag
from ..notifications import follows
from . import discovery, page_cache
from .helpers import current_path

HOME_LIST_SIZE = 10

_T, _S, _U, _TAG = Thread.__table__, Space.__table__, User.__table__, Tag.__table__
# What a thread list shows of each thread (community/templates/_macros.html thread_row):
# no text, so neither the bodies nor posts_rev (a vote on an answer moves no list).
_ROWS = (
    select(*(c for c in _T.c if c.name not in ("body", "body_html", "posts_rev")),
           _S.c.slug, _S.c.name, _S.c.visibility,
           _U.c.username, _U.c.display_name, _U.c.reputation, _U.c.role, _U.c.is_ambassador,
           select(func.aggregate_strings(_TAG.c.name, "\x1f"))
           .select_from(_TAG.join(thread_tag, thread_tag.c.tag_id == _TAG.c.id))
           .where(thread_tag.c.thread_id == _T.c.id).scalar_subquery())
    .join(_S, _S.c.id == _T.c.space_id).join(_U, _U.c.id == _T.c.author_id)
    .where(_T.c.id.in_(bindparam("ids", expanding=True))).order_by(_T.c.id))
_ROWS_READ = KeyRead(_ROWS, expanding="ids")


def thread_rows(ids: list[int]) -> tuple:
    """What a thread list shows of each of these threads, read fresh (for a key)."""
    return listed_rows(_ROWS_READ.rows(db.session.connection(), ids))


def reader() -> tuple:
    """What every list's key holds about the reader: language, zone, rules, role."""
    user = current_user._get_current_object()
    who = (user.role,) if user.is_authenticated else ("guest",)
    return (str(get_locale()), str(get_timezone()), site_rules.token(), who)


def _cacheable() -> bool:
    return current_app.config["PAGE_CACHE_ENTRIES"] > 0


def _canonical() -> Markup:
    return Markup('<link rel="canonical" href="%s">') % discovery.canonical_url()


def serve(title: str, fingerprint, render) -> str:
    """The page: its column from the cache under ``fingerprint()``, else ``render()``.

    ``fingerprint()`` must return everything the column shows, read fresh (the rows
    themselves, not a summary), with ``reader()`` and whatever the reader may do there."""
    head = _canonical()
    if not _cacheable():
        return render_template("_shell.html", title=title, head=head, content=Markup(render()))
    key = fingerprint()
    content = page_cache.get(key)
    if content is None:
        content = page_cache.render_with_placeholder(render)
        # SQLite reads a transaction from one snapshot; elsewhere (READ COMMITTED) a
        # render that raced a write is not kept: the rows are read again.
        if db.engine.dialect.name == "sqlite" or fingerprint() == key:
            page_cache.put(key, content)
    return page_cache.page(lambda **parts: render_template("_shell.html", **parts),
                           title=title, head=head, path=current_path(), content=content)


# ---- home -------------------------------------------------------------------------

def statements(name, make):
    """``make(user)``'s statements, built once per kind of reader.

    Building a statement costs more than running these small ones. What they select
    depends on the reader only through permissions.space_filter and thread_filter, that
    is through the visibilities the reader may read and whether they see deleted
    threads: those two facts name the kind of reader."""
    user = current_user._get_current_object()
    key = (name, perm.readable_visibilities(user),
           bool(user.is_authenticated and user.is_moderator))
    found = _BUILT.get(key)
    if found is None:
        if len(_BUILT) > 1000:  # spaces come and go; a few kinds of readers each
            _BUILT.clear()
        found = _BUILT[key] = make(user)
    return found


_BUILT: dict = {}


def _home_statements(user) -> tuple:
    spaces = (select(_S).where(perm.space_filter(user), _S.c.archived_at.is_(None))
              .order_by(_S.c.position, _S.c.name))
    lists = (queries.thread_list_statements(user, sort=sort, per_page=HOME_LIST_SIZE)[1]
             for sort in ("recent", "unanswered"))
    return tuple(map(KeyRead, (spaces, *lists)))


def _home_fingerprint() -> tuple:
    conn = db.session.connection()
    spaces_q, recent_q, unanswered_q = statements("home", _home_statements)
    # The space rows hold their thread counts (kept by the database).
    spaces = spaces_q.rows(conn)
    recent = recent_q.scalars(conn)
    unanswered = unanswered_q.scalars(conn)
    return ("home", reader(), tuple(spaces), tuple(recent), tuple(unanswered),
            thread_rows(sorted(set(recent) | set(unanswered))))


def _render_home() -> str:
    session, user = db.session, current_user
    spaces = queries.readable_spaces(session, user)
    recent = queries.list_threads(session, user, sort="recent", with_total=False,
                                  per_page=HOME_LIST_SIZE)
    unanswered = queries.list_threads(session, user, sort="unanswered", with_total=False,
                                      per_page=HOME_LIST_SIZE)
    return render_template("_home.html", spaces=spaces,
                           counts=queries.space_thread_counts(user, spaces),
                           recent=recent.items, unanswered=unanswered.items)


def home_page() -> str:
    return serve(_("Home"), _home_fingerprint, _render_home)


# ---- a space ----------------------------------------------------------------------

_SPACE = select(_S).where(_S.c.slug == bindparam("slug"))
_SPACE_READ = TypedRead(_SPACE)


def space_row(slug: str):
    """The space as a row (attributes as on ``Space``), or None: a typed read, as
    permissions decide on it and the page shows it."""
    return _SPACE_READ.first(db.session.connection(), slug=slug)


def space_page(space, *, list_args: dict, render) -> str:
    """``space`` is ``space_row``'s; ``render(page)`` renders the column for a page of
    the list; ``list_args`` are queries.list_threads' filters, sort and page."""
    session, user = db.session, current_user
    per_page = current_app.config["PER_PAGE"]

    def fingerprint() -> tuple:
        name = ("space", space.id, per_page, *sorted(list_args.items()))
        built = statements(name, lambda user: _space_statements(
            user, space_id=space.id, per_page=per_page, list_args=list_args))
        conn = db.session.connection()
        if len(built) == 1:
            rows = listed_rows(built[0].rows(conn))
            # The total is the space row's count (in the key) as the reader's kind sees it.
            ids, total = [row[0] for row in rows], None
        else:
            count_q, ids_q = built
            ids = ids_q.scalars(conn)
            total = count_q.scalar(conn)
            rows = thread_rows(sorted(ids))
        follow = (_FOLLOWS_SPACE.rows(conn, uid=user.id, sid=space.id)
                  if user.is_authenticated else None)
        return (name, reader(), tuple(space), tuple(ids), total, rows,
                perm.can_post_in_space(user, space), tuple(follow or ()))

    def column() -> str:
        return render(queries.list_threads(session, user, space=space, per_page=per_page,
                                           **list_args))

    return serve(space.name, fingerprint, column)


def _space_statements(user, *, space_id: int, per_page: int, list_args: dict) -> tuple:
    """The key's reads of a space's list: (its count, one page of its ids), or, in the
    order the listing index gives (the default, unfiltered, for a reader who sees no
    deleted thread: no sort), one query for the page's rows, as the total then is the
    space row's own count."""
    count, ids = queries.thread_list_statements(user, space_id=space_id, per_page=per_page,
                                                **list_args)
    if (list_args.get("sort") in (None, "recent") and not perm.sees_deleted_threads(user)
            and not any(list_args.get(name) for name in ("kind", "tag", "status"))):
        return (KeyRead(ids.with_only_columns(*_ROWS.selected_columns)
                        .select_from(*_ROWS.get_final_froms())),)
    return KeyRead(count), KeyRead(ids)


# The follow button's state (notifications.follows.is_following reads the same row).
_FOLLOWS_SPACE = KeyRead(select(Follow.__table__.c.active).where(
    Follow.__table__.c.user_id == bindparam("uid"), Follow.__table__.c.target_type == "space",
    Follow.__table__.c.target_id == bindparam("sid")))


def following(space: Space) -> bool:
    return follows.is_following(db.session, current_user, "space", space.id)


# ---- for other lists of threads ------------------------------------------------------

def rows_statement(where, order_by: tuple, limit, *, offset=None, join=None):
    """What a thread list shows of the first ``limit`` threads (from ``offset``)
    matching ``where`` in ``order_by`` order, in one query (rather than the ids, then
    ``thread_rows``); ``join``: (a table, its on-clause) the others name. Only for an
    order an index gives: a sort would sort whole rows. Pass its result through
    ``listed_rows``."""
    statement = select(*_ROWS.selected_columns).select_from(*_ROWS.get_final_froms())
    if join is not None:
        statement = statement.join(*join)
    statement = statement.where(where).order_by(*order_by).limit(limit)
    return statement if offset is None else statement.offset(offset)


def listed_rows(result) -> tuple:
    """``rows_statement``'s rows as ``thread_rows`` gives them: tag names come in no set
    order from the aggregate, so they are sorted and the key is stable."""
    return tuple((*row[:-1], tuple(sorted((row[-1] or "").split("\x1f")))) for row in result)
