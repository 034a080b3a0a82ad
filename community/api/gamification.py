"""Reputation history, leaderboards, badges, ambassadors and vote reversal."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import permissions as perm
from ..errors import NotFound
from ..extensions import db
from ..gamification import ambassadors, badges, history
from ..gamification.leaderboard import leaderboard as board
from ..gamification.reversal import reverse_votes
from ..gamification.schemas import (
    AmbassadorActionIn,
    BadgeDefOut,
    CandidateOut,
    LeaderboardArgs,
    LedgerLineOut,
    ReversedOut,
    StandingOut,
)
from ..models import Space
from ..queries import get_user
from ..schemas import load_query
from ..schemas.core import UserOut
from . import bp, json_body, page_args, page_json, reply, signed_in_user
from .accounts import user_json
from .openapi import doc


def _user_or_404(username: str):
    user = get_user(db.session, username[:30])
    if user is None:
        raise NotFound(_("This user does not exist."))
    return user


@bp.get("/users/<username>/reputation")
@doc("A user's reputation history: every change with its reason", response=LedgerLineOut,
     paginated=True)
def user_reputation(username: str):
    user = _user_or_404(username)
    page, per_page = page_args()
    result = history.reputation_history(db.session, current_user, user, page=page,
                                        per_page=per_page)
    return reply(page_json(result, LedgerLineOut()))


@bp.get("/leaderboard")
@doc("Points earned this week, this month or all time, on the members or staff track",
     response=StandingOut, paginated=True, query=["period", "track", "space"])
def leaderboard():
    args = load_query(LeaderboardArgs)
    space = None
    if args["space"]:
        space = perm.require_space(
            current_user, db.session.scalar(select(Space).where(Space.slug == args["space"])))
    page, per_page = page_args()
    result = board(db.session, period=args["period"], track=args["track"], space=space,
                   page=page, per_page=per_page)
    return reply(page_json(result, StandingOut()))


@bp.get("/badges")
@doc("Every badge, how to earn it and how many hold it", response=BadgeDefOut, many=True)
def list_badges():
    counts = badges.holders(db.session)
    items = []
    for badge in badges.BADGES:
        row = BadgeDefOut().dump(badge)
        row["holders"] = counts.get(badge.slug, 0)
        items.append(row)
    return reply({"items": items})


@bp.post("/users/<username>/reverse-votes")
@doc("Reverse every vote a user cast (moderators)", response=ReversedOut, auth=True)
@perm.signed_in
def reverse_user_votes(username: str):
    by = signed_in_user()
    perm.check_reverse_votes(by, None)
    user = _user_or_404(username)
    count = reverse_votes(db.session, user, by=by)
    db.session.commit()
    return reply({"reversed": count})


@bp.get("/ambassadors/proposals")
@doc("Members the ambassador rule proposes (moderators)", response=CandidateOut, many=True,
     auth=True)
@perm.requires(perm.check_manage_ambassadors)
def ambassador_proposals():
    return reply({"items": CandidateOut(many=True).dump(ambassadors.proposals(db.session))})


@bp.post("/ambassadors/<username>")
@doc("Confirm, renew or decline an ambassador (moderators)", body=AmbassadorActionIn,
     response=UserOut, auth=True)
@perm.requires(perm.check_manage_ambassadors)
def ambassador_decision(username: str):
    by = signed_in_user()
    data = json_body(AmbassadorActionIn())
    user = _user_or_404(username)
    if data["action"] == "decline":
        ambassadors.decline(db.session, user, by=by, note=data["note"])
    else:
        ambassadors.confirm(db.session, user, by=by, note=data["note"])
    db.session.commit()
    return reply(user_json(user))
