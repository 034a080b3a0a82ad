"""The leaderboard page, cached by what it shows (community/web/list_cache.py's contract).

Each request reads fresh, with two or three prebuilt Core queries, everything the
column shows: the page of ranked rows as ``leaderboard`` reads them (user id, points,
and the person's name, picture, reputation and role, and whether the account was
erased: its row keeps its place but is not shown), the board's total and, past the
first page, how many are ahead (the first rank), and the spaces the reader may pick.
New points change the rows, so the key. The parsed arguments (period, track, space,
page) and the period's first day are in the key: the week and the month turn with the
clock, and the day they started is the only clock value the page depends on (it shows
no date).
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import bindparam, func, inspect, select

from .. import permissions as perm
from ..extensions import db
from ..key_reads import KeyRead
from ..models import ReputationTally, Space, User, utcnow
from ..queries import readable_spaces
from ..web import list_cache
from .leaderboard import PERIODS, TRACKS, leaderboard
from .ledger import period_start

PERIOD_LABELS = {"week": _l("This week"), "month": _l("This month"), "all": _l("All time")}
TRACK_LABELS = {"members": _l("Members"), "staff": _l("Staff")}

_R, _U, _S = ReputationTally.__table__, User.__table__, Space.__table__
_BOARD = (_R.c.period == bindparam("period"), _R.c.start == bindparam("start"),
          _R.c.space_id == bindparam("space"), _R.c.track == bindparam("track"),
          _R.c.points > 0)
# The page as leaderboard() reads it, with what the page shows of each person.
_ROWS = (select(_R.c.user_id, _R.c.points, _U.c.erased_at.is_(None), _U.c.username,
                _U.c.display_name, _U.c.avatar_version, _U.c.reputation, _U.c.role)
         .join(_U, _U.c.id == _R.c.user_id).where(*_BOARD)
         .order_by(_R.c.points.desc(), _R.c.user_id)
         .limit(bindparam("limit")).offset(bindparam("offset")))
_TOTAL = select(func.count()).select_from(_R).where(*_BOARD)
# Past the first page, the first row's rank is one more than those with more points.
_TOTAL_AHEAD = select(func.count(), func.count().filter(_R.c.points > bindparam("top"))
                      ).select_from(_R).where(*_BOARD)
_ROWS_READ, _TOTAL_READ, _TOTAL_AHEAD_READ = map(KeyRead, (_ROWS, _TOTAL, _TOTAL_AHEAD))


def _spaces(user):
    """The spaces in the picker: queries.readable_spaces."""
    return KeyRead(select(_S.c.id, _S.c.slug, _S.c.name).where(perm.space_filter(user),
                                                               _S.c.archived_at.is_(None))
                   .order_by(_S.c.position, _S.c.name))


def page(*, period: str, track: str, space: Space | None, page: int) -> str:
    """The caller has checked that the reader may read ``space``."""
    per_page = current_app.config["PER_PAGE"]
    now = utcnow()
    start = period_start(period, now)
    space_row = tuple(getattr(space, a.key) for a in inspect(Space).column_attrs) \
        if space is not None else None
    params = {"period": period, "start": start, "space": space.id if space else 0,
              "track": track, "limit": per_page, "offset": (page - 1) * per_page}

    def fingerprint() -> tuple:
        conn = db.session.connection()
        rows = tuple(_ROWS_READ.rows(conn, **params))
        if page > 1 and rows:
            counts = tuple(_TOTAL_AHEAD_READ.rows(conn, **params, top=rows[0][1]))
        else:
            counts = tuple(_TOTAL_READ.rows(conn, **params))
        spaces = list_cache.statements("leaderboard", _spaces).rows(conn)
        return ("leaderboard", list_cache.reader(), period, start, track, space_row, page,
                per_page, rows, counts, tuple(spaces))

    def render() -> str:
        board = leaderboard(db.session, period=period, track=track, space=space, page=page,
                            per_page=per_page, now=now)
        return render_template(
            "gamification/_leaderboard.html", page=board, period=period, track=track,
            space=space, spaces=readable_spaces(db.session, current_user), periods=PERIODS,
            tracks=TRACKS, PERIOD_LABELS=PERIOD_LABELS, TRACK_LABELS=TRACK_LABELS)

    return list_cache.serve(_("Leaderboard"), fingerprint, render)
