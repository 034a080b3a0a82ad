"""Tags: the catalogue, one tag with its threads, and the moderators' description and merge."""

from __future__ import annotations

from flask_login import current_user

from .. import permissions as perm
from .. import queries
from ..extensions import db
from ..models import Tag
from ..schemas import load_query
from ..schemas.core import ThreadSummaryOut
from ..tags import catalogue, curation
from ..tags.schemas import DescriptionIn, MergeIn, MergeOut, TagListArgs, TagOut, TagPageArgs
from . import bp, json_body, page_args, page_json, reply, signed_in_user
from .openapi import doc


def visible_tag(name: str) -> tuple[Tag, int]:
    """The tag ``name`` stands for (a merged tag's name answers for its target), and how
    many threads the caller may read carry it; a 404 when it has none to show."""
    found = catalogue.find(db.session, name)
    tag = catalogue.canonical(db.session, found) if found is not None else None
    count = catalogue.readable_count(db.session, current_user, tag) if tag is not None else 0
    return perm.require_tag(current_user, tag, count), count


def _tag_json(tag: Tag, count: int) -> dict:
    return TagOut().dump({"name": tag.name, "description": tag.description or "",
                          "count": count})


@bp.get("/tags")
@doc("Tags on threads the caller may read, most used first (q: a prefix)", response=TagOut,
     paginated=True, query=["q"])
def list_tags():
    page, per_page = page_args()
    prefix = load_query(TagListArgs)["q"]
    found = catalogue.list_tags(db.session, current_user, prefix=prefix, page=page,
                                per_page=per_page)
    return reply(page_json(found, TagOut()))


@bp.get("/tags/<name>")
@doc("A tag, its count and a page of its threads (sort: recent|votes|unanswered)",
     response=TagOut, query=["sort"])
def get_tag(name: str):
    tag, count = visible_tag(name)
    page, per_page = page_args()
    sort = load_query(TagPageArgs)["sort"]
    threads = queries.list_threads(db.session, current_user, tag=tag.name, sort=sort,
                                   page=page, per_page=per_page)
    return reply({**_tag_json(tag, count), "threads": page_json(threads, ThreadSummaryOut())})


@bp.patch("/tags/<name>")
@doc("Change a tag's description (moderators; audited)", body=DescriptionIn, response=TagOut,
     auth=True)
@perm.requires(perm.check_curate_tags)
def patch_tag(name: str):
    tag, count = visible_tag(name)
    data = json_body(DescriptionIn())
    curation.describe(db.session, tag, data["description"], by=signed_in_user())
    db.session.commit()
    return reply(_tag_json(tag, count))


@bp.post("/tags/<name>/merge")
@doc("Merge a tag into another (moderators; audited): its threads are re-tagged, its "
     "followers moved, and its name becomes a synonym", body=MergeIn, response=MergeOut,
     auth=True)
@perm.requires(perm.check_curate_tags)
def merge_tag(name: str):
    found = catalogue.find(db.session, name)
    source = perm.require_tag(current_user, found, 0)
    target = curation.target_for(db.session, source, json_body(MergeIn())["into"])
    moved = curation.merge(db.session, source, target, by=signed_in_user())
    db.session.commit()
    return reply(MergeOut().dump({"merged": source.name, "into": target.name, "threads": moved}))
