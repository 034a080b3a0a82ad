"""Pages: /leaderboard, /badges, the moderators' ambassadors page, the profile panel."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from .. import permissions as perm
from ..errors import NotFound
from ..extensions import db
from ..models import Space
from ..queries import get_user
from ..schemas import load_form, page_number, query_choices
from . import ambassadors, badges, history
from . import page as board
from .levels import level_for, progress
from .schemas import AmbassadorActionIn, LeaderboardArgs

bp = Blueprint("gamification", __name__)

REASON_LABELS = {
    "upvote_received": _l("Upvote received"),
    "downvote_received": _l("Downvote received"),
    "downvote_cast": _l("Downvote cast"),
    "accepted": _l("Answer accepted"),
    "accepting": _l("Accepted an answer"),
    "idea_shipped": _l("Idea shipped"),
    "imported": _l("Imported"),
    "reversal": _l("Reversal"),
    "adjustment": _l("Adjustment"),
}
CAUSE_LABELS = {
    "vote": _l("a vote"),
    "downvote": _l("a downvote you cast"),
    "accepted": _l("an accepted answer"),
    "accepting": _l("accepting an answer"),
    "idea_shipped": _l("a shipped idea"),
}
TIER_LABELS = {"bronze": _l("Bronze"), "silver": _l("Silver"), "gold": _l("Gold")}


@bp.get("/leaderboard")
def leaderboard_page():
    args = query_choices(LeaderboardArgs)
    slug = (args["space"] or "").strip()
    space = None
    if slug:
        space = perm.require_space(current_user,
                                   db.session.scalar(select(Space).where(Space.slug == slug)))
    return board.page(period=args["period"], track=args["track"], space=space,
                      page=page_number())


@bp.get("/badges")
def badges_page():
    counts = badges.holders(db.session)
    by_tier = {tier: [b for b in badges.BADGES if b.tier == tier] for tier in badges.TIERS}
    mine = ({b["slug"] for b in badges.user_badges(db.session, current_user.id)}
            if current_user.is_authenticated else set())
    return render_template("gamification/badges.html", by_tier=by_tier, counts=counts,
                           mine=mine, TIER_LABELS=TIER_LABELS)


@bp.get("/moderation/ambassadors")
@perm.requires(perm.require_moderator)
def ambassadors_page():
    return render_template(
        "gamification/ambassadors.html",
        proposals=ambassadors.proposals(db.session),
        current=ambassadors.ambassadors(db.session),
        due={u.id for u, _d in ambassadors.due_for_review(db.session)},
        split=ambassadors.participation(db.session),
        window_days=ambassadors.window().days,
    )


@bp.post("/moderation/ambassadors/<username>")
@perm.requires(perm.require_moderator)
def ambassador_action(username: str):
    user = get_user(db.session, username[:30])
    if user is None:
        raise NotFound(_("This person does not exist."))
    data = load_form(AmbassadorActionIn())
    note = data["note"] or ""
    if data["action"] == "decline":
        ambassadors.decline(db.session, user, by=current_user, note=note)
        message = _("%(name)s was not confirmed this time.", name=user.display_name)
    else:
        ambassadors.confirm(db.session, user, by=current_user, note=note)
        message = _("%(name)s is an ambassador.", name=user.display_name)
    db.session.commit()
    flash(message)
    return redirect(url_for("gamification.ambassadors_page"), code=303)


@bp.post("/moderation/ambassadors-review")
@perm.requires(perm.require_moderator)
def ambassadors_review():
    result = ambassadors.review(db.session)
    db.session.commit()
    flash(_("Review done: %(renewed)s renewed, %(lapsed)s lapsed.",
            renewed=len(result["renewed"]), lapsed=len(result["lapsed"])))
    return redirect(url_for("gamification.ambassadors_page"), code=303)


def profile_panel(user, viewer, per_page: int = history.PROFILE_LINES) -> dict:
    """What templates/users/_gamification.html shows for ``user`` to ``viewer``."""
    lines, more = history.recent_history(db.session, viewer, user, limit=per_page)
    return {
        "badges": badges.user_badges(db.session, user.id),
        "history": lines,
        "more_history": more,
        "level": level_for(user.reputation),
        "progress": progress(user.reputation),
    }


def reason_text(line) -> str:
    label = str(REASON_LABELS.get(line.reason, line.reason))
    if line.reason == "reversal" and line.cause_kind in CAUSE_LABELS:
        return _("%(reason)s of %(cause)s", reason=label, cause=str(CAUSE_LABELS[line.cause_kind]))
    return label


def init_jinja(app) -> None:
    app.jinja_env.globals.update(
        gamification_profile=profile_panel,
        reputation_reason=reason_text,
        tier_label=lambda t: str(TIER_LABELS.get(t, t)),
        badge_table=badges.BY_SLUG,
    )
