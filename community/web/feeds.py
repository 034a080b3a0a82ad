"""Addresses for machines: /robots.txt, the sitemaps and the Atom feeds.

All of them show what a guest may read, whoever asks (a feed reader or a search
engine shares what it fetched): public spaces only, no deleted, hidden or held
content (all three set ``deleted_at``), no thread merged into another."""

from __future__ import annotations

import hashlib
from datetime import datetime
from urllib.parse import quote

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import permissions as perm
from ..errors import NotFound
from ..extensions import db
from ..models import Space, Tag, Thread, ThreadRedirect, User, thread_tag, utcnow
from .discovery import absolute, thread_path

bp = Blueprint("feeds", __name__)

# Pages with nothing for a search engine: per-reader, administrative or endless.
DISALLOWED = ("/api/", "/search", "/admin", "/settings", "/moderation", "/triage", "/cases",
              "/notifications", "/watches", "/ask", "/login", "/register", "/auth/")


def _public_threads():
    return perm.thread_filter(None) & Thread.id.not_in(select(ThreadRedirect.old_thread_id))


def _public_spaces() -> list[Space]:
    return list(db.session.scalars(select(Space).where(perm.space_filter(None))
                                   .order_by(Space.position, Space.id)))


@bp.get("/robots.txt")
def robots():
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), "",
             f"Sitemap: {absolute('/sitemap.xml')}", ""]
    return Response("\n".join(lines), mimetype="text/plain")


# ---- sitemaps: the home page, public spaces, then public threads, in files of
# SITEMAP_URLS_PER_FILE, listed by the index at /sitemap.xml ---------------------------

def _fixed_urls() -> list[tuple[str, datetime | None]]:
    return [(absolute("/"), None)] + [(absolute(f"/spaces/{s.slug}"), None)
                                      for s in _public_spaces()]


def _xml(template: str, **context) -> Response:
    return Response(render_template(template, **context), mimetype="application/xml")


@bp.get("/sitemap.xml")
def sitemap_index():
    per_file = current_app.config["SITEMAP_URLS_PER_FILE"]
    total = len(_fixed_urls()) + db.session.scalar(
        select(func.count()).select_from(Thread).where(_public_threads()))
    files = [absolute(f"/sitemap-{n}.xml") for n in range(1, -(-total // per_file) + 1)]
    return _xml("discovery/sitemap_index.xml", files=files)


@bp.get("/sitemap-<int:number>.xml")
def sitemap(number: int):
    per_file = current_app.config["SITEMAP_URLS_PER_FILE"]
    start = (number - 1) * per_file
    fixed = _fixed_urls()
    urls = fixed[start:start + per_file]
    rows = db.session.execute(
        select(Thread.id, Thread.title, Thread.last_activity_at, Thread.kind)
        .where(_public_threads())
        .order_by(Thread.id).offset(max(0, start - len(fixed))).limit(per_file - len(urls)))
    urls += [(absolute(thread_path(tid, title, kind)), changed)
             for tid, title, changed, kind in rows]
    if number < 1 or (not urls and number != 1):
        raise NotFound(_("This page does not exist."))
    return _xml("discovery/sitemap.xml", urls=urls)


# ---- Atom feeds -----------------------------------------------------------------------

def _feed(title: str, path: str, *where) -> Response:
    rows = db.session.execute(
        select(Thread, User.display_name).join(User, User.id == Thread.author_id)
        .where(_public_threads(), *where)
        .order_by(Thread.created_at.desc(), Thread.id.desc())
        .limit(current_app.config["FEED_ENTRIES"])).all()
    entries = [{"thread": t, "author": name, "url": absolute(thread_path(t.id, t.title, t.kind)),
                "updated": t.edited_at or t.created_at} for t, name in rows]
    updated = max((e["updated"] for e in entries), default=None)
    body = render_template("discovery/feed.xml", title=title, self_url=absolute(path),
                           site_url=absolute("/"), entries=entries,
                           updated=updated or utcnow())
    resp = Response(body, mimetype="application/atom+xml")
    # The body's digest: any change to what it lists (or its language) changes it.
    resp.set_etag(hashlib.sha256(body.encode()).hexdigest())
    if updated is not None:
        resp.last_modified = updated
    return resp.make_conditional(request)


@bp.get("/feed.atom")
def community_feed():
    return _feed(_("Continuum: latest questions"), "/feed.atom")


@bp.get("/spaces/<slug>/feed.atom")
def space_feed(slug: str):
    space = db.session.scalar(select(Space).where(Space.slug == slug))
    if space is None or not perm.can_read_space(None, space):
        raise NotFound(_("This space does not exist."))
    return _feed(_("Continuum: latest in %(space)s", space=space.name),
                 f"/spaces/{space.slug}/feed.atom", Thread.space_id == space.id)


@bp.get("/tags/<name>/feed.atom")
def tag_feed(name: str):
    tag = db.session.scalar(select(Tag).where(Tag.name == name))
    if tag is None:
        raise NotFound(_("This tag does not exist."))
    tagged = select(thread_tag.c.thread_id).where(thread_tag.c.tag_id == tag.id)
    return _feed(_("Continuum: latest tagged %(tag)s", tag=tag.name),
                 f"/tags/{quote(tag.name)}/feed.atom", Thread.id.in_(tagged))
