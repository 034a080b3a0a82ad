"""Customer organisations: a company whose people ask in the community, with the
support tier it bought (its first-response target; ``ORGANISATION_TIERS``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .. import lengths
from ..extensions import db
from .base import UTCDateTime, utcnow


class Organisation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(lengths.ORGANISATION_NAME_MAX), unique=True)
    # A key of ORGANISATION_TIERS; a tier removed from the settings falls back to the
    # default targets (escalation.rules.tier_hours) rather than breaking the clock.
    tier: Mapped[str] = mapped_column(String(lengths.TIER_MAX))
    # The CRM's id for the account (unique when set, so a CRM finds it back).
    external_ref: Mapped[str | None] = mapped_column(String(lengths.EXTERNAL_REF_MAX), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
