"""Knowledge articles: read one and its versions (whoever may read its space), publish a
new version (staff). Promotion is POST /threads/{id}/promote (api/moderation.py)."""

from __future__ import annotations

from flask_login import current_user

from .. import permissions as perm
from ..extensions import db
from ..moderation import articles
from ..moderation.schemas import ArticleEditIn
from ..schemas import Schema, fields
from ..schemas.core import UserSummaryOut
from . import bp, json_body, reply, signed_in_user
from .openapi import doc


class CreditOut(Schema):
    user = fields.Nested(UserSummaryOut)
    role = fields.String()
    post_id = fields.Integer(allow_none=True)


class RevisionOut(Schema):
    version = fields.Integer()
    title = fields.String()
    body = fields.String()
    note = fields.String()
    editor = fields.Nested(UserSummaryOut, allow_none=True)
    created_at = fields.DateTime()


class ArticleOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    space = fields.String()
    title = fields.String()
    body = fields.String()
    body_html = fields.String()
    tags = fields.List(fields.String())
    version = fields.Integer()
    credits = fields.List(fields.Nested(CreditOut))
    source_thread_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


def _article_json(article) -> dict:
    source = articles.source_of(db.session, current_user, article)
    return ArticleOut().dump({
        **{k: getattr(article, k) for k in ("id", "kind", "title", "body", "body_html",
                                             "created_at")},
        "space": article.space.slug, "tags": [t.name for t in article.tags],
        "version": articles.latest_version(db.session, article),
        "credits": articles.credits(db.session, article),
        "source_thread_id": source.id if source else None,
        "updated_at": article.edited_at or article.created_at})


@bp.get("/articles/<id:article_id>")
@doc("A knowledge article with its credits and current version", response=ArticleOut)
def get_article(article_id: int):
    return reply(_article_json(articles.article_or_404(db.session, current_user, article_id)))


@bp.get("/articles/<id:article_id>/revisions")
@doc("Every version of a knowledge article, newest first", response=RevisionOut, many=True)
def article_revisions(article_id: int):
    article = articles.article_or_404(db.session, current_user, article_id)
    items = RevisionOut(many=True).dump(articles.revisions(db.session, article))
    return reply({"items": items})


@bp.patch("/articles/<id:article_id>")
@doc("Publish a new version of a knowledge article (staff)", body=ArticleEditIn,
     response=ArticleOut, auth=True)
@perm.signed_in
def edit_article(article_id: int):
    user = signed_in_user()
    article = articles.article_or_404(db.session, user, article_id)
    data = json_body(ArticleEditIn())
    articles.edit(db.session, article, by=user, **data)
    db.session.commit()
    return reply(_article_json(article))
