"""When an idea ships, the people whose questions and cases asked for it hear of it."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..events import IdeaStatusChanged, on
from ..models import Case, IdeaDemand, Thread
from ..notifications import notify


def askers(session: Session, idea_id: int) -> set[int]:
    """The authors of the questions behind an idea's links (direct or through a case)."""
    asked = func.coalesce(IdeaDemand.thread_id, Case.thread_id)
    return set(session.scalars(
        select(Thread.author_id).select_from(IdeaDemand)
        .outerjoin(Case, Case.id == IdeaDemand.case_id)
        .join(Thread, Thread.id == asked)
        .where(IdeaDemand.idea_id == idea_id).distinct()))


@on(IdeaStatusChanged)
def on_idea_shipped(session: Session, ev: IdeaStatusChanged) -> None:
    # The same occasion as notifications.fanout's status notice to the author, voters
    # and followers: an asker who also voted gets one notification, this one (its rank
    # is higher), unless they turned this kind off.
    if ev.new_status != "shipped":
        return
    idea = session.get(Thread, ev.thread_id)
    if idea is None:
        return
    notify(session, "idea_shipped_for_you", recipients=askers(session, idea.id),
           actor_id=ev.by_id, thread=idea, data={"title": idea.title}, occasion=ev)
