"""The JSON API, /api/v1: helpers shared by its modules."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from .. import schemas
from ..errors import BadRequest, Unauthorized
from ..schemas import load
from ..security import bearer_token

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _depth(value, limit: int, level: int = 0) -> None:
    if level > limit:
        raise BadRequest(_("The JSON document is nested too deeply."))
    if isinstance(value, dict):
        for item in value.values():
            _depth(item, limit, level + 1)
    elif isinstance(value, list):
        for item in value:
            _depth(item, limit, level + 1)


def json_body(schema=None, *, optional: bool = False) -> dict:
    """The request's JSON object, validated by ``schema``. Malformed JSON is a 400."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if optional:
            data = {}
            return load(schema, data) if schema is not None else data
        raise BadRequest(_("A JSON body is required."))
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        # RecursionError: deeply nested arrays blow the parser's stack.
        raise BadRequest(_("The body is not valid JSON.")) from None
    _depth(data, current_app.config["MAX_JSON_DEPTH"])
    if schema is None:
        return data
    return load(schema, data)


def page_args() -> tuple[int, int]:
    return schemas.page_args(current_app.config["PER_PAGE"], current_app.config["MAX_PER_PAGE"])


def page_json(page, schema) -> dict:
    return {"items": schema.dump(page.items, many=True), "page": page.page,
            "per_page": page.per_page, "total": page.total}


def signed_in_user():
    """The caller of a view wrapped in ``permissions.requires``: never a guest."""
    return current_user._get_current_object()


@bp.before_request
def _refuse_bad_token():
    # A wrong, expired or revoked token is an error everywhere, even on public reads:
    # silently treating the caller as a guest would hide a broken integration.
    if bearer_token() is not None and not current_user.is_authenticated:
        raise Unauthorized(_("The bearer token is not valid or has been revoked."))


def reply(payload, status: int = 200):
    resp = jsonify(payload)
    resp.status_code = status
    return resp


def register(app) -> None:
    """Called by the factory once this package is fully loaded: each module adds its
    routes to ``bp`` on import, then the blueprint is registered."""
    from . import (  # noqa: F401  (routes register on bp)
        account_email,
        accounts,
        analytics,
        articles,
        cases,
        content,
        demand,
        drafts,
        gamification,
        moderation,
        notifications,
        openapi,
        organisations,
        people,
        preview,
        replies,
        search,
        site_settings,
        tags,
        uploads,
        webhooks,
    )

    app.register_blueprint(bp)


__all__ = ["Unauthorized", "bp", "json_body", "page_args", "page_json", "register", "reply",
           "signed_in_user"]
