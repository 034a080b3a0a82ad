"""Taking a file: the checks, the redraw, the store, the row. Never commits."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .. import events, images, storage
from .. import permissions as perm
from ..errors import PayloadTooLarge, ValidationFailed
from ..models import Space, Upload, UploadLink, User, utcnow
from ..ratelimit import RateLimited, wait_phrase
from . import filetypes

MB = 1024 * 1024
DAY = timedelta(hours=24)


@dataclass(frozen=True)
class Incoming:
    filename: str | None
    data: bytes  # at most UPLOAD_MAX_MB + 1 byte of it: one more says "too large"


def file_key(upload_id: str) -> str:
    return f"uploads/{upload_id}/file"


def thumbnail_key(upload_id: str) -> str:
    return f"uploads/{upload_id}/thumb"


def upload_url(upload: Upload, *, thumbnail: bool = False) -> str:
    middle = "thumb/" if thumbnail else ""
    return f"/uploads/{upload.id}/{middle}{upload.name}"


def markdown_for(upload: Upload) -> str:
    # The name is made of [A-Za-z0-9._-] only (filetypes.safe_name): nothing to escape.
    if upload.is_image:
        return f"![{upload.name}]({upload_url(upload)})"
    return f"[{upload.name}]({upload_url(upload)})"


def _space(session: Session, user: User, slug: str | None) -> Space | None:
    if not slug:
        return None
    space = session.scalar(select(Space).where(Space.slug == slug))
    if space is None or not perm.can_read_space(user, space):
        # The same words for a space that is missing and one the caller cannot read.
        message = _("There is no space of this name.")
        raise ValidationFailed(message, {"space": [message]})
    return space


def _keys(upload: Upload) -> list[str]:
    if upload.has_thumbnail:
        return [file_key(upload.id), thumbnail_key(upload.id)]
    return [file_key(upload.id)]


def discard_files(upload: Upload) -> None:
    """The files of an upload whose row was never committed (the commit failed): nothing
    else would ever find them."""
    storage.uploads().delete(_keys(upload))


def _check_allowance(session: Session, user: User, size: int) -> None:
    """The daily allowance (count and megabytes over the last 24 hours), counted from
    the rows themselves, so it holds across processes and restarts."""
    cfg = current_app.config
    since = utcnow() - DAY
    count, used, oldest = session.execute(
        select(func.count(Upload.id), func.coalesce(func.sum(Upload.size), 0),
               func.min(Upload.created_at))
        .where(Upload.owner_id == user.id, Upload.created_at > since)).one()
    if count + 1 > cfg["UPLOAD_DAILY_COUNT"] or used + size > cfg["UPLOAD_DAILY_MB"] * MB:
        wait = max(1, int((oldest + DAY - utcnow()).total_seconds())) if oldest else 24 * 3600
        raise RateLimited(_("You have used today's upload allowance (%(count)s files, "
                            "%(mb)s MB a day). Try again in %(wait)s.",
                            count=cfg["UPLOAD_DAILY_COUNT"], mb=cfg["UPLOAD_DAILY_MB"],
                            wait=wait_phrase(wait)), wait)


def store_upload(session: Session, incoming: Incoming, *, by: User,
                 space_slug: str | None = None) -> Upload:
    """Check ``incoming``, store its bytes (an image redrawn, another allowed file as
    sent) and add its row. The bytes are written before the row, so there is never a
    row without its file; if the row cannot be written (here, or at the caller's
    commit: see ``discard_files``) the bytes are deleted again. A refused upload writes
    nothing."""
    perm.check_upload(by)
    cfg = current_app.config
    space = _space(session, by, space_slug)
    max_bytes = cfg["UPLOAD_MAX_MB"] * MB
    if len(incoming.data) > max_bytes:
        message = _("Choose a file of at most %(mb)s MB.", mb=cfg["UPLOAD_MAX_MB"])
        raise PayloadTooLarge(message, {"file": [message]})
    if not incoming.data:
        raise filetypes.refuse(_("The file is empty."))
    _check_allowance(session, by, 0)  # a spent allowance costs no decoding
    redrawn = images.redraw_upload(incoming.data, max_pixels=cfg["UPLOAD_MAX_PIXELS"],
                                   max_side=cfg["UPLOAD_IMAGE_MAX_SIDE"],
                                   thumb_side=cfg["UPLOAD_THUMBNAIL_SIDE"])
    if redrawn is not None:
        data, content_type = redrawn.data, redrawn.content_type
        name = filetypes.safe_name(incoming.filename, redrawn.extension)
    else:
        kind, content_type = filetypes.recognise(
            incoming.data, incoming.filename, filetypes.allowed_types(cfg["UPLOAD_TYPES"]))
        data, name = incoming.data, filetypes.safe_name(incoming.filename, kind)
    _check_allowance(session, by, len(data))
    upload = Upload(id=secrets.token_hex(16), owner_id=by.id,
                    space_id=space.id if space is not None else None, name=name,
                    content_type=content_type, is_image=redrawn is not None,
                    has_thumbnail=redrawn is not None, size=len(data),
                    width=redrawn.width if redrawn else None,
                    height=redrawn.height if redrawn else None,
                    digest=hashlib.sha256(data).hexdigest(), created_at=utcnow())
    store = storage.uploads()
    try:
        store.put(file_key(upload.id), data)
        if redrawn is not None:
            store.put(thumbnail_key(upload.id), redrawn.thumbnail)
        session.add(upload)
        session.flush()
    except Exception:
        discard_files(upload)  # a full disk, a locked database: no row will name them
        raise
    return upload


def delete_uploads(session: Session, uploads: list[Upload]) -> int:
    """Delete these rows now and their files once the deletion is committed."""
    if not uploads:
        return 0
    ids = [u.id for u in uploads]
    keys = [key for u in uploads for key in _keys(u)]
    session.execute(delete(UploadLink).where(UploadLink.upload_id.in_(ids)))
    session.execute(delete(Upload).where(Upload.id.in_(ids)))
    # Files go after the commit: a rollback must not leave rows without their files.
    # (An object store's delete has its timeouts; a failure is logged and leaves only
    # bytes that no row names, which nothing serves.)
    events.defer(session, storage.uploads().delete, keys)
    return len(ids)
