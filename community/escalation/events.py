"""Domain events of escalation, for analytics and other subscribers."""

from __future__ import annotations

from dataclasses import dataclass

from ..events import Event


@dataclass(frozen=True)
class CaseOpened(Event):
    case_id: int
    thread_id: int


@dataclass(frozen=True)
class ThreadResolved(Event):
    thread_id: int
    resolved_by: str  # peer, employee or case
