"""Threads (question, idea, discussion), their posts, tags, revisions and votes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..lengths import TAG_MAX, TITLE_MAX
from . import posts_rev, tag_recent, thread_counts
from .base import UTCDateTime, utcnow
from .space import Space
from .user import User

# What members post; an ``article`` is made by staff from a solved question
# (community/knowledge) and is never offered on the ask form or ThreadIn.
KINDS = ("question", "idea", "discussion")
THREAD_KINDS = (*KINDS, "article")
IDEA_STATUSES = ("new", "under_review", "planned", "in_progress", "shipped", "declined", "duplicate")
QUESTION_STATUSES = ("open", "answered", "solved", "closed")

thread_tag = Table(
    "thread_tag",
    db.metadata,
    Column("thread_id", ForeignKey("thread.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
    # The thread's, kept by the database (models/tag_recent.py): a tag's threads in
    # order of activity without walking every thread's.
    Column("last_activity_at", UTCDateTime),
    Index("ix_thread_tag_recent", "tag_id", "last_activity_at", "thread_id"),
)


class Tag(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(TAG_MAX), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # A tag merged into another (community/tags/curation.py): typing it tags with the
    # target instead, and its page redirects there.
    synonym_of_id: Mapped[int | None] = mapped_column(ForeignKey("tag.id"))


class Thread(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("space.id"))
    kind: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    score: Mapped[int] = mapped_column(default=0)
    # Votes counted in ``score`` with no Vote row (an imported dump's anonymous votes),
    # so `recompute` can check score == score_offset + sum(votes).
    score_offset: Mapped[int] = mapped_column(default=0, server_default="0")
    # Visible answers or replies; kept by the services, rebuilt by `recompute`.
    post_count: Mapped[int] = mapped_column(default=0)
    idea_status: Mapped[str | None] = mapped_column(String(16))
    status_note: Mapped[str | None] = mapped_column(Text)
    accepted_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("post.id", use_alter=True, name="fk_thread_accepted_post_id_post")
    )
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("thread.id"))
    is_locked: Mapped[bool] = mapped_column(default=False)
    is_pinned: Mapped[bool] = mapped_column(default=False)
    is_closed: Mapped[bool] = mapped_column(default=False)
    view_count: Mapped[int] = mapped_column(default=0)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Advanced by the database on every write to the thread's posts (models/posts_rev.py);
    # this object's copy is stale once one is written: read it with a query.
    posts_rev: Mapped[int] = mapped_column(default=0, server_default="0")

    space: Mapped[Space] = relationship(lazy="joined", innerjoin=True)
    author: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    tags: Mapped[list[Tag]] = relationship(
        secondary=thread_tag, lazy="selectin", order_by=Tag.name
    )
    duplicate_of: Mapped[Thread | None] = relationship(remote_side=[id], lazy="select")

    __table_args__ = (
        CheckConstraint("kind IN ('question', 'idea', 'discussion', 'article')", name="kind"),
        Index("ix_thread_space_activity", "space_id", "last_activity_at"),
        Index("ix_thread_space_score", "space_id", "score"),
        Index("ix_thread_activity", "last_activity_at"),
        # Lists and counts filter on (space, not deleted): index-only counts and sorts.
        Index("ix_thread_space_listing", "space_id", "deleted_at", "is_pinned", "last_activity_at", "id"),
        # "Unanswered" lists (home, spaces): newest open questions without a scan and a sort.
        Index("ix_thread_unanswered", "kind", "post_count", "created_at", "id"),
        # The analytics' ideas per status: few rows among a million threads.
        Index("ix_thread_ideas", "idea_status", "deleted_at", "score",
              sqlite_where=text("kind = 'idea'"), postgresql_where=text("kind = 'idea'")),
    )

    @property
    def status(self) -> str:
        if self.kind == "idea":
            return self.idea_status or "new"
        if self.is_closed:
            return "closed"
        if self.kind in ("discussion", "article"):
            return "open"
        if self.accepted_post_id is not None:
            return "solved"
        return "answered" if self.post_count > 0 else "open"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


thread_counts.install(Thread.__table__)
tag_recent.install(thread_tag)


class Post(db.Model):
    """An answer (on a question) or a reply (on an idea or a discussion)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    score: Mapped[int] = mapped_column(default=0)
    score_offset: Mapped[int] = mapped_column(default=0, server_default="0")
    is_official: Mapped[bool] = mapped_column(default=False)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Set on the opening post of a question merged into this thread (its title then):
    # it stays a question of the thread's history, never an answer to accept.
    merged_title: Mapped[str | None] = mapped_column(String(TITLE_MAX))

    thread: Mapped[Thread] = relationship(lazy="select", foreign_keys=[thread_id])
    author: Mapped[User] = relationship(lazy="joined", innerjoin=True, foreign_keys=[author_id])

    __table_args__ = (Index("ix_post_thread_created", "thread_id", "created_at"),)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


posts_rev.install(Post.__table__)


class Revision(db.Model):
    """The text as it was before an edit: title and tags for threads, body for both."""

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    editor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    title: Mapped[str | None] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    tags: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    editor: Mapped[User] = relationship(lazy="joined")


class Vote(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(8))
    target_id: Mapped[int] = mapped_column()
    value: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("user_id", "target_type", "target_id", name="uq_vote_user_target"),
        Index("ix_vote_target", "target_type", "target_id"),
        CheckConstraint("value IN (-1, 1)", name="value"),
        CheckConstraint("target_type IN ('thread', 'post')", name="target_type"),
    )
