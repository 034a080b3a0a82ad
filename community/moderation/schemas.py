"""What the moderation forms and endpoints read: the same schemas for pages and the API."""

from __future__ import annotations

from .. import lengths
from ..models.moderation import FLAG_REASONS
from ..schemas import AtMost, In, Text, fields, validate
from . import queue, threads

_ID = validate.Range(min=1, max=2**31 - 1)


class FlagIn(In):
    reason = fields.String(required=True, validate=validate.OneOf(FLAG_REASONS))
    note = Text(load_default=None, allow_none=True, validate=AtMost(lengths.REASON_MAX))


class ItemActionIn(In):
    action = fields.String(required=True, validate=validate.OneOf(queue.ACTIONS))
    reason = Text(load_default=None, allow_none=True, validate=AtMost(lengths.REASON_MAX))


class ModerateIn(In):
    action = fields.String(required=True, validate=validate.OneOf(threads.ACTIONS))
    target = fields.Raw(load_default=None, allow_none=True)
    reason = Text(load_default=None, allow_none=True, validate=AtMost(lengths.REASON_MAX))


class ModerateFormIn(ModerateIn):
    """The thread page's form: a merge is shown for confirmation until ``confirm`` says yes."""
    confirm = fields.Boolean(load_default=False)


class SanctionIn(In):
    action = fields.String(required=True, validate=validate.OneOf(("silence", "suspend", "lift")))
    days = fields.Integer(load_default=None, allow_none=True, strict=True)
    reason = Text(load_default="", validate=AtMost(lengths.SANCTION_REASON_MAX))


class OfficialIn(In):
    official = fields.Boolean(load_default=True)


class PromoteIn(In):
    """A knowledge article from a solved question: ``body`` defaults to the question and
    its accepted answer; ``credit`` names other answers whose authors are credited."""
    # Checked by ``articles.target_space``: empty, unknown or not postable is a field error.
    space = Text(load_default="", validate=AtMost(64))
    title = Text(load_default=None, allow_none=True, validate=AtMost(lengths.TITLE_MAX))
    body = Text(load_default=None, allow_none=True, validate=AtMost(lengths.BODY_MAX))
    credit = fields.List(fields.Integer(validate=_ID), load_default=list,
                         validate=validate.Length(max=50))


class PromoteFormIn(PromoteIn):
    """The thread page's form: shown for confirmation (and editing) until ``confirm``."""
    confirm = fields.Boolean(load_default=False)


class ArticleEditIn(In):
    title = Text(load_default=None, validate=AtMost(lengths.TITLE_MAX))
    body = Text(load_default=None, validate=AtMost(lengths.BODY_MAX))
    note = Text(load_default="", validate=AtMost(lengths.ARTICLE_NOTE_MAX))
    # The version the editor started from: a newer one by someone else is a 409.
    base_version = fields.Integer(load_default=None, allow_none=True, validate=_ID)


class QueueArgs(In):
    state = Text(load_default="open", validate=validate.OneOf(("open", "resolved", "all")))


class AuditArgs(In):
    action = Text(load_default=None, validate=AtMost(64))
    actor = Text(load_default=None)  # cut to a username's length, as typed
    target_type = Text(load_default=None, validate=AtMost(16))
    target_id = fields.Integer(load_default=None, validate=_ID)
    since = fields.Date(load_default=None)  # pages only


class WordsFormIn(In):
    """The watched-words page: one of its three forms (remove, import, add) at a time."""
    delete = fields.Integer(load_default=None, validate=_ID)
    csv_text = Text(load_default="")
    word = Text(load_default="", validate=AtMost(lengths.WORD_MAX))
    action = Text(load_default="")
    replacement = Text(load_default=None, validate=AtMost(lengths.WORD_MAX))
