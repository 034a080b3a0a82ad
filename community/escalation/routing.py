"""Which expert group gets a case, and which experts to suggest for it."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Post, Thread, User, thread_tag
from ..models.escalation import OPEN_STATES, Case, ExpertGroup, GroupMember
from ..models.user import STAFF_ROLES

# Weights of the routing match and of the expert ranking: data, not code.
TAG_MATCH = 2
SPACE_MATCH = 1
ACCEPTED_WEIGHT = 3.0
SCORE_WEIGHT = 0.5
GROUP_WEIGHT = 4.0
LOAD_WEIGHT = -1.0
OUT_OF_OFFICE_WEIGHT = -100.0


class Router:
    """Groups loaded once, so a sweep routes thousands of threads without a query each."""

    def __init__(self, session: Session):
        self.groups = list(session.scalars(select(ExpertGroup).order_by(ExpertGroup.id)))

    def route(self, tags: list[str], space_slug: str) -> ExpertGroup | None:
        best, best_score = None, 0
        tagset = set(tags)
        for group in self.groups:
            score = TAG_MATCH * len(tagset & set(group.tags or []))
            if space_slug in (group.spaces or []):
                score += SPACE_MATCH
            if score > best_score:
                best, best_score = group, score
        return best  # None: the community managers' triage queue


def route(session: Session, thread: Thread) -> ExpertGroup | None:
    return Router(session).route([t.name for t in thread.tags], thread.space.slug)


@dataclass
class Suggestion:
    user: User
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)


def suggested_experts(session: Session, case: Case, *, limit: int = 10) -> list[Suggestion]:
    """Staff ranked for this case, each with the reasons behind the rank."""
    thread = case.thread
    tag_ids = [t.id for t in thread.tags]
    tag_names = ", ".join(t.name for t in thread.tags)
    found: dict[int, Suggestion] = {}

    def entry(user: User) -> Suggestion:
        return found.setdefault(user.id, Suggestion(user=user))

    if tag_ids:
        in_tags = select(thread_tag.c.thread_id).where(thread_tag.c.tag_id.in_(tag_ids))
        accepted = session.execute(
            select(User, func.count(Post.id))
            .join(Post, Post.author_id == User.id)
            .join(Thread, Thread.accepted_post_id == Post.id)
            .where(Thread.id.in_(in_tags), User.role.in_(STAFF_ROLES), Post.deleted_at.is_(None))
            .group_by(User.id)
        ).all()
        for user, n in accepted:
            s = entry(user)
            s.score += ACCEPTED_WEIGHT * n
            s.reasons.append(_("%(n)s accepted answers in %(tags)s", n=n, tags=tag_names))
        scored = session.execute(
            select(User, func.sum(Post.score))
            .join(Post, Post.author_id == User.id)
            .where(Post.thread_id.in_(in_tags), User.role.in_(STAFF_ROLES),
                   Post.deleted_at.is_(None), Post.thread_id != thread.id)
            .group_by(User.id)
        ).all()
        for user, total in scored:
            if total and total > 0:
                s = entry(user)
                s.score += SCORE_WEIGHT * min(int(total), 50)
                s.reasons.append(_("answer score %(n)s in %(tags)s", n=int(total), tags=tag_names))
    out_of_office: set[int] = set()
    if case.group is not None:
        for member in case.group.members:
            s = entry(member.user)
            s.score += GROUP_WEIGHT
            s.reasons.append(_("member of %(group)s", group=case.group.name))
            if member.is_lead:
                s.reasons.append(_("lead of %(group)s", group=case.group.name))
    for member in session.scalars(select(GroupMember).where(
            GroupMember.user_id.in_(list(found)), GroupMember.out_of_office.is_(True))):
        out_of_office.add(member.user_id)
    loads = dict(session.execute(
        select(Case.assignee_id, func.count(Case.id))
        .where(Case.assignee_id.in_(list(found)), Case.state.in_(OPEN_STATES), Case.id != case.id)
        .group_by(Case.assignee_id)).all()) if found else {}
    for uid, s in found.items():
        load = loads.get(uid, 0)
        s.score += LOAD_WEIGHT * load
        s.reasons.append(_("%(n)s open cases", n=load))
        if uid in out_of_office:
            s.score += OUT_OF_OFFICE_WEIGHT
            s.reasons.append(_("out of office"))
    ranked = [s for s in found.values() if s.user.is_staff]
    ranked.sort(key=lambda s: (-s.score, s.user.username_lower))
    for s in ranked:
        s.score = round(s.score, 2)
    return ranked[:limit]


__all__ = ["Router", "Suggestion", "route", "suggested_experts"]
