"""/uploads/<id>/<name> (and its image's /thumb/): an upload, to those who may read it.

Served inert whatever it holds: the stored Content-Type with nosniff, a CSP that allows
nothing and sandboxes the document, other files as attachments, and only to same-origin
pages (Cross-Origin-Resource-Policy). Unreadable, missing and misnamed are the same 404.
"""

from __future__ import annotations

import re

from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions as perm
from .. import storage
from ..errors import NotFound
from ..extensions import db
from ..models import Upload
from . import service

bp = Blueprint("uploads", __name__)

UPLOAD_ID = re.compile(r"^[0-9a-f]{32}\Z")
# Public uploads may sit in shared caches a little while; readability can change (a
# post deleted), so not for long. The others are revalidated on every view.
PUBLIC_CACHE = "public, max-age=300"
PRIVATE_CACHE = "private, no-cache"


def _headers(upload: Upload, *, thumbnail: bool) -> dict:
    inline = upload.is_image
    return {
        "Content-Type": "image/webp" if thumbnail else upload.content_type,
        "Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{upload.name}"',
        "Cache-Control": PUBLIC_CACHE if perm.can_read_upload(None, upload) else PRIVATE_CACHE,
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cross-Origin-Resource-Policy": "same-origin",
    }


def _serve(upload_id: str, name: str, *, thumbnail: bool):
    upload = db.session.get(Upload, upload_id) if UPLOAD_ID.match(upload_id) else None
    if upload is not None and (upload.name != name or (thumbnail and not upload.has_thumbnail)):
        upload = None
    upload = perm.require_upload(current_user, upload)
    headers = _headers(upload, thumbnail=thumbnail)
    etag = upload.digest + ("-thumb" if thumbnail else "")
    db.session.commit()  # end the read before the (maybe remote) store is asked
    if request.if_none_match.contains(etag):
        return "", 304, {**headers, "ETag": f'"{etag}"'}
    key = service.thumbnail_key(upload.id) if thumbnail else service.file_key(upload.id)
    data = storage.uploads().get(key)
    if data is None:
        raise NotFound(_("Nothing was found at this address."))
    return data, 200, {**headers, "ETag": f'"{etag}"'}


@bp.get("/uploads/<upload_id>/<name>")
def upload(upload_id: str, name: str):
    return _serve(upload_id, name, thumbnail=False)


@bp.get("/uploads/<upload_id>/thumb/<name>")
def thumbnail(upload_id: str, name: str):
    return _serve(upload_id, name, thumbnail=True)
