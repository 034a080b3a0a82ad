"""Knowledge articles (threads of kind ``article``): every version of their text, and the
people whose question and answers they were written from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..lengths import ARTICLE_NOTE_MAX, TITLE_MAX
from .base import UTCDateTime, utcnow
from .user import User


class ArticleRevision(db.Model):
    """One version of an article as published: version 1 at promotion, one more per edit
    (the thread row holds the newest, this table every one of them)."""

    __tablename__ = "article_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(String(ARTICLE_NOTE_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    editor: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("article_id", "version"),)


class ArticleCredit(db.Model):
    """Someone an article was written from: the asker, the accepted answer's author and
    any other answer's author the staff member chose to credit."""

    __tablename__ = "article_credit"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("thread.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    role: Mapped[str] = mapped_column(String(12))
    # Where the credit comes in the line: the asker first, then the answers in order.
    position: Mapped[int] = mapped_column(default=0)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (CheckConstraint("role IN ('asker', 'answerer')", name="role"),)
