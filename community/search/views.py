"""The /search results page: the same service as the API, rendered."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for
from flask_login import current_user

from ..errors import BadRequest
from ..extensions import db
from ..schemas import PageArgs, load_query, query_choices
from ..web.helpers import slugify
from . import guest_limit, service
from . import page as cached

bp = Blueprint("search", __name__)


def _url(item: dict) -> str:
    endpoint, key = (("articles.article", "article_id") if item["kind"] == "article"
                     else ("content.thread", "thread_id"))
    url = url_for(endpoint, slug=slugify(item["title"]), **{key: item["thread_id"]})
    return f"{url}#post-{item['post_id']}" if item["post_id"] else url


@bp.get("/search")
@guest_limit
def results():
    spaces, allowed = cached.spaces()
    query = load_query(service.SearchArgs)
    args = {k: query.get(k) or "" for k in ("q", "space", "kind", "tag", "status", "sort")}
    # Results carry a space's slug (what the index stores); the page shows its name.
    context = {"args": args, "spaces": spaces, "space_names": {s.slug: s.name for s in spaces},
               "page": None, "suggestion": None,
               "message": None, "statuses": service.STATUSES}
    if "q" not in query:
        return render_template("search/results.html", **context)
    # The page number as every page reads it (page 1 if it is not one).
    paging = query_choices(PageArgs)
    page = paging["page"]
    per_page = min(paging["per_page"] or current_app.config["PER_PAGE"],
                   current_app.config["MAX_PER_PAGE"])
    try:
        text = service.clean_query(args["q"])
        filters = service.parse_filters(db.session, current_user, query)
    except BadRequest as exc:
        return render_template("search/results.html", **{**context, "message": exc.message}), 400
    return cached.results_page(text, filters, args=args, spaces=(spaces, allowed), page=page,
                               per_page=per_page, url=_url)
