"""What search engines and link previews read on a page: the canonical address, the
description, Open Graph and Twitter tags, schema.org ``QAPage`` data, and the credit
an imported thread owes its source."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from flask import request, url_for
from markupsafe import Markup
from sqlalchemy import select

from ..extensions import db
from ..models import Post, User
from ..services.account_email import public_url
from .helpers import slugify

DESCRIPTION_LENGTH = 160
# JSON inside <script>: these would let text close the element or open a comment.
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                  "\u2028": "\\u2028", "\u2029": "\\u2029"}
# Characters XML 1.0 forbids (a feed with one is rejected whole by its readers).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_HOST = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
# Stack Exchange's licence by the date a post was written (stackoverflow.com/help/licensing).
_SE_LICENCES = ((datetime(2011, 4, 8, tzinfo=UTC), "2.5"),
                (datetime(2018, 5, 2, tzinfo=UTC), "3.0"))


def absolute(path: str) -> str:
    """``path`` on this site: PUBLIC_URL, else the host this request came to."""
    return public_url() + path


def canonical_url() -> str:
    """Every page's canonical address: its path without the query (filters, pages)."""
    return absolute(request.path)


def thread_path(thread_id: int, title: str, kind: str | None = None) -> str:
    endpoint, key = (("articles.article", "article_id") if kind == "article"
                     else ("content.thread", "thread_id"))
    return url_for(endpoint, slug=slugify(title), **{key: thread_id})


def plain_text(html: str) -> str:
    return Markup(html or "").striptags()


def describe(html: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """The text of rendered Markdown, cut at a word near ``limit`` characters."""
    text = plain_text(html)
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def json_ld(data: dict) -> Markup:
    """``data`` as a JSON-LD block no string in it can break out of."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _SCRIPT_UNSAFE.items():
        text = text.replace(char, escaped)
    return Markup('<script type="application/ld+json">%s</script>') % Markup(text)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _answers(thread_id: int) -> list:
    """The answers everyone may read (not deleted, which includes held and hidden); a
    question merged into this one is part of its history, not an answer."""
    return db.session.execute(
        select(Post.id, Post.body_html, Post.score, Post.created_at, User.display_name)
        .join(User, User.id == Post.author_id)
        .where(Post.thread_id == thread_id, Post.deleted_at.is_(None),
               Post.merged_title.is_(None)).order_by(Post.id)).all()


def _qa_page(row, url: str) -> dict:
    accepted, suggested = None, []
    for post in _answers(row.id):
        answer = {"@type": "Answer", "text": plain_text(post.body_html),
                  "dateCreated": _iso(post.created_at), "upvoteCount": post.score,
                  "url": f"{url}#post-{post.id}",
                  "author": {"@type": "Person", "name": post.display_name}}
        if post.id == row.accepted_post_id:
            accepted = answer
        else:
            suggested.append(answer)
    question = {"@type": "Question", "name": row.title, "text": plain_text(row.body_html),
                "answerCount": len(suggested) + (accepted is not None),
                "upvoteCount": row.score, "dateCreated": _iso(row.created_at),
                "author": {"@type": "Person", "name": row.author_display_name}}
    if accepted is not None:
        question["acceptedAnswer"] = accepted
    if suggested:
        question["suggestedAnswer"] = suggested
    return {"@context": "https://schema.org", "@type": "QAPage", "mainEntity": question}


def thread_head(row) -> Markup:
    """The thread page's <head> additions, from its fresh row (the same for every reader).

    Structured data and a description are for content everyone may read: a thread in a
    members or staff space, or one held or deleted, is marked ``noindex`` instead."""
    url = absolute(thread_path(row.id, row.title))
    parts = [Markup('<link rel="canonical" href="%s">') % url]
    if row.visibility != "public" or row.deleted_at is not None:
        parts.append(Markup('<meta name="robots" content="noindex">'))
        return Markup("\n").join(parts)
    description = describe(row.body_html)
    tags = (("name", "description", description), ("property", "og:type", "article"),
            ("property", "og:site_name", "Continuum"), ("property", "og:title", row.title),
            ("property", "og:description", description), ("property", "og:url", url),
            ("name", "twitter:card", "summary"), ("name", "twitter:title", row.title),
            ("name", "twitter:description", description))
    parts += [Markup('<meta %s="%s" content="%s">') % tag for tag in tags]
    if row.kind == "question":
        parts.append(json_ld(_qa_page(row, url)))
    return Markup("\n").join(parts)


def imported_source(thread) -> dict | None:
    """Where an imported thread came from, for its credit line: the site, the original
    question's address (when the dump's folder was named after its site) and the
    licence it was published under; None for a thread written here."""
    site, _sep, number = (thread.external_id or "").rpartition(":post:")
    if not site:
        return None
    version = next((v for limit, v in _SE_LICENCES if thread.created_at < limit), "4.0")
    host = site.lower() if _HOST.match(site.lower()) else None
    return {"site": host or "Stack Exchange",
            "url": f"https://{host}/questions/{number}" if host and number.isdigit() else None,
            "licence": f"CC BY-SA {version}",
            "licence_url": f"https://creativecommons.org/licenses/by-sa/{version}/"}


def xml_text(value) -> str:
    """Text for an XML document: forbidden characters dropped (the template escapes)."""
    return _NOT_XML.sub("", str(value or ""))


def init_app(app) -> None:
    app.jinja_env.globals.update(canonical_url=canonical_url, imported_source=imported_source)
    app.jinja_env.filters["xml_text"] = xml_text
