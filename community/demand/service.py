"""Linking an idea to the questions and cases that asked for it: one verb per
function, never a commit. Linking twice or unlinking what is not linked is a no-op."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import permissions as perm
from ..errors import NotFound, ValidationFailed
from ..models import Case, IdeaDemand, Thread, User

# "123", "#123", ".../threads/123/slug" are questions; "case 12", "c12", ".../cases/12"
# are cases.
_CASE_REF = re.compile(r"(?:/cases/|^\s*(?:case\s*#?|c)\s*)(\d{1,18})\b", re.IGNORECASE)
_THREAD_REF = re.compile(r"(?:/threads/|^\s*#?\s*)(\d{1,18})\b")


def parse_reference(ref: str) -> tuple[str, int]:
    """("case", id) or ("thread", id) from what staff typed or pasted."""
    text = (ref or "").strip()
    for kind, pattern in (("case", _CASE_REF), ("thread", _THREAD_REF)):
        match = pattern.search(text)
        if match:
            return kind, int(match.group(1))
    raise ValidationFailed(_("Give the address or number of a question or a case."),
                           {"ref": [_("Give the address or number of a question or a case.")]})


def _idea(by: User, idea: Thread) -> None:
    perm.check_link_demand(by, idea)
    if idea.kind != "idea":
        raise ValidationFailed(_("Only ideas are linked to the questions that asked for them."),
                               {"idea": [_("This thread is not an idea.")]})


def _question(by: User, thread: Thread | None) -> Thread:
    thread = perm.require_thread(by, thread)
    if thread.kind != "question":
        message = _("Only questions and cases can be linked to an idea.")
        raise ValidationFailed(message, {"thread_id": [message]})
    return thread


def _insert(session: Session, row: IdeaDemand) -> IdeaDemand:
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # linked already, perhaps at the same moment: one row stays
        where = (IdeaDemand.thread_id == row.thread_id if row.thread_id is not None
                 else IdeaDemand.case_id == row.case_id)
        return session.scalar(select(IdeaDemand).where(IdeaDemand.idea_id == row.idea_id, where))
    return row


def link_thread(session: Session, idea: Thread, thread: Thread | None, *, by: User) -> IdeaDemand:
    _idea(by, idea)
    thread = _question(by, thread)
    existing = session.scalar(select(IdeaDemand).where(
        IdeaDemand.idea_id == idea.id, IdeaDemand.thread_id == thread.id))
    return existing or _insert(session, IdeaDemand(idea_id=idea.id, thread_id=thread.id,
                                                   linked_by_id=by.id))


def link_case(session: Session, idea: Thread, case: Case | None, *, by: User) -> IdeaDemand:
    _idea(by, idea)
    if case is None:
        raise NotFound(_("This case does not exist."))
    _question(by, case.thread)
    existing = session.scalar(select(IdeaDemand).where(
        IdeaDemand.idea_id == idea.id, IdeaDemand.case_id == case.id))
    return existing or _insert(session, IdeaDemand(idea_id=idea.id, case_id=case.id,
                                                   linked_by_id=by.id))


def link_reference(session: Session, idea: Thread, ref: str, *, by: User) -> IdeaDemand:
    """The idea page's form: a question or case by its address or number."""
    _idea(by, idea)
    kind, target_id = parse_reference(ref)
    if kind == "case":
        return link_case(session, idea, session.get(Case, target_id), by=by)
    return link_thread(session, idea, session.get(Thread, target_id), by=by)


def unlink_thread(session: Session, idea: Thread, thread_id: int, *, by: User) -> bool:
    _idea(by, idea)
    done = session.execute(delete(IdeaDemand).where(
        IdeaDemand.idea_id == idea.id, IdeaDemand.thread_id == thread_id))
    return bool(done.rowcount)


def unlink_case(session: Session, idea: Thread, case_id: int, *, by: User) -> bool:
    _idea(by, idea)
    done = session.execute(delete(IdeaDemand).where(
        IdeaDemand.idea_id == idea.id, IdeaDemand.case_id == case_id))
    return bool(done.rowcount)


def find_ideas(session: Session, reader: User, words: str, *, limit: int = 20) -> list[Thread]:
    """Ideas to link a question to: by number, else by words of the title."""
    words = (words or "").strip()[:200]
    query = select(Thread).where(Thread.kind == "idea", perm.thread_filter(reader))
    if re.fullmatch(r"#?\d{1,18}", words):
        query = query.where(Thread.id == int(words.lstrip("#")))
    else:
        for word in words.split()[:8]:
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(Thread.title.ilike(f"%{escaped}%", escape="\\"))
    return list(session.scalars(query.order_by(Thread.score.desc(), Thread.id.desc()).limit(limit)))
