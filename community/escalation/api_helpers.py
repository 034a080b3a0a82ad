"""The `case` field of GET /threads/{id}, for staff only (the caller checks the role)."""

from __future__ import annotations

from .cases import latest_case
from .schemas import CaseOut
from .service import attach_organisations


def thread_case_json(session, thread) -> dict | None:
    case = latest_case(session, thread.id)
    return CaseOut().dump(attach_organisations(session, [case])[0]) if case is not None else None
