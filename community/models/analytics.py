"""Analytics facts: one timeline row per question, daily rollups, and the small logs of
deflection (ask forms, counters) and reading. Every row here is derived: `flask community
recompute` rebuilds the timeline, the rollups and the contribution counts from the
content tables (views and deflection logs have no other source and are kept)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime


class QuestionTimeline(db.Model):
    """One question's life: asked, first response (and by what kind of person), solved
    (and how), its first case with the SLA outcome. Times are UTC; the business-hours
    figures use the SLA calendar (community/escalation/calendar.py)."""

    __tablename__ = "question_timeline"

    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"),
                                           primary_key=True, autoincrement=False)
    space_id: Mapped[int] = mapped_column(ForeignKey("space.id", ondelete="CASCADE"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    asked_day: Mapped[date] = mapped_column(Date)
    imported: Mapped[bool] = mapped_column(Boolean, default=False)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))
    first_response_kind: Mapped[str | None] = mapped_column(String(10))  # peer|ambassador|staff
    first_response_seconds: Mapped[int | None] = mapped_column()
    first_response_business_seconds: Mapped[int | None] = mapped_column()
    solved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(String(10))  # peer|ambassador|staff|case
    resolution_seconds: Mapped[int | None] = mapped_column()
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("escalation_case.id", ondelete="SET NULL"))
    case_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("expert_group.id", ondelete="SET NULL"))
    case_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    case_first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    case_resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    case_response_business_seconds: Mapped[int | None] = mapped_column()
    sla: Mapped[str | None] = mapped_column(String(8))  # met|breached|pending
    sla_warned: Mapped[bool] = mapped_column(Boolean, default=False)
    # Answers from anyone but the asker still visible, and those written by a member who
    # was an ambassador at the time (the ambassadors' share of answers).
    answers: Mapped[int] = mapped_column(default=0, server_default="0")
    ambassador_answers: Mapped[int] = mapped_column(default=0, server_default="0")

    __table_args__ = (
        Index("ix_question_timeline_day_space", "asked_day", "space_id"),
        # The percentiles sort one column of a period's rows: with the day and the
        # column in one index they are read without touching the table.
        Index("ix_question_timeline_day_first", "asked_day", "space_id", "first_response_seconds"),
        Index("ix_question_timeline_day_business", "asked_day", "space_id",
              "first_response_business_seconds"),
        Index("ix_question_timeline_day_resolution", "asked_day", "space_id", "resolution_seconds"),
        Index("ix_question_timeline_day_case", "asked_day", "space_id", "case_id", "case_group_id",
              "sla", "sla_warned", "case_response_business_seconds"),
        # "Unanswered now, oldest first" without a scan.
        Index("ix_question_timeline_unanswered", "first_response_at", "solved_at", "asked_at"),
        Index("ix_question_timeline_unanswered_space", "space_id", "first_response_at",
              "solved_at", "asked_at"),
    )


class AnalyticsDaily(db.Model):
    """Counts of the questions asked on a day in a space (a cohort: a question asked on
    Monday and solved on Tuesday counts as solved on Monday's row)."""

    __tablename__ = "analytics_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    space_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    questions: Mapped[int] = mapped_column(default=0)
    answered: Mapped[int] = mapped_column(default=0)
    solved: Mapped[int] = mapped_column(default=0)
    by_peer: Mapped[int] = mapped_column(default=0)
    by_ambassador: Mapped[int] = mapped_column(default=0)
    by_staff: Mapped[int] = mapped_column(default=0)
    by_case: Mapped[int] = mapped_column(default=0)
    cases: Mapped[int] = mapped_column(default=0)
    sla_met: Mapped[int] = mapped_column(default=0)
    sla_breached: Mapped[int] = mapped_column(default=0)
    sla_warned: Mapped[int] = mapped_column(default=0)
    first_by_ambassador: Mapped[int] = mapped_column(default=0, server_default="0")
    answers: Mapped[int] = mapped_column(default=0, server_default="0")
    ambassador_answers: Mapped[int] = mapped_column(default=0, server_default="0")


class AnalyticsDailyTag(db.Model):
    """The counts of ``AnalyticsDaily`` for the questions of a day and space that carry a
    tag (a question with two tags counts in both): the tag filter reads these instead of
    the timelines."""

    __tablename__ = "analytics_daily_tag"

    # The tag first: a tag filter reads one contiguous range of days.
    tag_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    space_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    questions: Mapped[int] = mapped_column(default=0)
    answered: Mapped[int] = mapped_column(default=0)
    solved: Mapped[int] = mapped_column(default=0)
    by_peer: Mapped[int] = mapped_column(default=0)
    by_ambassador: Mapped[int] = mapped_column(default=0)
    by_staff: Mapped[int] = mapped_column(default=0)
    by_case: Mapped[int] = mapped_column(default=0)
    cases: Mapped[int] = mapped_column(default=0)
    sla_met: Mapped[int] = mapped_column(default=0)
    sla_breached: Mapped[int] = mapped_column(default=0)
    sla_warned: Mapped[int] = mapped_column(default=0)
    first_by_ambassador: Mapped[int] = mapped_column(default=0)
    answers: Mapped[int] = mapped_column(default=0)
    ambassador_answers: Mapped[int] = mapped_column(default=0)

    # The subscribers recount one day and space, every tag.
    __table_args__ = (Index("ix_analytics_daily_tag_day", "day", "space_id"),)


class AnalyticsDailyValues(db.Model):
    """Every duration of the questions asked on a day in a space (``tag_id`` 0: all of
    them; otherwise those carrying the tag), each column the sorted seconds packed as
    little-endian 32-bit integers (community/analytics/rollups.py). Percentiles and the
    histogram merge a period's days exactly, without reading a timeline."""

    __tablename__ = "analytics_daily_values"

    tag_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    space_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    first_response: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    first_response_business: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    resolution: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    case_response_business: Mapped[bytes] = mapped_column(LargeBinary, default=b"")

    __table_args__ = (Index("ix_analytics_daily_values_day", "day", "space_id"),)


class IdeaDecision(db.Model):
    """When an idea left "new"/"under review" for the first time, and for which status.
    Idea statuses keep no history elsewhere, so recompute cannot rebuild this log: it is
    kept as written, and its rows go with their thread."""

    __tablename__ = "analytics_idea_decision"

    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"),
                                           primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(16))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    seconds: Mapped[int] = mapped_column()


class AnalyticsCounter(db.Model):
    """Events counted per day (and space, 0 for none): searches, similar-question lists
    shown and their clicks. Counts only: no query, no account, no address."""

    __tablename__ = "analytics_counter"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    space_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)


class AskForm(db.Model):
    """One opening of the ask form, known only by a random token made for that page:
    were similar questions shown, how many were opened, was a question posted. Nothing
    ties it to an account or an address; only the day is kept."""

    __tablename__ = "analytics_ask_form"

    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    shown: Mapped[bool] = mapped_column(Boolean, default=False)
    clicks: Mapped[int] = mapped_column(default=0)
    asked: Mapped[bool] = mapped_column(Boolean, default=False)


class ActivityDay(db.Model):
    """Per account and day: thread pages read (batched upserts) and contributions
    written (questions, answers and replies still visible; rebuilt by recompute). The
    90-9-1 figures count accounts in it; nothing says which threads were read."""

    __tablename__ = "analytics_activity"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True, autoincrement=False)
    views: Mapped[int] = mapped_column(default=0)
    posts: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        # "New contributors": did this account contribute before the period? Answered
        # from the index alone.
        Index("ix_analytics_activity_user", "user_id", "day", "posts"),
        # 90-9-1 over a period: its accounts' sums without visiting the table.
        Index("ix_analytics_activity_day_cover", "day", "user_id", "posts", "views"),
    )
