"""Spaces, threads, posts, votes, accepted answers and idea statuses."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import permissions as perm
from .. import queries
from ..errors import NotFound
from ..extensions import db
from ..lookups import (
    post_or_404,
    post_to_view_or_404,
    space_or_404,
    thread_or_404,
    thread_to_view_or_404,
)
from ..models import Post, Space, Thread
from ..moderation import spaces as space_admin
from ..schemas import load_query
from ..schemas.core import (
    AcceptIn,
    IdeaStatusIn,
    PostIn,
    PostOut,
    ScoreOut,
    SpaceIn,
    SpaceOut,
    SpacePatchIn,
    ThreadIn,
    ThreadListArgs,
    ThreadOut,
    ThreadPatchIn,
    ThreadSummaryOut,
    VoteIn,
)
from ..services import threads, votes
from . import bp, json_body, page_args, page_json, reply, signed_in_user
from .openapi import doc


def _thread_json(thread: Thread) -> dict:
    posts = queries.thread_posts(db.session, current_user, thread)
    queries.attach_my_votes(db.session, current_user, thread, posts)
    queries.attach_held(db.session, thread, posts)
    thread.visible_posts = posts
    data = ThreadOut().dump(thread)
    if perm.can_work_cases(current_user):
        from ..escalation.api_helpers import thread_case_json

        data["case"] = thread_case_json(db.session, thread)  # staff only: API.md
    return data


def _post_json(post: Post) -> dict:
    queries.attach_my_votes(db.session, current_user, None, [post])
    post.held = perm.is_held(post)
    return PostOut().dump(post)


@bp.get("/spaces")
@doc("Spaces the caller can read", response=SpaceOut, many=True)
def list_spaces():
    items = queries.readable_spaces(db.session, current_user)
    return reply({"items": SpaceOut(many=True).dump(items)})


@bp.post("/spaces")
@doc("Create a space (admins)", body=SpaceIn, response=SpaceOut, status=201, auth=True)
@perm.requires(perm.check_admin)
def create_space():
    data = json_body(SpaceIn())
    space = space_admin.create(db.session, by=signed_in_user(), **data)
    db.session.commit()
    return reply(SpaceOut().dump(space), 201)


@bp.patch("/spaces/<slug>")
@doc("Edit a space: name, description, visibility, position, archived (admins; audited)",
     body=SpacePatchIn, response=SpaceOut, auth=True)
@perm.requires(perm.check_manage_spaces)
def patch_space(slug: str):
    space = space_or_404(slug)
    data = json_body(SpacePatchIn())
    space_admin.edit(db.session, space, by=signed_in_user(), **data)
    db.session.commit()
    return reply(SpaceOut().dump(space))


@bp.get("/threads")
@doc("List threads", response=ThreadSummaryOut, paginated=True,
     query=["space", "kind", "tag", "status", "sort"])
def list_threads():
    page, per_page = page_args()
    args = load_query(ThreadListArgs)
    space = space_or_404(args["space"]) if args["space"] else None
    result = queries.list_threads(db.session, current_user, space=space, kind=args["kind"],
                                  tag=args["tag"], status=args["status"], sort=args["sort"],
                                  page=page, per_page=per_page)
    return reply(page_json(result, ThreadSummaryOut()))


@bp.post("/threads")
@doc("Ask a question, propose an idea or start a discussion", body=ThreadIn,
     response=ThreadOut, status=201, auth=True)
@perm.signed_in
def create_thread():
    user = signed_in_user()
    data = json_body(ThreadIn())
    space = db.session.scalar(select(Space).where(Space.slug == data.pop("space")))
    if space is None:
        raise NotFound(_("This space does not exist."))
    thread = threads.create_thread(db.session, space, by=user, **data)
    db.session.commit()
    return reply(_thread_json(thread), 201)


@bp.get("/threads/<id:thread_id>")
@doc("A thread with its visible posts", response=ThreadOut)
def get_thread(thread_id: int):
    return reply(_thread_json(thread_to_view_or_404(thread_id)))


@bp.patch("/threads/<id:thread_id>")
@doc("Edit a thread (a revision is kept)", body=ThreadPatchIn, response=ThreadOut, auth=True)
@perm.signed_in
def patch_thread(thread_id: int):
    user = signed_in_user()
    thread = thread_or_404(thread_id)
    data = json_body(ThreadPatchIn())
    threads.edit_thread(db.session, thread, by=user, **data)
    db.session.commit()
    return reply(_thread_json(thread))


@bp.post("/threads/<id:thread_id>/posts")
@doc("Answer a question or reply to an idea or discussion", body=PostIn, response=PostOut,
     status=201, auth=True)
@perm.signed_in
def create_post(thread_id: int):
    user = signed_in_user()
    thread = thread_or_404(thread_id)
    data = json_body(PostIn())
    post = threads.create_post(db.session, thread, by=user, body=data["body"])
    db.session.commit()
    return reply(_post_json(post), 201)


@bp.get("/posts/<id:post_id>")
@doc("One post", response=PostOut)
def get_post(post_id: int):
    return reply(_post_json(post_to_view_or_404(post_id)))


@bp.patch("/posts/<id:post_id>")
@doc("Edit a post (a revision is kept)", body=PostIn, response=PostOut, auth=True)
@perm.signed_in
def patch_post(post_id: int):
    user = signed_in_user()
    post = post_or_404(post_id)
    data = json_body(PostIn())
    threads.edit_post(db.session, post, by=user, body=data["body"])
    db.session.commit()
    return reply(_post_json(post))


@bp.delete("/posts/<id:post_id>")
@doc("Delete a post (moderators can restore it)", status=204, auth=True)
@perm.signed_in
def delete_post(post_id: int):
    user = signed_in_user()
    threads.delete_post(db.session, post_or_404(post_id), by=user)
    db.session.commit()
    return "", 204


@bp.post("/posts/<id:post_id>/restore")
@doc("Restore a deleted post (moderators)", response=PostOut, auth=True)
@perm.signed_in
def restore_post(post_id: int):
    user = signed_in_user()
    post = post_or_404(post_id)
    threads.restore_post(db.session, post, by=user)
    db.session.commit()
    return reply(_post_json(post))


def _vote(target, value: int | None):
    user = signed_in_user()
    if value is None:
        score = votes.remove_vote(db.session, target, by=user)
        my_vote = 0
    else:
        score = votes.cast_vote(db.session, target, by=user, value=value)
        my_vote = value
    db.session.commit()
    return reply(ScoreOut().dump({"score": score, "my_vote": my_vote}))


@bp.put("/threads/<id:thread_id>/vote")
@doc("Vote on a thread", body=VoteIn, response=ScoreOut, auth=True)
@perm.signed_in
def vote_thread(thread_id: int):
    thread = thread_or_404(thread_id)
    return _vote(thread, json_body(VoteIn())["value"])


@bp.delete("/threads/<id:thread_id>/vote")
@doc("Remove your vote on a thread", response=ScoreOut, auth=True)
@perm.signed_in
def unvote_thread(thread_id: int):
    return _vote(thread_or_404(thread_id), None)


@bp.put("/posts/<id:post_id>/vote")
@doc("Vote on a post", body=VoteIn, response=ScoreOut, auth=True)
@perm.signed_in
def vote_post(post_id: int):
    post = post_or_404(post_id)
    return _vote(post, json_body(VoteIn())["value"])


@bp.delete("/posts/<id:post_id>/vote")
@doc("Remove your vote on a post", response=ScoreOut, auth=True)
@perm.signed_in
def unvote_post(post_id: int):
    return _vote(post_or_404(post_id), None)


@bp.post("/threads/<id:thread_id>/accept")
@doc("Accept an answer (the asker or a moderator)", body=AcceptIn, response=ThreadOut, auth=True)
@perm.signed_in
def accept(thread_id: int):
    user = signed_in_user()
    thread = thread_or_404(thread_id)
    data = json_body(AcceptIn())
    post = db.session.get(Post, data["post_id"])
    if post is None or post.thread_id != thread.id:
        raise NotFound(_("This answer does not exist."))
    votes.accept_answer(db.session, thread, post, by=user)
    db.session.commit()
    return reply(_thread_json(thread))


@bp.delete("/threads/<id:thread_id>/accept")
@doc("Withdraw the accepted answer", response=ThreadOut, auth=True)
@perm.signed_in
def unaccept(thread_id: int):
    user = signed_in_user()
    thread = thread_or_404(thread_id)
    votes.unaccept_answer(db.session, thread, by=user)
    db.session.commit()
    return reply(_thread_json(thread))


@bp.put("/threads/<id:thread_id>/status")
@doc("Set an idea's status (staff)", body=IdeaStatusIn, response=ThreadOut, auth=True)
@perm.signed_in
def idea_status(thread_id: int):
    user = signed_in_user()
    thread = thread_or_404(thread_id)
    data = json_body(IdeaStatusIn())
    threads.set_idea_status(db.session, thread, by=user, **data)
    db.session.commit()
    return reply(_thread_json(thread))
