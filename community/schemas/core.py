"""Schemas for accounts, spaces, threads, posts and votes."""

from __future__ import annotations

from flask import current_app, url_for
from marshmallow import Schema, fields, validate

from .. import lengths as L
from .. import site_rules
from ..models import IDEA_STATUSES, KINDS, QUESTION_STATUSES, THREAD_KINDS, VISIBILITIES
from . import AtMost, In, Text


class RegisterIn(In):
    username = Text(required=True, validate=AtMost(L.USERNAME_MAX))
    email = fields.Email(required=True, validate=AtMost(L.EMAIL_MAX))
    password = Text(required=True)
    display_name = Text(load_default=None, validate=AtMost(L.DISPLAY_NAME_MAX))


class TokenIn(In):
    login = Text(required=True, validate=AtMost(L.EMAIL_MAX))
    password = Text(required=True, validate=AtMost(L.PASSWORD_MAX))


class SpaceIn(In):
    slug = Text(required=True)
    name = Text(required=True, validate=validate.Length(min=1, max=100))
    description = Text(load_default="", validate=validate.Length(max=2000))
    visibility = Text(load_default="public", validate=validate.OneOf(VISIBILITIES))


class SpacePatchIn(In):
    """PATCH /spaces/{slug} and the /admin/spaces forms: absent fields stay as they are."""

    name = Text(validate=validate.Length(min=1, max=100))
    description = Text(validate=validate.Length(max=2000))
    visibility = Text(validate=validate.OneOf(VISIBILITIES))
    position = fields.Integer(validate=validate.Range(min=0, max=10_000))
    archived = fields.Boolean()


class MePatchIn(In):
    """One field per setter of services.profile.PROFILE_FIELDS, which checks the value."""

    display_name = Text(validate=validate.Length(max=1000))
    bio = Text(allow_none=True, validate=validate.Length(max=100_000))
    # An IANA name (Europe/Paris); null or "" follows the site's default.
    timezone = Text(allow_none=True, validate=validate.Length(max=64))
    # Checked against the configured languages by the service; null follows the browser.
    locale = Text(allow_none=True, validate=validate.Length(max=8))
    # A new address stays unverified until its link is followed (services.account_email).
    email = fields.Email(validate=validate.Length(max=254))


class EmailIn(In):
    email = fields.Email(required=True, validate=validate.Length(max=254))


class TokenLinkIn(In):
    token = Text(required=True, validate=validate.Length(max=100))


class PasswordResetIn(In):
    token = Text(required=True, validate=validate.Length(max=100))
    password = Text(required=True)


class PasswordChangeIn(In):
    current_password = Text(required=True, validate=validate.Length(max=1000))
    new_password = Text(required=True, validate=validate.Length(max=1000))


class ThreadIn(In):
    space = Text(required=True)
    kind = Text(required=True, validate=validate.OneOf(KINDS))
    title = Text(required=True, validate=AtMost(L.TITLE_MAX))
    body = Text(required=True, validate=AtMost(L.TEXT_CAP))
    tags = fields.List(Text(validate=AtMost(L.TAG_MAX)), load_default=list,
                       validate=validate.Length(max=L.TAGS_MAX))


class ThreadPatchIn(In):
    title = Text(validate=AtMost(L.TITLE_MAX))
    body = Text(validate=AtMost(L.TEXT_CAP))
    tags = fields.List(Text(validate=AtMost(L.TAG_MAX)), validate=validate.Length(max=L.TAGS_MAX))


class PostIn(In):
    body = Text(required=True, validate=AtMost(L.TEXT_CAP))


class VoteIn(In):
    value = fields.Integer(required=True, strict=True, validate=validate.OneOf([1, -1]))


class AcceptIn(In):
    post_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2**31 - 1))


class IdeaStatusIn(In):
    status = Text(required=True, validate=validate.OneOf(IDEA_STATUSES))
    note = Text(load_default=None, validate=AtMost(L.IDEA_NOTE_MAX))


class ThreadListArgs(In):
    space = Text(load_default=None)
    kind = Text(load_default=None, validate=validate.OneOf(THREAD_KINDS))
    tag = Text(load_default=None)
    status = Text(load_default=None,
                  validate=validate.OneOf(QUESTION_STATUSES + IDEA_STATUSES))
    sort = Text(load_default="recent", validate=validate.OneOf(["recent", "votes", "unanswered"]))


# ---- output ----

def level_for(reputation: int) -> dict:
    number, name = 1, "Newcomer"
    for n, label, minimum in site_rules.value("LEVELS"):
        if reputation >= minimum:
            number, name = n, label
    return {"number": number, "name": name}


def avatar_url(user, size: int | None = None) -> str | None:
    """The address of the user's uploaded picture at ``size`` pixels (the largest kept
    by default), or None: the page shows their initial."""
    if not user.avatar_version:
        return None
    sizes = current_app.config["AVATAR_SIZES"]
    size = min((s for s in sizes if s >= (size or max(sizes))), default=max(sizes))
    return url_for("avatars.avatar", user_id=user.id, version=user.avatar_version, size=size)


class UserSummaryOut(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    level = fields.Function(lambda u: level_for(u.reputation))
    is_staff = fields.Boolean()
    is_ambassador = fields.Boolean()


class BadgeOut(Schema):
    slug = fields.String()
    name = fields.String()
    tier = fields.String()
    awarded_at = fields.DateTime()


class UserOut(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    is_staff = fields.Boolean()
    is_ambassador = fields.Boolean()
    reputation = fields.Integer()
    level = fields.Function(lambda u: level_for(u.reputation))
    # Read before dumping (api.accounts.user_json): schemas run no queries.
    badges = fields.Raw()
    created_at = fields.DateTime()
    bio = fields.String(allow_none=True)  # Markdown as written; bio_html is what pages show
    bio_html = fields.String(allow_none=True)
    avatar_url = fields.Function(avatar_url)


class MeOut(UserOut):
    email = fields.String()
    email_verified = fields.Function(lambda u: u.email_verified_at is not None)
    locale = fields.String(allow_none=True)
    timezone = fields.String(allow_none=True)
    unread_notifications = fields.Raw()  # read before dumping, as badges


class SpaceOut(Schema):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    description = fields.String()
    visibility = fields.String()
    position = fields.Integer()
    archived = fields.Function(lambda s: s.archived_at is not None)


class PostOut(Schema):
    id = fields.Integer()
    thread_id = fields.Integer()
    author = fields.Nested(UserSummaryOut)
    body = fields.String()
    body_html = fields.String()
    score = fields.Integer()
    my_vote = fields.Integer(dump_default=0)
    is_accepted = fields.Function(lambda p: p.thread.accepted_post_id == p.id)
    is_official = fields.Boolean()
    is_deleted = fields.Boolean()
    # Set by the view: awaiting a moderator's approval (only its author and moderators see it).
    held = fields.Boolean(dump_default=False)
    # The title of a question merged into this thread (this post was its opening post):
    # part of the thread's history, never an answer to accept. null for an answer.
    merged_title = fields.String(allow_none=True)
    created_at = fields.DateTime()
    edited_at = fields.DateTime(allow_none=True)


class ThreadSummaryOut(Schema):
    id = fields.Integer()
    space = fields.Function(lambda t: t.space.slug)
    kind = fields.String()
    title = fields.String()
    author = fields.Nested(UserSummaryOut)
    tags = fields.Function(lambda t: [tag.name for tag in t.tags])
    status = fields.String()
    score = fields.Integer()
    answer_count = fields.Integer(attribute="post_count")
    accepted_post_id = fields.Integer(allow_none=True)
    is_locked = fields.Boolean()
    is_pinned = fields.Boolean()
    created_at = fields.DateTime()
    last_activity_at = fields.DateTime()


class ThreadOut(ThreadSummaryOut):
    body = fields.String()
    body_html = fields.String()
    status_note = fields.String(allow_none=True)
    duplicate_of = fields.Integer(attribute="duplicate_of_id", allow_none=True)
    edited_at = fields.DateTime(allow_none=True)
    is_closed = fields.Boolean()
    my_vote = fields.Integer(dump_default=0)
    # Set by the view: awaiting a moderator's approval (only its author and moderators see it).
    held = fields.Boolean(dump_default=False)
    # Set by the view: the posts this reader may see, in display order.
    posts = fields.List(fields.Nested(PostOut), attribute="visible_posts", dump_default=list)


class ScoreOut(Schema):
    score = fields.Integer()
    my_vote = fields.Integer()


class ErrorBody(Schema):
    code = fields.String()
    message = fields.String()
    fields_ = fields.Dict(data_key="fields", keys=fields.String(), values=fields.List(fields.String()))


class ErrorOut(Schema):
    error = fields.Nested(ErrorBody)
