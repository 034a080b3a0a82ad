"""The only place that decides who may do what.

Readers that cannot see something get a 404 (``NotFound``), never a 403, so the
existence of hidden content does not leak. ``PermissionDenied`` is for actions on
content the actor can see.
"""

from __future__ import annotations

from functools import wraps

from flask import current_app, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import ColumnElement, false, or_, select, true

from . import site_rules, standing
from .errors import NotFound, PermissionDenied, Unauthorized, asks_for_json, wants_json
from .models import Draft, ModerationItem, Post, Space, Thread, Upload, UploadLink, User


def _user(user) -> User | None:
    """Flask-Login's anonymous user and None both mean a guest."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def readable_visibilities(user) -> tuple[str, ...]:
    user = _user(user)
    if user is None:
        return ("public",)
    if user.is_staff:
        return ("public", "members", "staff")
    return ("public", "members")


def webhook_can_read(include_internal: bool, visibility: str) -> bool:
    """A webhook reads what a member reads; one an admin marked internal reads what staff
    read (staff spaces, internal notes)."""
    return visibility in (("public", "members", "staff") if include_internal
                          else ("public", "members"))


def space_filter(user) -> ColumnElement[bool]:
    """A WHERE clause on ``Space`` for every list, count and search."""
    return Space.visibility.in_(readable_visibilities(user))


def sees_deleted_threads(user) -> bool:
    user = _user(user)
    return bool(user and user.is_moderator)


def thread_filter(user) -> ColumnElement[bool]:
    """Threads a user may list: readable space, not deleted (moderators see deleted)."""
    clause = Thread.space_id.in_(select(Space.id).where(space_filter(user)))
    if not sees_deleted_threads(user):
        clause = clause & Thread.deleted_at.is_(None)
    return clause


def space_thread_count(user) -> ColumnElement[int]:
    """The number of a ``Space``'s threads that ``thread_filter`` lets the user list,
    from the counts the database keeps (community/models/thread_counts.py)."""
    if sees_deleted_threads(user):
        return Space.thread_count + Space.deleted_thread_count
    return Space.thread_count


def draft_filter(user) -> ColumnElement[bool]:
    """A WHERE clause on ``Draft``: the caller's own, on a form they may still read (a
    thread they may list, a space they may read). The rest answer as missing."""
    user = _user(user)
    if user is None:
        return false()
    return (Draft.user_id == user.id) & (
        Draft.thread_id.in_(select(Thread.id).where(thread_filter(user)))
        | Draft.space_id.in_(select(Space.id).where(space_filter(user))))


def can_read_space(user, space: Space) -> bool:
    return space.visibility in readable_visibilities(user)


def can_post_in_space(user, space: Space) -> bool:
    user = _user(user)
    return user is not None and can_read_space(user, space) and space.archived_at is None


def can_read(user, visibility: str, deleted_at) -> bool:
    """A thread in a space of this visibility, deleted or not (also for plain rows)."""
    if visibility not in readable_visibilities(user):
        return False
    if deleted_at is not None:
        user = _user(user)
        return bool(user and user.is_moderator)
    return True


def can_read_thread(user, thread: Thread) -> bool:
    return can_read(user, thread.space.visibility, thread.deleted_at)


def can_see_post(user, post: Post) -> bool:
    if post.deleted_at is None:
        return True
    user = _user(user)
    return bool(user and (user.is_moderator))


def post_filter(user) -> ColumnElement[bool]:
    """A WHERE clause on ``Post`` for the posts of a readable thread: moderators see all,
    others the visible ones and their own held for approval (``own_held``)."""
    user = _user(user)
    if user is not None and user.is_moderator:
        return true()
    clause = Post.deleted_at.is_(None)
    if user is not None:
        clause = clause | ((Post.author_id == user.id) & ModerationItem.holds("post", Post.id))
    return clause


# ---- content held for a moderator's approval ----

def is_held(thing) -> bool:
    """Held for a moderator's approval since it was written (moderation.apply), not yet
    reviewed. Only what is hidden can be held, so visible content costs no query."""
    if thing.deleted_at is None:
        return False
    from .extensions import db

    kind = "post" if isinstance(thing, Post) else "thread"
    return bool(db.session.scalar(select(ModerationItem.holds(kind, thing.id))))


def own_held(user, thing, held: bool | None = None) -> bool:
    """A thread or post held for approval is still its author's to read, marked as
    awaiting approval, and nothing more (every check_* still says no); to anyone else
    but moderators it does not exist. ``held`` is the fact when the caller has it."""
    user = _user(user)
    if user is None or thing.deleted_at is None or user.id != thing.author_id:
        return False
    return is_held(thing) if held is None else bool(held)


def can_view_thread_row(user, row) -> bool:
    """The thread page's check on its row (community/web/page_cache.py)."""
    if can_read(user, row.visibility, row.deleted_at):
        return True
    return row.visibility in readable_visibilities(user) and own_held(user, row, row.held)


def _can_view_thread(user, thread: Thread) -> bool:
    return can_read_thread(user, thread) or (
        can_read_space(user, thread.space) and own_held(user, thread))


def require_thread_to_view(user, thread: Thread | None) -> Thread:
    """``require_thread`` for reading only: its author may also read a held thread."""
    if thread is None or not _can_view_thread(user, thread):
        raise NotFound(_("This thread does not exist."))
    return thread


def require_post_to_view(user, post: Post | None) -> Post:
    """``require_post`` for reading only: its author may also read a held post."""
    if post is None or not _can_view_thread(user, post.thread) or not (
            can_see_post(user, post) or own_held(user, post)):
        raise NotFound(_("This post does not exist."))
    return post


def require_thread(user, thread: Thread | None) -> Thread:
    if thread is None or not can_read_thread(user, thread):
        raise NotFound(_("This thread does not exist."))
    return thread


def require_post(user, post: Post | None) -> Post:
    if post is None or not can_read_thread(user, post.thread) or not can_see_post(user, post):
        raise NotFound(_("This post does not exist."))
    return post


def require_space(user, space: Space | None) -> Space:
    if space is None or not can_read_space(user, space):
        raise NotFound(_("This space does not exist."))
    return space


def has_privilege(user, name: str) -> bool:
    user = _user(user)
    if user is None:
        return False
    if user.is_staff:
        return True
    return user.reputation >= site_rules.value("PRIVILEGES")[name]


def privileges(user) -> tuple[bool, ...]:
    """Every privilege's verdict, in name order: part of what a page shows the user."""
    return tuple(has_privilege(user, name) for name in sorted(site_rules.value("PRIVILEGES")))


def _privilege_denied(name: str, message: str) -> PermissionDenied:
    needed = site_rules.value("PRIVILEGES")[name]
    return PermissionDenied(message + " " + _("It unlocks at %(rep)s reputation.", rep=needed))


def check_post_in_space(user, space: Space) -> None:
    if _user(user) is None or not can_read_space(user, space):
        # The caller could not read the space at all: do not confirm it exists.
        raise NotFound(_("This space does not exist."))
    if space.archived_at is not None:
        raise PermissionDenied(_("This space is archived: it takes no new threads."))
    check_not_silenced(user)


def check_reply(user, thread: Thread) -> None:
    if thread.kind == "article":
        require_thread(user, thread)
        raise PermissionDenied(_("A knowledge article takes no answers."))
    require_thread(user, thread)
    user = _user(user)
    if user is None:
        raise PermissionDenied(_("Sign in to answer."))
    if (thread.is_locked or thread.is_closed) and not user.is_moderator:
        raise PermissionDenied(_("This thread is locked: no new answers or replies."))
    check_not_silenced(user)


def check_edit_thread(user, thread: Thread) -> None:
    require_thread(user, thread)
    if thread.kind == "article":
        # Every change to an article is a version of it (PATCH /api/v1/articles/<id>).
        raise PermissionDenied(_("A knowledge article is edited from its own page."))
    user = _user(user)
    if user is None:
        raise PermissionDenied(_("Sign in to edit."))
    if user.id == thread.author_id or user.is_moderator:
        if thread.is_locked and not user.is_moderator:
            raise PermissionDenied(_("This thread is locked."))
        return
    if not has_privilege(user, "edit_others"):
        raise _privilege_denied("edit_others", _("You cannot edit other people's posts yet."))


def check_edit_post(user, post: Post) -> None:
    require_post(user, post)
    user = _user(user)
    if user is None:
        raise PermissionDenied(_("Sign in to edit."))
    if user.id == post.author_id or user.is_moderator:
        if post.thread.is_locked and not user.is_moderator:
            raise PermissionDenied(_("This thread is locked."))
        return
    if not has_privilege(user, "edit_others"):
        raise _privilege_denied("edit_others", _("You cannot edit other people's posts yet."))


def check_delete_post(user, post: Post) -> None:
    require_post(user, post)
    user = _user(user)
    if user is None or not (user.id == post.author_id or user.is_moderator):
        raise PermissionDenied(_("Only the author or a moderator can delete this post."))


def check_restore_post(user, post: Post) -> None:
    require_post(user, post)
    user = _user(user)
    if user is None or not user.is_moderator:
        raise PermissionDenied(_("Only moderators can restore deleted posts."))


def check_vote(user, *, owner_id: int, value: int, thread: Thread) -> None:
    require_thread(user, thread)
    user = _user(user)
    if user is None:
        raise PermissionDenied(_("Sign in to vote."))
    if user.id == owner_id:
        raise PermissionDenied(_("You cannot vote on your own content."))
    if value < 0 and not has_privilege(user, "downvote"):
        raise _privilege_denied("downvote", _("You cannot vote down yet."))
    if value > 0 and not has_privilege(user, "upvote"):
        raise _privilege_denied("upvote", _("You cannot vote up yet."))
    check_not_silenced(user)


def check_accept(user, thread: Thread) -> None:
    require_thread(user, thread)
    user = _user(user)
    if user is None or not (user.id == thread.author_id or user.is_moderator):
        raise PermissionDenied(_("Only the asker or a moderator can accept an answer."))


def check_set_idea_status(user, thread: Thread) -> None:
    require_thread(user, thread)
    user = _user(user)
    if user is None or not user.is_staff:
        raise PermissionDenied(_("Only staff can change an idea's status."))


def check_admin(user) -> None:
    user = _user(user)
    if user is None or not user.is_admin:
        raise PermissionDenied(_("Only administrators can do this."))


def check_manage_spaces(user) -> None:
    check_admin(user)


def require_manage_spaces(user) -> None:
    """The spaces administration page: admins only, a 404 to anyone else."""
    require_admin(user)


def check_change_role(user) -> None:
    check_admin(user)


def check_erase_account(user, target: User) -> None:
    """Members erase their own account; admins erase a member's on request."""
    user = _user(user)
    if user is None or (user.id != target.id and not user.is_admin):
        raise PermissionDenied(_("Only administrators can erase someone else's account."))


def can(check, *args, **kwargs) -> bool:
    """For templates: whether a check_* passes, without raising."""
    try:
        check(*args, **kwargs)
    except (PermissionDenied, NotFound):
        return False
    return True




def check_manage_ambassadors(user) -> None:
    user = _user(user)
    if user is None or not user.is_moderator:
        raise PermissionDenied(_("Only moderators can review ambassadors."))


def check_reverse_votes(user, target: User) -> None:
    user = _user(user)
    if user is None or not user.is_moderator:
        raise PermissionDenied(_("Only moderators can reverse someone's votes."))


# ---- moderation (issue 8) ----

def active_sanction(user, kind: str | None = None):
    """The user's sanction in force now (silence or suspension), or None."""
    user = _user(user)
    if user is None:
        return None
    from .extensions import db

    return standing.active(db.session, user.id, kind)


class EmailNotVerified(PermissionDenied):
    """Writing waits for a verified address (REQUIRE_EMAIL_VERIFICATION): pages offer
    to send the link again."""


def awaits_email_verification(user) -> bool:
    user = _user(user)
    return bool(user is not None and current_app.config["REQUIRE_EMAIL_VERIFICATION"]
                and user.email_verified_at is None)


def check_not_silenced(user) -> None:
    """Every write asks this: no sanction in force, and a verified address when the
    site requires one."""
    sanction = active_sanction(user)
    if sanction is not None:
        raise PermissionDenied(standing.describe(sanction))
    if awaits_email_verification(user):
        raise EmailNotVerified(_(
            "Confirm your email address before you post: follow the link we sent to "
            "%(email)s, or ask for a new one.", email=_user(user).email or ""))


def check_can_sign_in(user) -> None:
    """A suspended account cannot start a session or get a token."""
    sanction = active_sanction(user, "suspend")
    if sanction is not None:
        raise PermissionDenied(standing.describe(sanction))


def check_moderate(user) -> None:
    user = _user(user)
    if user is None or not user.is_moderator:
        raise PermissionDenied(_("Only moderators can do this."))


def check_flag(user, thing) -> None:
    if isinstance(thing, Post):
        require_post(user, thing)
    else:
        require_thread(user, thing)
    user = _user(user)
    if user is None:
        raise PermissionDenied(_("Sign in to flag."))
    if user.id == thing.author_id:
        raise PermissionDenied(_("You cannot flag your own content."))
    check_not_silenced(user)


def check_moderate_thread(user, thread: Thread, action: str) -> None:
    require_thread(user, thread)
    user = _user(user)
    if user is None:
        raise PermissionDenied(_("Sign in to do this."))
    if user.is_moderator:
        return
    # Members with enough reputation may close, reopen and mark duplicates (DESIGN.md).
    if action in ("close", "reopen", "mark_duplicate") and not user.is_staff \
            and has_privilege(user, "close"):
        check_not_silenced(user)
        return
    raise PermissionDenied(_("Only moderators can do this."))


def check_sanction(user, target: User) -> None:
    check_moderate(user)
    user = _user(user)
    if target.id == user.id:
        raise PermissionDenied(_("You cannot sanction yourself."))
    if target.is_staff and not user.is_admin:
        raise PermissionDenied(_("Only administrators can sanction staff."))


def check_view_audit(user) -> None:
    check_moderate(user)


def check_mark_official(user, post: Post) -> None:
    require_post(user, post)
    user = _user(user)
    if user is None or not user.is_staff:
        raise PermissionDenied(_("Only staff can mark an answer as official."))


def check_promote(user, thread: Thread) -> None:
    require_thread(user, thread)
    check_moderate(user)


def check_write_article(user, space: Space) -> None:
    """Knowledge articles are written by staff only (promoted by moderators, edited by
    any staff member), in a space they may post in."""
    user = _user(user)
    if user is None or not user.is_staff:
        raise PermissionDenied(_("Only staff can write knowledge articles."))
    check_post_in_space(user, space)


def check_edit_article(user, article: Thread) -> None:
    require_thread(user, article)
    check_write_article(user, article.space)


def check_view_history(user, thing) -> None:
    if isinstance(thing, Post):
        require_post(user, thing)
    else:
        require_thread(user, thing)
    user = _user(user)
    if user is None or not (user.id == thing.author_id or user.is_moderator):
        raise PermissionDenied(_("Only the author and moderators can see the edit history."))


def can_work_cases(user) -> bool:
    """Staff see cases, choose the expert group and read a case's internals."""
    user = _user(user)
    return bool(user and user.is_staff)


def check_case_access(user) -> None:
    """Cases, the triage board and expert groups exist only for staff: anyone else a 404."""
    if not can_work_cases(user):
        raise NotFound(_("Nothing was found at this address."))


def check_analytics(user) -> None:
    """The analytics (figures about every space, staff ones included) are staff only:
    to anyone else they do not exist."""
    if not can_work_cases(user):
        raise NotFound(_("Nothing was found at this address."))


def require_moderator(user) -> None:
    """Moderation pages do not exist for anyone else: the 404 of a missing page."""
    user = _user(user)
    if user is None or not user.is_moderator:
        raise NotFound(_("Nothing was found at this address."))


def require_staff(user) -> None:
    """The administration index exists for staff only: anyone else a 404."""
    if not can_work_cases(user):
        raise NotFound(_("Nothing was found at this address."))


def require_manage_words(user) -> None:
    """Watched words are the community managers' tool: moderators and admins."""
    require_moderator(user)


def require_tag(user, tag, readable_count: int):
    """A tag exists to a reader through the threads it may read: a tag found only on
    staff threads would otherwise leak its name. Moderators curate every tag."""
    reader = _user(user)
    if tag is None or (readable_count == 0 and not (reader and reader.is_moderator)):
        raise NotFound(_("This tag does not exist."))
    return tag


def check_curate_tags(user) -> None:
    """Describing and merging tags (pages and API)."""
    check_moderate(user)


def require_admin(user) -> None:
    """Admin pages do not exist for anyone else: the 404 of a missing page."""
    user = _user(user)
    if user is None or not user.is_admin:
        raise NotFound(_("Nothing was found at this address."))


def check_escalate(user, thread: Thread) -> None:
    """Staff escalate any thread; the asker presses "ask an expert" (delay checked by escalation)."""
    require_thread(user, thread)
    user = _user(user)
    if user is None:
        raise PermissionDenied(_("Sign in to ask an expert."))
    if not user.is_staff and user.id != thread.author_id:
        raise PermissionDenied(_("Only the asker or staff can ask an expert."))


# ---- uploads (files attached to posts) ----

def check_upload(user) -> None:
    """Uploading is writing: a silenced account, or one awaiting its address's
    verification, cannot."""
    if _user(user) is None:
        raise PermissionDenied(_("Sign in to do this."))
    check_not_silenced(user)


def _shown_to(user, upload: Upload) -> bool:
    """A thread body or reply that shows the upload and that ``user`` may read."""
    from .extensions import db

    shown = (select(UploadLink.id).join(Thread, Thread.id == UploadLink.thread_id)
             .outerjoin(Post, Post.id == UploadLink.post_id)
             .where(UploadLink.upload_id == upload.id, thread_filter(user),
                    or_(UploadLink.post_id.is_(None), post_filter(user))).limit(1))
    return db.session.scalar(shown) is not None


def can_read_upload(user, upload: Upload) -> bool:
    """An upload of a space is never readable beyond that space (a staff space's: staff
    only, a members-only space's: signed-in members). Within that, its owner reads it
    (before it is posted too), and anyone else only through a thread or reply they can
    read that shows it: an upload nobody posted is nobody else's, and one posted only in
    a staff thread is no more public than that thread."""
    if upload.space_id is not None:
        space = _upload_space(upload)
        if space is None or not can_read_space(user, space):
            return False
    reader = _user(user)
    if reader is not None and reader.id == upload.owner_id:
        return True
    return _shown_to(user, upload)


def _upload_space(upload: Upload) -> Space | None:
    from .extensions import db

    return db.session.get(Space, upload.space_id) if upload.space_id is not None else None


def require_upload(user, upload: Upload | None) -> Upload:
    if upload is None or not can_read_upload(user, upload):
        raise NotFound(_("Nothing was found at this address."))
    return upload


# ---- the one guard on views (tests/test_view_guards.py checks every route has it) ----

def requires(*rules, prompt_guests: bool = True, found_first=None, json_too: bool = False,
             message=None):
    """Wrap a view that needs a signed-in user, then apply each ``rules`` check to them.

    A guest is asked to sign in: a 401 in the error envelope on the API, a redirect to
    the sign-in page (and back) on pages. ``found_first`` is the view's lookup, run for a
    guest before that prompt so that unreadable content stays a 404 to them too.
    ``prompt_guests=False`` is for what does not exist for guests at all: the rules
    answer them. ``json_too``: a page script asking for JSON gets the 401 envelope.
    """
    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if _user(current_user) is None and prompt_guests:
                if found_first is not None:
                    found_first(**kwargs)
                return _ask_to_sign_in(message, json_too)
            for rule in rules:
                rule(current_user)
            return view(*args, **kwargs)

        guarded.permission_rules = rules
        return guarded

    return decorate


signed_in = requires()


def _ask_to_sign_in(message, json_too: bool):
    text = str(message) if message else _("Sign in or send a valid bearer token.")
    if wants_json():
        raise Unauthorized(text)
    if json_too and asks_for_json():
        resp = jsonify({"error": {"code": Unauthorized.code, "message": text}})
        resp.status_code = Unauthorized.status
        return resp
    here = request.full_path.rstrip("?") if request.query_string else request.path
    if message:
        flash(text, "info")  # the sign-in page says why it was asked for
    return redirect(url_for("auth.login", next=here), code=303)


# ---- ideas linked to demand, saved replies (community/demand, community/replies) ----

def check_link_demand(user, idea: Thread) -> None:
    """Staff link an idea to the questions and cases that asked for it (and unlink)."""
    require_thread(user, idea)
    if not can_work_cases(user):
        raise PermissionDenied(_("Only staff can link an idea to the questions that asked for it."))


def require_saved_replies(user) -> None:
    """Saved replies are the staff's tool: to anyone else the page and API do not exist."""
    if not can_work_cases(user):
        raise NotFound(_("Nothing was found at this address."))


def can_use_saved_reply(user, group_id: int | None, my_group_ids) -> bool:
    """Everyone's replies and those of one's expert groups; moderators use every one."""
    user = _user(user)
    if user is None or not user.is_staff:
        return False
    return group_id is None or user.is_moderator or group_id in my_group_ids


def check_manage_saved_reply(user, group_id: int | None, my_group_ids) -> None:
    """Moderators and admins manage every saved reply; an employee manages those of the
    expert groups they belong to (not everyone's)."""
    require_saved_replies(user)
    user = _user(user)
    if user.is_moderator:
        return
    if group_id is None or group_id not in my_group_ids:
        raise PermissionDenied(_("You can only manage the saved replies of your own groups."))
