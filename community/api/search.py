"""GET /search and /search/similar: see community.search.service for the rules."""

from __future__ import annotations

from flask_login import current_user
from marshmallow import Schema, fields

from ..extensions import db
from ..schemas import load_query
from ..search import guest_limit, service
from ..services import tracking
from . import bp, page_args, reply
from .openapi import doc


class SearchHitOut(Schema):
    thread_id = fields.Integer()
    post_id = fields.Integer(allow_none=True)
    title = fields.String()
    snippet = fields.String(metadata={"description": "HTML: matches in <mark>, the rest escaped"})
    kind = fields.String()
    space = fields.String()
    status = fields.String()
    score = fields.Integer()
    created_at = fields.String()


@bp.get("/search")
@guest_limit
@doc("Full-text search over the threads the caller can read (also returns did_you_mean)",
     response=SearchHitOut, paginated=True,
     query=["q", "space", "kind", "tag", "status", "sort"])
def search():
    query = load_query(service.SearchArgs)
    text = service.clean_query(query.get("q"))
    page, per_page = page_args()
    filters = service.parse_filters(db.session, current_user, query)
    result, suggestion = service.search(db.session, current_user, text, filters,
                                        page=page, per_page=per_page)
    return reply({"items": result.items, "page": result.page, "per_page": result.per_page,
                  "total": result.total, "did_you_mean": suggestion})


@bp.get("/search/similar")
@guest_limit
@doc("Up to 5 threads like the title being written", response=SearchHitOut, many=True,
     query=["title", "form"])
def search_similar():
    args = load_query(service.SearchArgs)
    items = service.similar(db.session, current_user, args["title"])
    if items:  # `form`: the ask page's token, so opening a suggestion can be counted
        tracking.ask_form(args["form"], shown=True)
    return reply({"items": items})
