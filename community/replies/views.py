"""Pages: /admin/saved-replies (staff): list, create, edit and delete saved replies.
Moderators and admins manage every one; an employee those of their expert groups."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions as perm
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..models import ExpertGroup, SavedReply
from ..schemas import load_form, submitted
from . import placeholders, service
from .schemas import SavedReplyIn

bp = Blueprint("replies", __name__)
_FIELDS = ("title", "body_en", "body_fr", "group")


def _reply(reply_id: int) -> SavedReply:
    reply = db.session.get(SavedReply, reply_id)
    if reply is None or reply not in service.usable(db.session, current_user):
        raise NotFound(_("This saved reply does not exist."))
    return reply


def _list_page(*, form=None, errors=None, message=None, status=200):
    user = current_user._get_current_object()
    replies = service.usable(db.session, user)
    groups = service.manageable_groups(db.session, user)
    return render_template(
        "replies/admin.html", replies=replies, groups=groups,
        manageable={r.id for r in replies if service.can_manage(db.session, user, r)},
        can_global=user.is_moderator, placeholders=placeholders.PLACEHOLDERS,
        form=form or dict.fromkeys(_FIELDS, ""), errors=errors or {}, message=message), status


@bp.get("/admin/saved-replies")
@perm.requires(perm.require_saved_replies)
def index():
    return _list_page()


@bp.post("/admin/saved-replies")
@perm.requires(perm.require_saved_replies)
def create():
    try:
        service.create(db.session, by=current_user, **load_form(SavedReplyIn()))
    except ValidationFailed as exc:
        db.session.rollback()
        return _list_page(form=submitted(*_FIELDS), errors=exc.fields, message=exc.message,
                          status=422)
    db.session.commit()
    flash(_("The saved reply was created."))
    return redirect(url_for("replies.index"), code=303)


def _edit_page(reply, *, form=None, errors=None, message=None, status=200):
    user = current_user._get_current_object()
    return render_template(
        "replies/edit.html", reply=reply, groups=service.manageable_groups(db.session, user),
        can_global=user.is_moderator, placeholders=placeholders.PLACEHOLDERS,
        form=form or {"title": reply.title, "body_en": reply.body_en, "body_fr": reply.body_fr,
                      "group": _group_slug(reply)},
        errors=errors or {}, message=message), status


def _group_slug(reply: SavedReply) -> str:
    group = db.session.get(ExpertGroup, reply.group_id) if reply.group_id else None
    return group.slug if group else ""


@bp.get("/admin/saved-replies/<id:reply_id>")
@perm.requires(perm.require_saved_replies)
def edit(reply_id: int):
    reply = _reply(reply_id)
    perm.check_manage_saved_reply(current_user, reply.group_id,
                                  service.my_group_ids(db.session, current_user))
    return _edit_page(reply)


@bp.post("/admin/saved-replies/<id:reply_id>")
@perm.requires(perm.require_saved_replies)
def save(reply_id: int):
    reply = _reply(reply_id)
    try:
        service.update(db.session, reply, by=current_user, **load_form(SavedReplyIn()))
    except ValidationFailed as exc:
        db.session.rollback()
        return _edit_page(db.session.get(SavedReply, reply_id), form=submitted(*_FIELDS),
                          errors=exc.fields, message=exc.message, status=422)
    db.session.commit()
    flash(_("The saved reply was saved."))
    return redirect(url_for("replies.index"), code=303)


@bp.post("/admin/saved-replies/<id:reply_id>/delete")
@perm.requires(perm.require_saved_replies)
def delete(reply_id: int):
    service.delete(db.session, _reply(reply_id), by=current_user)
    db.session.commit()
    flash(_("The saved reply was deleted."))
    return redirect(url_for("replies.index"), code=303)
