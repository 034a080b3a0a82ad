"""The profile page (/users/<username>), cached by what it shows (list_cache's contract).

Each request reads fresh, with a few prebuilt Core queries, everything the column
shows: the person's row (name, picture, role, reputation, ambassador, bio, joining
day), their badge awards, the last lines of their reputation history the reader may
see and whether there are more (with each line's thread title and whether its post is
visible; no count of the lines, which would read them all), their recent threads
as the thread lists show them and their recent answers with their threads' titles.
What the reader may list (readable spaces, deleted threads for moderators) is in the
statements, built once per kind of reader (``list_cache.statements``). The key adds
``list_cache.reader()``, whether the reader is the person (their own links and level
progress) and, for a moderator who may sanction them, the sanction in force now.

Every date on the page is absolute (a day, a date and time in the reader's zone), so
the clock is not in the key; the sanction is read for now, so its end changes the key.
"""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import String, bindparam, cast, func, or_, select

from .. import permissions as perm
from .. import queries
from ..extensions import db
from ..gamification.history import PROFILE_LINES
from ..key_reads import KeyRead
from ..models import BadgeAward, LedgerEntry, Post, Thread, User
from . import list_cache

ACTIVITY = 10  # threads and answers shown (queries.user_activity's limit)
HISTORY = PROFILE_LINES  # reputation lines shown

_U, _T, _P = User.__table__, Thread.__table__, Post.__table__
_L, _B = LedgerEntry.__table__, BadgeAward.__table__
_UID = bindparam("uid")
# The person's badge awards ride along with their row (the panel groups them by badge:
# gamification.badges.user_badges); their order in the aggregate is sorted away.
_AWARDS = (select(func.aggregate_strings(
    _B.c.badge + " " + cast(_B.c.id, String) + " " + cast(_B.c.awarded_at, String), "\x1f"))
    .where(_B.c.user_id == _U.c.id).scalar_subquery())
_PERSON = select(_U.c.id, _U.c.username, _U.c.display_name, _U.c.role, _U.c.reputation,
                 _U.c.is_ambassador, _U.c.bio_html, _U.c.avatar_version, _U.c.created_at,
                 _AWARDS.label("awards")
                 ).where(_U.c.username_lower == bindparam("name"), _U.c.erased_at.is_(None))


def _statements(user) -> tuple:
    """What the reader may list of the person's activity (gamification.history and
    queries.user_activity, in the same order)."""
    readable = perm.thread_filter(user)
    threads = list_cache.rows_statement((_T.c.author_id == _UID) & readable,
                                        (_T.c.created_at.desc(), _T.c.id.desc()), ACTIVITY)
    posts = (select(_P.c.id, _P.c.thread_id, _P.c.score, _P.c.created_at, _T.c.kind,
                    _T.c.title)
             .join(_T, _T.c.id == _P.c.thread_id)
             .where(_P.c.author_id == _UID, _P.c.deleted_at.is_(None), readable)
             .order_by(_P.c.created_at.desc(), _P.c.id.desc()).limit(ACTIVITY))
    # gamification.history.recent_history: a line about a thread the reader may not list
    # is not there at all; one more line than shown says whether to link to the rest.
    history = (select(_L.c.id, _L.c.points, _L.c.reason, _L.c.cause, _L.c.key,
                      _L.c.created_at, _L.c.thread_id, _T.c.kind, _T.c.title, _L.c.post_id,
                      _P.c.deleted_at.is_(None))
               .outerjoin(_T, _T.c.id == _L.c.thread_id)
               .outerjoin(_P, _P.c.id == _L.c.post_id)
               .where(_L.c.user_id == _UID, or_(_L.c.thread_id.is_(None), readable))
               .order_by(_L.c.created_at.desc(), _L.c.id.desc()).limit(HISTORY + 1))
    return KeyRead(threads), KeyRead(posts), KeyRead(history)


def _sanction(person) -> tuple | None:
    """The sanction in force, for a reader whose page shows the sanction tools."""
    me = current_user._get_current_object()
    if not (me.is_authenticated and me.is_moderator):
        return None  # perm.check_sanction's first rule: no query for everyone else
    target = db.session.get(User, person.id)
    if not perm.can(perm.check_sanction, me, target):
        return None
    found = perm.active_sanction(target)
    return (found.id, found.kind, found.ends_at, found.reason) if found else ()


def _fingerprint(person) -> tuple:
    conn = db.session.connection()
    threads_q, posts_q, history_q = list_cache.statements("profile", _statements)
    uid = {"uid": person.id}
    me = current_user._get_current_object()
    return ("profile", list_cache.reader(), tuple(person[:-1]),
            tuple(sorted((person.awards or "").split("\x1f"))),
            bool(me.is_authenticated and me.id == person.id), _sanction(person),
            tuple(history_q.rows(conn, **uid)),
            list_cache.listed_rows(threads_q.rows(conn, **uid)),
            tuple(posts_q.rows(conn, **uid)))


def _render(person_id: int) -> str:
    # Read afresh even when it is the reader's own row, loaded before the key was read.
    user = db.session.get(User, person_id, populate_existing=True)
    threads, posts = queries.user_activity(db.session, current_user, user, limit=ACTIVITY)
    return render_template("users/_profile.html", profile=user, user=user, threads=threads,
                           posts=posts)


def person(username: str):
    """The person's row as the page shows it, or None (an erased account is nobody)."""
    return db.session.connection().execute(_PERSON, {"name": username.lower()}).first()


def page(found) -> str:
    """``found`` is ``person(username)``, read by the view (its 404)."""
    rows = [found]

    def fingerprint() -> tuple | None:
        # Read again when serve checks the key after a render (PostgreSQL).
        row = rows.pop() if rows else person(found.username)
        return _fingerprint(row) if row is not None else None

    return list_cache.serve(found.display_name, fingerprint, lambda: _render(found.id))
