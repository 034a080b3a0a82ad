"""Uploads: API.md "Uploads", extended in docs/API-EXTENSIONS.md."""

from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from .. import permissions as perm
from ..errors import ValidationFailed
from ..extensions import db, limiter
from ..schemas import load_form
from ..security import upload_limit
from ..uploads import service
from ..uploads.schemas import UploadIn, UploadOut
from . import bp, reply, signed_in_user
from .openapi import doc


def _caller() -> str:
    # Per account; a guest (refused a moment later) counts under the address.
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


@bp.post("/uploads")
@upload_limit("UPLOAD_MAX_MB", service.MB)
@limiter.limit(lambda: current_app.config["UPLOAD_RATE_LIMIT"], key_func=_caller)
@doc("Upload an image (redrawn, without metadata) or an allowed file: 201 {url, markdown}",
     response=UploadOut, status=201, upload="file", form=("space",), auth=True)
@perm.signed_in
def create_upload():
    user = signed_in_user()
    space = load_form(UploadIn())["space"]
    sent = request.files.get("file")
    if sent is None:
        message = _("Send the file in the multipart field named file.")
        raise ValidationFailed(message, {"file": [message]})
    # One byte over the limit is enough to know it is too large.
    data = sent.read(current_app.config["UPLOAD_MAX_MB"] * service.MB + 1)
    upload = service.store_upload(db.session, service.Incoming(sent.filename, data), by=user,
                                  space_slug=space)
    try:
        db.session.commit()
    except Exception:
        service.discard_files(upload)  # its row never was: no purge would find them
        raise
    return reply(UploadOut().dump({
        "id": upload.id, "url": service.upload_url(upload),
        "markdown": service.markdown_for(upload), "name": upload.name,
        "content_type": upload.content_type, "size": upload.size,
        "width": upload.width, "height": upload.height,
        "thumbnail_url": service.upload_url(upload, thumbnail=True)
        if upload.has_thumbnail else None,
        "space": space or None}), 201)
