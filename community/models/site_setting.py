"""Site settings edited by administrators: one row per overridden setting (its value as
JSON), read through ``community.site_rules``; no row means the configured default."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .. import lengths
from ..extensions import db
from .base import UTCDateTime, utcnow


class SiteSetting(db.Model):
    __tablename__ = "site_setting"

    # A setting's name (PRIVILEGES, FLOOD_LIMITS…), or the version marker that every
    # write changes so each process knows to read the others again.
    key: Mapped[str] = mapped_column(String(lengths.SITE_SETTING_KEY_MAX), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
