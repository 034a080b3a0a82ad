"""Thread pages and every form that changes content: ask, answer, edit, vote, accept."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from .. import permissions as perm
from .. import queries, ratelimit
from ..errors import DomainError, NotFound, ValidationFailed, asks_for_json
from ..extensions import db
from ..labels import STATUS_LABELS, label
from ..lookups import post_or_404, thread_or_404, thread_to_view_or_404
from ..models import IDEA_STATUSES, KINDS, Post, Space, Thread
from ..moderation import limits
from ..schemas import In, Text, fields, load_form, query_choices, submitted, validate
from ..schemas.core import AcceptIn, IdeaStatusIn, PostIn, ThreadIn, ThreadPatchIn, VoteIn
from ..services import drafts, threads, tracking, votes
from . import discovery, page_cache
from .helpers import thread_url

bp = Blueprint("content", __name__)


class AskArgs(In):
    """/ask?space=…&kind=…: links that open the form with a space or a kind chosen."""
    space = Text(load_default="")
    kind = Text(load_default="question", validate=validate.OneOf(KINDS))


class ThreadPageArgs(In):
    # The ask page's token on a suggested thread's link: the click is counted.
    suggested = Text(load_default=None)


class VoteFormIn(VoteIn):
    # The buttons send 0 to take a vote back (the API has DELETE for that).
    value = fields.Integer(required=True, strict=True,
                           validate=validate.OneOf([1, -1, 0], error=_l("Use 1 or -1.")))


def _thread_content(thread: Thread, *, errors=None, answer_body: str = "") -> str:
    posts = queries.thread_posts(db.session, current_user, thread)
    queries.attach_my_votes(db.session, current_user, thread, posts)
    queries.attach_held(db.session, thread, posts)
    comments = queries.thread_comments(db.session, thread, [p.id for p in posts])
    # Empty unless the reader may see a case's internals (page_cache keys them likewise).
    notes = queries.place_notes(posts, queries.thread_notes(db.session, current_user, thread))
    return render_template(
        "threads/_thread.html", thread=thread, posts=posts, comments=comments,
        errors=errors or {}, answer_body=answer_body, idea_statuses=IDEA_STATUSES,
        notes=notes,
    )


def _flood_message(exc: limits.RateLimited) -> str:
    return _("You are posting too often: you can post again in %(wait)s. Your text is kept.",
             wait=ratelimit.wait_phrase(exc.retry_after))


def _retry_after(exc: limits.RateLimited) -> dict:
    return {"Retry-After": str(exc.retry_after)}


def _canonical(thread) -> Markup:
    return Markup('<link rel="canonical" href="%s">') % discovery.absolute(thread_url(thread))


def _render_thread(thread: Thread, *, status: int = 200, errors=None, answer_body: str = ""):
    content = _thread_content(thread, errors=errors, answer_body=answer_body)
    return render_template("_shell.html", title=thread.title, head=_canonical(thread),
                           content=Markup(content)), status


@bp.get("/threads/<id:thread_id>")
@bp.get("/threads/<id:thread_id>/<slug>")
def thread(thread_id: int, slug: str | None = None):
    row = page_cache.thread_row(thread_id)
    if row is not None and row.merged_into:
        return redirect(f"/threads/{row.merged_into}", code=301)
    if not page_cache.readable(row):
        raise NotFound(_("This thread does not exist."))
    # Counted in memory (services/tracking.py): reading costs no write here.
    if current_user.is_authenticated:
        tracking.view(current_user.id)
    if suggested := query_choices(ThreadPageArgs)["suggested"]:
        tracking.ask_form(suggested, clicked=True)
    if row.kind == "article":  # its own page (community/moderation/article_views.py)
        return redirect(thread_url(row), code=301)
    content, key = page_cache.lookup(row)
    if content is None:
        content = page_cache.render_with_placeholder(
            lambda: _thread_content(thread_to_view_or_404(thread_id),
                                    answer_body=page_cache.ANSWER_PLACEHOLDER))
        page_cache.store_if_unchanged(key, row, content)
    # The same for every reader: kept under what it shows and the site's address.
    head = page_cache.remember(("head", discovery.absolute(""), key[2]),
                               lambda: str(discovery.thread_head(row)))
    # The answer box opens with the reader's draft (the page works before any script).
    draft = (drafts.body(db.session, current_user, drafts.thread_key(row.id))
             if current_user.is_authenticated else None)
    return page_cache.page(lambda **parts: render_template("_shell.html", **parts),
                           title=row.title, head=head, path=thread_url(row), content=content,
                           answer=draft or "")


def _restore_ask_draft(form: dict, spaces: list[Space]) -> None:
    """Open the ask form on the space asked for, else on the one the member last left a
    draft in, with that draft's title and text."""
    by_slug = {s.slug: s for s in spaces}
    space = by_slug.get(form["space"])
    if space is None:
        latest = drafts.latest_new_thread_space(db.session, current_user, [s.id for s in spaces])
        space = next((s for s in spaces if s.id == latest), spaces[0] if spaces else None)
    if space is None:
        return
    form["space"] = space.slug
    draft = drafts.find(db.session, current_user, drafts.space_key(space.id))
    if draft is not None:
        form["title"], form["body"] = draft.title or "", draft.body


@bp.route("/ask", methods=["GET", "POST"])
@perm.requires(message=_l("Sign in to ask a question: you will be told when someone answers, "
                          "and an expert can step in if nobody does."))
def ask():
    spaces = [s for s in queries.readable_spaces(db.session, current_user)
              if perm.can_post_in_space(current_user, s)]
    if request.method == "GET":
        form = {**query_choices(AskArgs), "title": "", "body": "", "tags": "",
                "token": tracking.new_form_token()}
        _restore_ask_draft(form, spaces)
        return render_template("threads/ask.html", spaces=spaces, form=form, errors={})
    form = submitted("space", "kind", "title", "body", "tags", "ask_form")
    # The ask page's token (services/tracking.py): suggestions opened from it are counted.
    form["token"] = tracking.valid_token(form.pop("ask_form")) or tracking.new_form_token()
    try:
        limits.check_request()
    except limits.RateLimited as exc:
        return render_template("threads/ask.html", spaces=spaces, form=form, errors={},
                               message=_flood_message(exc)), 429, _retry_after(exc)
    try:
        data = load_form(ThreadIn())
        space = db.session.scalar(select(Space).where(Space.slug == data.pop("space")))
        if space is None or not perm.can_post_in_space(current_user, space):
            raise ValidationFailed(_("Choose a space you can post in."),
                                   {"space": [_("Choose a space you can post in.")]})
        thread = threads.create_thread(db.session, space, by=current_user, **data)
    except ValidationFailed as exc:
        db.session.rollback()
        return render_template("threads/ask.html", spaces=spaces, form=form,
                               errors=exc.fields, message=exc.message), 422
    db.session.commit()
    tracking.ask_form(form["token"], asked=True)
    return redirect(thread_url(thread), code=303)


@bp.post("/threads/<id:thread_id>/answer")
@perm.requires(found_first=thread_or_404)
def answer(thread_id: int):
    thread = thread_or_404(thread_id)
    body = submitted("body")["body"]
    try:
        limits.check_request()
    except limits.RateLimited as exc:
        page, status = _render_thread(thread, status=429, errors={"body": [_flood_message(exc)]},
                                      answer_body=body)
        return page, status, _retry_after(exc)
    try:
        data = load_form(PostIn())
        post = threads.create_post(db.session, thread, by=current_user, body=data["body"])
    except ValidationFailed as exc:
        db.session.rollback()
        return _render_thread(thread, status=422, errors=exc.fields, answer_body=body)
    db.session.commit()
    return redirect(thread_url(thread, _anchor=f"post-{post.id}"), code=303)


@bp.route("/threads/<id:thread_id>/edit", methods=["GET", "POST"])
@perm.requires(found_first=thread_or_404)
def edit_thread(thread_id: int):
    thread = thread_or_404(thread_id)
    perm.check_edit_thread(current_user, thread)
    form = submitted(title=thread.title, body=thread.body,
                     tags=" ".join(t.name for t in thread.tags))
    if request.method == "GET":
        return render_template("threads/edit.html", thread=thread, form=form, errors={})
    try:
        data = load_form(ThreadPatchIn())
        threads.edit_thread(db.session, thread, by=current_user, **data)
    except ValidationFailed as exc:
        db.session.rollback()
        return render_template("threads/edit.html", thread=thread, form=form,
                               errors=exc.fields, message=exc.message), 422
    db.session.commit()
    return redirect(thread_url(thread), code=303)


@bp.route("/posts/<id:post_id>/edit", methods=["GET", "POST"])
@perm.requires(found_first=post_or_404)
def edit_post(post_id: int):
    post = post_or_404(post_id)
    perm.check_edit_post(current_user, post)
    body = submitted(body=post.body)["body"]
    if request.method == "GET":
        return render_template("threads/edit_post.html", post=post, body=body, errors={})
    try:
        data = load_form(PostIn())
        threads.edit_post(db.session, post, by=current_user, body=data["body"])
    except ValidationFailed as exc:
        db.session.rollback()
        return render_template("threads/edit_post.html", post=post, body=body,
                               errors=exc.fields, message=exc.message), 422
    db.session.commit()
    return redirect(thread_url(post.thread, _anchor=f"post-{post.id}"), code=303)


@bp.post("/posts/<id:post_id>/delete")
@perm.requires(found_first=post_or_404)
def delete_post(post_id: int):
    post = post_or_404(post_id)
    threads.delete_post(db.session, post, by=current_user)
    db.session.commit()
    flash(_("The post was deleted."), "success")
    return redirect(thread_url(post.thread), code=303)


@bp.post("/posts/<id:post_id>/restore")
@perm.requires(found_first=post_or_404)
def restore_post(post_id: int):
    post = post_or_404(post_id)
    threads.restore_post(db.session, post, by=current_user)
    db.session.commit()
    flash(_("The post was restored."), "success")
    return redirect(thread_url(post.thread, _anchor=f"post-{post.id}"), code=303)


@bp.post("/threads/<id:thread_id>/accept")
@perm.requires(found_first=thread_or_404)
def accept(thread_id: int):
    thread = thread_or_404(thread_id)
    post = db.session.get(Post, load_form(AcceptIn())["post_id"])
    if post is None or post.thread_id != thread.id:
        raise NotFound(_("This answer does not exist."))
    votes.accept_answer(db.session, thread, post, by=current_user)
    db.session.commit()
    flash(_("The answer is accepted."), "success")
    return redirect(thread_url(thread, _anchor=f"post-{post.id}"), code=303)


@bp.post("/threads/<id:thread_id>/unaccept")
@perm.requires(found_first=thread_or_404)
def unaccept(thread_id: int):
    thread = thread_or_404(thread_id)
    votes.unaccept_answer(db.session, thread, by=current_user)
    db.session.commit()
    flash(_("The acceptance was withdrawn."), "success")
    return redirect(thread_url(thread), code=303)


@bp.post("/threads/<id:thread_id>/status")
@perm.requires(found_first=thread_or_404)
def idea_status(thread_id: int):
    thread = thread_or_404(thread_id)
    data = load_form(IdeaStatusIn())
    threads.set_idea_status(db.session, thread, by=current_user, **data)
    db.session.commit()
    flash(_("The idea's status is now: %(status)s.", status=label(STATUS_LABELS, thread.status)),
          "success")
    return redirect(thread_url(thread), code=303)


def _vote(target, thread: Thread, anchor: str):
    as_json = asks_for_json()
    try:
        my_vote = load_form(VoteFormIn())["value"]
        if my_vote == 0:
            score = votes.remove_vote(db.session, target, by=current_user)
        else:
            score = votes.cast_vote(db.session, target, by=current_user, value=my_vote)
    except DomainError as exc:
        db.session.rollback()
        if as_json:
            return jsonify({"error": {"code": exc.code, "message": exc.message}}), exc.status
        raise
    db.session.commit()
    if as_json:
        return jsonify({"score": score, "my_vote": my_vote})
    return redirect(thread_url(thread, _anchor=anchor), code=303)


@bp.post("/threads/<id:thread_id>/vote")
@perm.requires(found_first=thread_or_404, json_too=True, message=_l("Sign in to vote."))
def vote_thread(thread_id: int):
    thread = thread_or_404(thread_id)
    return _vote(thread, thread, f"thread-{thread.id}")


@bp.post("/posts/<id:post_id>/vote")
@perm.requires(found_first=post_or_404, json_too=True, message=_l("Sign in to vote."))
def vote_post(post_id: int):
    post = post_or_404(post_id)
    return _vote(post, post.thread, f"post-{post.id}")
