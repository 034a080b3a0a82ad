"""Schemas of the gamification API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .. import lengths
from ..schemas import AtMost, In, Text
from ..schemas.core import UserSummaryOut
from .leaderboard import PERIODS, TRACKS


class LeaderboardArgs(In):
    period = Text(load_default="week", validate=validate.OneOf(PERIODS))
    track = Text(load_default="members", validate=validate.OneOf(TRACKS))
    space = Text(load_default=None, validate=validate.Length(max=50))


class StandingOut(Schema):
    user = fields.Nested(UserSummaryOut)
    points = fields.Integer()
    rank = fields.Integer()


class LedgerLineOut(Schema):
    points = fields.Integer()
    reason = fields.String()
    created_at = fields.DateTime()
    thread_id = fields.Integer(attribute="visible_thread_id", allow_none=True)
    post_id = fields.Integer(attribute="visible_post_id", allow_none=True)


class BadgeDefOut(Schema):
    slug = fields.String()
    name = fields.Function(lambda b: str(b.name))
    tier = fields.String()
    description = fields.Function(lambda b: b.describe())
    repeatable = fields.Boolean()
    holders = fields.Integer(dump_default=0)


class AmbassadorActionIn(In):
    action = Text(required=True, validate=validate.OneOf(["confirm", "decline", "renew"]))
    note = Text(load_default=None, validate=AtMost(lengths.AMBASSADOR_NOTE_MAX))


class CandidateOut(Schema):
    user = fields.Nested(UserSummaryOut)
    points = fields.Integer()
    rank = fields.Integer()


class ReversedOut(Schema):
    reversed = fields.Integer()
