"""Files members attach to their posts (community/uploads), and which posts show them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class Upload(db.Model):
    """One stored file. The id is random (it is the address), so an upload cannot be
    found by counting; the bytes live in storage under keys made from the id alone."""

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    # Readable as that space is (a staff space: staff only); None: as the posts showing it.
    space_id: Mapped[int | None] = mapped_column(ForeignKey("space.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    content_type: Mapped[str] = mapped_column(String(60))
    is_image: Mapped[bool] = mapped_column(default=False)
    has_thumbnail: Mapped[bool] = mapped_column(default=False)
    size: Mapped[int] = mapped_column()
    width: Mapped[int | None] = mapped_column()
    height: Mapped[int | None] = mapped_column()
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the stored bytes: the ETag
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        Index("ix_upload_owner_created", "owner_id", "created_at"),
        Index("ix_upload_created", "created_at"),
    )


class UploadLink(db.Model):
    """A thread's body (``post_id`` None) or a reply that shows an upload, kept in step
    with the saved Markdown (community/uploads/links.py)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    upload_id: Mapped[str] = mapped_column(ForeignKey("upload.id", ondelete="CASCADE"),
                                           index=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))

    __table_args__ = (Index("ix_upload_link_source", "thread_id", "post_id"),)
