"""Avatars as files: public, immutable at their address (a new upload has a new one)."""

from __future__ import annotations

import re

from flask import Blueprint, current_app
from flask_babel import gettext as _

from .. import images, storage
from ..errors import NotFound
from ..services.profile import avatar_key

bp = Blueprint("avatars", __name__)

VERSION = re.compile(r"^[0-9a-f]{1,16}\Z")
A_YEAR = 365 * 24 * 3600


@bp.get("/avatars/<int:user_id>/<version>/<int:size>.webp")
def avatar(user_id: int, version: str, size: int):
    # Read by its address alone, no query: the version in it is only known once uploaded.
    if not VERSION.match(version) or size not in current_app.config["AVATAR_SIZES"]:
        raise NotFound(_("Nothing was found at this address."))
    data = storage.avatars().get(avatar_key(user_id, version, size))
    if data is None:
        raise NotFound(_("Nothing was found at this address."))
    return data, 200, {
        "Content-Type": images.OUTPUT_TYPE,
        "Cache-Control": f"public, max-age={A_YEAR}, immutable",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
