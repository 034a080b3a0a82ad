"""Moderation and knowledge curation: flags, the review queue, the audit log, watched
words, sanctions, thread moderation, knowledge articles and flood control.

``init_app`` wires it in and registers ``screen`` and ``apply`` with
``services.screening``: the content services call ``screen`` before they write and
``apply`` once the new thread or post has an id, without importing this package.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, redirect, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..errors import ValidationFailed, error_response
from ..models import Post, Thread, User
from ..services import screening


@dataclass
class Screening:
    hold: bool = False
    flag: bool = False
    reason: str | None = None
    censored_title: str | None = None
    censored_body: str | None = None
    editing: bool = False


def _has_words(session) -> bool:
    from ..models import WatchedWord

    return session.scalar(select(WatchedWord.id).limit(1)) is not None


def screen(session, *, by: User, body: str, title: str | None = None,
           editing: bool = False) -> Screening:
    """Before a write: refuse (silenced, blocked word, too many links) or say what to do."""
    from .. import permissions as perm
    from . import limits, words

    perm.check_not_silenced(by)
    result = Screening(editing=editing)
    if not editing and screening.by_person():
        result.hold = limits.check_content(by, body)
        if result.hold:
            result.reason = _("a new member's first posts with links are reviewed")
    if not _has_words(session):
        return result
    verdict = words.check(session, title or "", body)
    if verdict.action == "block" and not by.is_moderator:
        blocked = [w.word for w in verdict.words if w.action == "block"]
        raise ValidationFailed(
            _("This text uses a word that is not allowed here: %(words)s.", words=", ".join(blocked)),
            {"body": [_("Remove “%(words)s”.", words=", ".join(blocked))]})
    if verdict.action == "approve" and not by.is_staff:
        result.hold = True
        result.reason = _("it contains a word that needs a moderator's approval")
    elif verdict.action == "flag" and not by.is_staff:
        result.flag = True
        result.reason = _("it contains a watched word: %(words)s", words=verdict.word_list)
    if any(w.action == "censor" for w in verdict.words):
        result.censored_body = words.censor(session, body)
        result.censored_title = words.censor(session, title) if title else None
    return result


def apply(session, obj, result: Screening, *, by: User) -> bool:
    """After the write: censor, queue, hold. True when the item is held for approval."""
    from ..rendering import render_markdown
    from . import audit, queue

    if result.censored_body is not None:
        obj.body_html = render_markdown(result.censored_body)
    if result.censored_title and isinstance(obj, Thread):
        obj.title = result.censored_title[:255]
    if not (result.hold or result.flag):
        return False
    kind = "approval" if result.hold and not result.editing else "word"
    already_open = queue.is_open(session, obj)
    item = queue.open_item(session, obj, kind=kind, reason=result.reason)
    target_type = "post" if isinstance(obj, Post) else "thread"
    thread = obj.thread if isinstance(obj, Post) else obj
    if result.hold and result.editing:
        # An edit that needs approval hides the (already public) item until reviewed.
        queue.hide_with_notice(session, item, obj, by_id=by.id, why=result.reason)
    elif result.hold:
        from ..models import utcnow

        obj.deleted_at = utcnow()
        session.flush()
        item.hidden = True
        notify_user(session, "content_held", obj.author_id,
                    thread=None if isinstance(obj, Thread) else thread,
                    data={"title": thread.title, "reason": result.reason})
    audit.record(session, actor_id=None, action="auto_hold" if result.hold else "auto_flag",
                 target_type=target_type, target_id=obj.id, reason=result.reason,
                 item_id=item.id)
    if not already_open:
        notify_moderators(session, "post_flagged", thread=thread, actor_id=by.id,
                          data={"title": thread.title, "reason": result.reason})
    return result.hold and not result.editing


# ---- telling people ----

def notify_user(session, verb: str, user_id: int, *, thread=None, data=None) -> None:
    from ..notifications import notify

    notify(session, verb, recipients=[user_id], actor_id=None, thread=thread, data=data or {})


def notify_users(session, verb: str, user_ids, *, thread=None, actor_id=None, data=None) -> None:
    from ..notifications import notify

    notify(session, verb, recipients=list(user_ids), actor_id=actor_id, thread=thread,
           data=data or {})


def notify_moderators(session, verb: str, *, thread=None, actor_id=None, data=None) -> None:
    ids = session.scalars(select(User.id).where(User.role.in_(("moderator", "admin")))).all()
    notify_users(session, verb, ids, thread=thread, actor_id=actor_id, data=data)


def _register_verbs() -> None:
    from ..notifications import registry

    reg = registry.register
    reg("content_hidden", label=_l("My post is hidden pending review"),
        text=_l("Your post in “%(title)s” was hidden pending review: %(reason)s"),
        link=registry.thread_link)
    reg("content_held", label=_l("My post awaits a moderator's approval"),
        text=_l("Your post in “%(title)s” awaits a moderator's approval: %(reason)s"),
        link=registry.thread_link)
    reg("content_restored", label=_l("My hidden post is visible again"),
        text=_l("Your post in “%(title)s” is visible again"))
    reg("user_silenced", label=_l("I am put in read-only mode"),
        text=_l("You are in read-only mode until %(until)s. Reason: %(reason)s"),
        link=registry.profile_link, email="immediately")
    reg("user_suspended", label=_l("My account is suspended"),
        text=_l("Your account is suspended until %(until)s. Reason: %(reason)s"),
        link=registry.profile_link, email="immediately")
    reg("sanction_lifted", label=_l("A sanction on my account is lifted"),
        text=_l("The sanction on your account was lifted"), link=registry.profile_link)
    reg("thread_merged", label=_l("A thread I follow is merged into another"),
        text=_l("“%(old_title)s” was merged into “%(title)s”"))


def init_app(app) -> None:
    if app.config["TRUSTED_PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["TRUSTED_PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=0)
    _register_verbs()
    screening.register(screen=screen, apply=apply)

    from ..gamification import badges
    from . import flags, limits, space_views, views

    if flags.upheld_counts not in badges.FLAG_COUNTERS:  # once, however many apps
        badges.FLAG_COUNTERS.append(flags.upheld_counts)

    @app.errorhandler(limits.RateLimited)
    def _rate_limited(exc: limits.RateLimited):
        return error_response(429, exc.message, headers=[("Retry-After", str(exc.retry_after))])

    @app.before_request
    def _flood_control():
        if request.endpoint not in limits.FORM_ENDPOINTS:
            limits.check_request()

    @app.before_request
    def _merged_thread_redirect():
        # A merged thread's old API address sends clients to the target (the page
        # reads the same with its thread row: community/web/page_cache.py).
        if request.endpoint != "api.get_thread" or request.method != "GET":
            return None
        from ..extensions import db
        from .threads import redirect_target

        thread_id = (request.view_args or {}).get("thread_id")
        target = redirect_target(db.session, thread_id) if thread_id else None
        if target is None:
            return None
        return redirect(f"/api/v1/threads/{target}", code=301)

    app.register_blueprint(views.bp)
    app.register_blueprint(space_views.bp)
    app.jinja_env.globals.setdefault("moderation_links", _links_for_template)


def _links_for_template(thread):
    from flask_login import current_user

    from ..extensions import db
    from . import knowledge

    try:
        return knowledge.links(db.session, thread, current_user)
    except Exception:  # a page never breaks over a sidebar link
        current_app.logger.warning("knowledge links failed", exc_info=True)
        return {}
