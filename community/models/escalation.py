"""Escalation: expert groups, their members, cases with their history and internal
notes, and how each resolved thread was resolved."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import lengths
from ..extensions import db
from .base import UTCDateTime, utcnow
from .thread import Thread
from .user import User

CASE_STATES = ("new", "assigned", "in_progress", "waiting_customer", "resolved")
OPEN_STATES = CASE_STATES[:-1]
PRIORITIES = ("low", "normal", "high", "urgent")
RESOLUTION_KINDS = ("peer", "employee", "case")


class ExpertGroup(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    # Routing keys: tag names and space slugs this group covers.
    tags: Mapped[list] = mapped_column(JSON, default=list)
    spaces: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[GroupMember]] = relationship(
        back_populates="group", lazy="selectin", cascade="all, delete-orphan",
        order_by="GroupMember.id")


class GroupMember(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("expert_group.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    out_of_office: Mapped[bool] = mapped_column(Boolean, default=False)

    group: Mapped[ExpertGroup] = relationship(back_populates="members")
    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (UniqueConstraint("group_id", "user_id", name="uq_group_member"),)


class Case(db.Model):
    __tablename__ = "escalation_case"  # CASE is an SQL keyword

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"), index=True)
    # Equal to thread_id while the case is open, NULL once resolved: the unique
    # constraint is what keeps two racing sweeps from opening two cases on a thread.
    open_thread_id: Mapped[int | None] = mapped_column(unique=True)
    state: Mapped[str] = mapped_column(String(16), default="new")
    group_id: Mapped[int | None] = mapped_column(ForeignKey("expert_group.id", ondelete="SET NULL"),
                                                 index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                    index=True)
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    # The CRM's ticket id (PATCH /cases/{id}); unique when set so a lookup finds one.
    external_ref: Mapped[str | None] = mapped_column(String(lengths.EXTERNAL_REF_MAX),
                                                     unique=True, index=True)
    source: Mapped[str] = mapped_column(String(16))  # the rule, "ask_expert" or "manual"
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_warn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Business seconds left on the clock while it is paused (waiting for the customer).
    sla_paused_remaining: Mapped[int | None] = mapped_column()
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    thread: Mapped[Thread] = relationship(lazy="joined", innerjoin=True)
    group: Mapped[ExpertGroup | None] = relationship(lazy="joined")
    assignee: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[assignee_id])

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(
            "state IN ('new', 'assigned', 'in_progress', 'waiting_customer', 'resolved')",
            name="state"),
        CheckConstraint("priority IN ('low', 'normal', 'high', 'urgent')", name="priority"),
        Index("ix_case_sla_due", "first_response_due_at"),
        Index("ix_case_sla_warn", "sla_warn_at"),
        Index("ix_case_state", "state"),
    )

    @property
    def is_open(self) -> bool:
        return self.state != "resolved"

    @property
    def breached(self) -> bool:
        return self.breached_at is not None


class CaseEvent(db.Model):
    """The case's history: who did what, when (never note text)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("escalation_case.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(24))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship(lazy="joined")


class CaseNote(db.Model):
    """Internal, staff only: never indexed, notified, pushed or counted anywhere public."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("escalation_case.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class ThreadResolution(db.Model):
    """How a thread got resolved, for the analytics: by a peer, an employee before any
    escalation, or through a case."""

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"), unique=True)
    resolved_by: Mapped[str] = mapped_column(String(8))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("escalation_case.id", ondelete="SET NULL"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_response_seconds: Mapped[int | None] = mapped_column()
    resolution_seconds: Mapped[int] = mapped_column()

    __table_args__ = (
        CheckConstraint("resolved_by IN ('peer', 'employee', 'case')", name="resolved_by"),
    )
