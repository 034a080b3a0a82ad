"""The tag page (/tags/<name>), cached by what it shows (community/web/list_cache.py).

Each request reads fresh, in one query, the tag's row with the reader's count of
its threads (a sum of the counts the database keeps per space:
models/tag_counts.py) and whether they follow it; then one page of the list's ids
in order and each listed thread's row. With list_cache.reader() and
what the reader may do here (follow the tag, curate it) they are the key. Any
change to what the column shows changes one of them, and a reader who may not
list a thread never gets a rendering that lists it: its id is not in their list.

Sorted by activity (the default), the threads come in order from the tag's own rows,
which carry their thread's last activity (models/tag_recent.py): one row per thread
listed, however rare the tag, read with what the list shows of it in the same query.
The other sorts read the tag's rows, sort their ids, then read the page's rows.
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_, bindparam, select

from .. import permissions as perm
from ..extensions import db
from ..key_reads import KeyRead, TypedRead
from ..models import Follow, Tag, Thread, thread_tag
from ..queries import Page
from ..web import list_cache
from . import catalogue

SORTS = ("recent", "votes", "unanswered")
_ORDER = {
    "votes": (Thread.score.desc(), Thread.id.desc()),
    "unanswered": (Thread.created_at.desc(), Thread.id.desc()),
}
_TAG = Tag.__table__
_CANONICAL = _TAG.alias("canonical")


def _row_statement(user):
    """The tag named ``:name`` with what the page shows once: the name it was merged
    into (if it was), the reader's count of its threads and whether the reader
    (``:uid``) follows it."""
    return select(
        _TAG,
        select(_CANONICAL.c.name).where(_CANONICAL.c.id == _TAG.c.synonym_of_id)
        .scalar_subquery().label("canonical"),
        catalogue.count_statement(user, _TAG.c.id).scalar_subquery().label("count"),
        select(Follow.active).where(Follow.user_id == bindparam("uid"),
                                    Follow.target_type == "tag", Follow.target_id == _TAG.c.id)
        .scalar_subquery().label("following"),
    ).where(_TAG.c.name == bindparam("name"))


def tag_row(name: str):
    """The tag typed as ``name`` (any case, synonyms included) as the reader sees it, or
    None: its columns, ``canonical``, ``count`` and ``following``."""
    user = current_user._get_current_object()
    uid = user.id if user.is_authenticated else None
    read = list_cache.statements("tag-row", lambda user: TypedRead(_row_statement(user)))
    return read.first(db.session.connection(), name=name.strip().lower(), uid=uid)


def _recent_statement(user):
    """One page (``:limit`` from ``:offset``) of the threads with tag ``:tag`` that
    ``user`` may list, by activity, each as a list shows it: in one query, as the tag's
    rows come in that order from ix_thread_tag_recent and only the page's threads are
    read."""
    return list_cache.rows_statement(
        and_(thread_tag.c.tag_id == bindparam("tag"), perm.thread_filter(user)),
        (thread_tag.c.last_activity_at.desc(), thread_tag.c.thread_id.desc()),
        bindparam("limit"), offset=bindparam("offset"),
        join=(thread_tag, thread_tag.c.thread_id == Thread.id))


def _ids_statement(user, sort: str):
    """The other sorts: one page of the ids (their rows are read after: sorting whole
    rows would cost more); the same rows as queries.thread_list_statements(tag=...)."""
    tag = bindparam("tag")
    where = [perm.thread_filter(user)]
    where.append(Thread.id.in_(select(thread_tag.c.thread_id).where(thread_tag.c.tag_id == tag)))
    if sort == "unanswered":
        where.append(and_(Thread.kind == "question", Thread.post_count == 0,
                          Thread.is_closed.is_(False)))
    return (select(Thread.id).where(*where).order_by(*_ORDER[sort])
            .limit(bindparam("limit")).offset(bindparam("offset")))


def tag_page(tag, *, sort: str, page: int) -> str:
    """The whole page for ``tag``, a ``tag_row`` this request read."""
    per_page = current_app.config["PER_PAGE"]
    params = {"tag": tag.id, "limit": per_page, "offset": (page - 1) * per_page}
    count, following = tag.count or 0, bool(tag.following)
    can_curate = perm.can(perm.check_curate_tags, current_user)
    read: list[list[int]] = []  # the ids the latest fingerprint read: the render lists them

    def listing() -> tuple[list[int], tuple]:
        """(one page of ids in order, their rows as a list shows them)"""
        conn = db.session.connection()
        if sort == "recent":
            rows_q = list_cache.statements("tag-recent",
                                           lambda user: KeyRead(_recent_statement(user)))
            rows = list_cache.listed_rows(rows_q.rows(conn, **params))
            read[:] = [[row[0] for row in rows]]
            return read[0], rows
        ids_q = list_cache.statements(("tag", sort),
                                      lambda user: KeyRead(_ids_statement(user, sort)))
        read[:] = [ids_q.scalars(conn, **params)]
        return read[0], list_cache.thread_rows(sorted(read[0]))

    def fingerprint() -> tuple:
        listed, rows = listing()
        # The tag's row holds the reader's count and follow state.
        return ("tag", list_cache.reader(), tuple(tag), sort, page, per_page, tuple(listed),
                rows, can_curate)

    def column() -> str:
        listed = read[0] if read else listing()[0]
        rows = ({t.id: t for t in db.session.scalars(select(Thread).where(Thread.id.in_(listed)))}
                if listed else {})
        items = [rows[i] for i in listed if i in rows]
        return render_template(
            "tags/_show.html", tag=tag, count=count, sort=sort, sorts=SORTS,
            page=Page(items=items, page=page, per_page=per_page, total=count),
            following=following, can_curate=can_curate, errors={},
            form={"description": tag.description or ""})

    return list_cache.serve(_("Tag: %(name)s", name=tag.name), fingerprint, column)
