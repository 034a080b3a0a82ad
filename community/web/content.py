"""Thread pages and every form that changes content: ask, answer, edit, vote, accept."""

from __future__ import annotations

import re

from flask import Blueprint, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from .. import permissions as perm
from .. import queries, ratelimit
from ..errors import DomainError, NotFound, ValidationFailed, asks_for_json
from ..extensions import db
from ..lookups import post_or_404, thread_or_404, thread_to_view_or_404
from ..models import IDEA_STATUSES, KINDS, Post, Space, Thread
from ..moderation import limits
from ..schemas import load
from ..schemas.core import IdeaStatusIn, PostIn, ThreadIn, ThreadPatchIn
from ..services import threads, tracking, votes
from . import page_cache
from .helpers import thread_url

bp = Blueprint("content", __name__)


def _tags(raw: str) -> list[str]:
    return [t for t in re.split(r"[,\s]+", raw or "") if t]


def _thread_content(thread: Thread, *, errors=None, answer_body: str = "") -> str:
    posts = queries.thread_posts(db.session, current_user, thread)
    queries.attach_my_votes(db.session, current_user, thread, posts)
    queries.attach_held(db.session, thread, posts)
    comments = queries.thread_comments(db.session, thread, [p.id for p in posts])
    return render_template(
        "threads/_thread.html", thread=thread, posts=posts, comments=comments,
        errors=errors or {}, answer_body=answer_body, idea_statuses=IDEA_STATUSES,
    )


def _flood_message(exc: limits.RateLimited) -> str:
    return _("You are posting too often: you can post again in %(wait)s. Your text is kept.",
             wait=ratelimit.wait_phrase(exc.retry_after))


def _retry_after(exc: limits.RateLimited) -> dict:
    return {"Retry-After": str(exc.retry_after)}


def _canonical(thread) -> Markup:
    return Markup('<link rel="canonical" href="%s">') % thread_url(thread)


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
    if "suggested" in request.args:
        tracking.ask_form(request.args["suggested"], clicked=True)
    content, key = page_cache.lookup(row)
    if content is None:
        content = page_cache.render_with_placeholder(
            lambda: _thread_content(thread_to_view_or_404(thread_id)))
        page_cache.store_if_unchanged(key, row, content)
    return page_cache.page(lambda **parts: render_template("_shell.html", **parts),
                           title=row.title, head=str(_canonical(row)), path=thread_url(row),
                           content=content)


@bp.route("/ask", methods=["GET", "POST"])
@perm.signed_in
def ask():
    spaces = [s for s in queries.readable_spaces(db.session, current_user)
              if perm.can_post_in_space(current_user, s)]
    form = {
        "space": request.values.get("space", ""),
        "kind": request.values.get("kind", "question"),
        "title": request.form.get("title", ""),
        "body": request.form.get("body", ""),
        "tags": request.form.get("tags", ""),
        "token": tracking.valid_token(request.form.get("ask_form")) or tracking.new_form_token(),
    }
    if form["kind"] not in KINDS:
        form["kind"] = "question"
    if request.method == "GET":
        return render_template("threads/ask.html", spaces=spaces, form=form, errors={})
    try:
        limits.check_request()
    except limits.RateLimited as exc:
        return render_template("threads/ask.html", spaces=spaces, form=form, errors={},
                               message=_flood_message(exc)), 429, _retry_after(exc)
    try:
        data = load(ThreadIn(), {**form, "tags": _tags(form["tags"])})
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
    body = request.form.get("body", "")
    try:
        limits.check_request()
    except limits.RateLimited as exc:
        page, status = _render_thread(thread, status=429, errors={"body": [_flood_message(exc)]},
                                      answer_body=body)
        return page, status, _retry_after(exc)
    try:
        data = load(PostIn(), {"body": body})
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
    form = {
        "title": request.form.get("title", thread.title),
        "body": request.form.get("body", thread.body),
        "tags": request.form.get("tags", " ".join(t.name for t in thread.tags)),
    }
    if request.method == "GET":
        return render_template("threads/edit.html", thread=thread, form=form, errors={})
    try:
        data = load(ThreadPatchIn(), {**form, "tags": _tags(form["tags"])})
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
    body = request.form.get("body", post.body)
    if request.method == "GET":
        return render_template("threads/edit_post.html", post=post, body=body, errors={})
    try:
        data = load(PostIn(), {"body": body})
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
    return redirect(thread_url(post.thread), code=303)


@bp.post("/posts/<id:post_id>/restore")
@perm.requires(found_first=post_or_404)
def restore_post(post_id: int):
    post = post_or_404(post_id)
    threads.restore_post(db.session, post, by=current_user)
    db.session.commit()
    return redirect(thread_url(post.thread, _anchor=f"post-{post.id}"), code=303)


@bp.post("/threads/<id:thread_id>/accept")
@perm.requires(found_first=thread_or_404)
def accept(thread_id: int):
    thread = thread_or_404(thread_id)
    raw = request.form.get("post_id", "")
    post = db.session.get(Post, int(raw)) if raw.isdigit() and len(raw) < 18 else None
    if post is None or post.thread_id != thread.id:
        raise NotFound(_("This answer does not exist."))
    votes.accept_answer(db.session, thread, post, by=current_user)
    db.session.commit()
    return redirect(thread_url(thread, _anchor=f"post-{post.id}"), code=303)


@bp.post("/threads/<id:thread_id>/unaccept")
@perm.requires(found_first=thread_or_404)
def unaccept(thread_id: int):
    thread = thread_or_404(thread_id)
    votes.unaccept_answer(db.session, thread, by=current_user)
    db.session.commit()
    return redirect(thread_url(thread), code=303)


@bp.post("/threads/<id:thread_id>/status")
@perm.requires(found_first=thread_or_404)
def idea_status(thread_id: int):
    thread = thread_or_404(thread_id)
    data = load(IdeaStatusIn(), {"status": request.form.get("status", ""),
                                 "note": request.form.get("note") or None})
    threads.set_idea_status(db.session, thread, by=current_user, **data)
    db.session.commit()
    return redirect(thread_url(thread), code=303)


def _vote(target, thread: Thread, anchor: str):
    as_json = asks_for_json()
    raw = request.form.get("value", "")
    try:
        if raw == "0":
            score = votes.remove_vote(db.session, target, by=current_user)
            my_vote = 0
        elif raw in ("1", "-1"):
            my_vote = int(raw)
            score = votes.cast_vote(db.session, target, by=current_user, value=my_vote)
        else:
            raise ValidationFailed(_("A vote is 1 or -1."), {"value": [_("Use 1 or -1.")]})
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
