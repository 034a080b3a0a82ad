"""The analytics part of `flask community recompute`: timelines, rollups and
contribution counts rebuilt from the content tables, each difference reported."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..gamification.recompute import Report
from . import facts


def recompute(session: Session, report, *, check: bool) -> None:
    facts.sync_timelines(session, facts.question_ids(session), check=check, report=report)
    facts.sync_daily(session, None, check=check, report=report)
    facts.sync_all_contributions(session, check=check, report=report)


def after_import(session: Session) -> str:
    """Imported rows announce nothing: their questions' timelines are built here."""
    report = Report()
    recompute(session, report, check=False)
    return f"analytics facts rebuilt ({report.total} rows brought up to date)"
