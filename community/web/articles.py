"""Knowledge articles' pages: promotion from a solved question (a confirmation form the
staff member edits before publishing), the article, its edit form and its versions.

Who may read the history: anyone who may read the article, as Discourse shows a post's
revisions to every reader (its default) and Khoros shows an article's version list to
readers; who edited and when is part of what a knowledge base owes its readers."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from .. import permissions as perm
from ..errors import ValidationFailed
from ..extensions import db
from ..lookups import thread_or_404
from ..moderation import articles, knowledge
from ..moderation.schemas import ArticleEditIn, PromoteFormIn
from ..schemas import load_form, submitted
from . import discovery
from .helpers import thread_url

bp = Blueprint("articles", __name__)


def _promote_page(thread, form: dict, *, errors=None, message=None, status=200):
    return render_template(
        "knowledge/promote.html", thread=thread, form=form, errors=errors or {},
        message=message, spaces=articles.spaces_for(db.session, current_user),
        answers=articles.other_answers(db.session, thread)), status


@bp.route("/threads/<id:thread_id>/promote", methods=["GET", "POST"])
@perm.requires(found_first=thread_or_404)
def promote(thread_id: int):
    thread = thread_or_404(thread_id)
    perm.check_promote(current_user, thread)
    form = submitted("space", title=thread.title,
                     body=articles.prefilled_body(db.session, thread))
    form["credit"] = []
    if request.method == "GET":
        return _promote_page(thread, form)
    try:
        data = load_form(PromoteFormIn())
        form["credit"] = data["credit"]
        space = articles.target_space(db.session, current_user, data["space"]) \
            if data["confirm"] or data["space"] else None
        if not data["confirm"]:
            # The thread page's button: nothing is made before the form was seen.
            return _promote_page(thread, form)
        article = knowledge.promote(db.session, thread, by=current_user, space=space,
                                    title=data["title"], body=data["body"],
                                    credited_post_ids=data["credit"])
    except ValidationFailed as exc:
        db.session.rollback()
        return _promote_page(thread, form, errors=exc.fields, message=exc.message, status=422)
    db.session.commit()
    flash(_("The knowledge article was made from this thread."), "success")
    return redirect(thread_url(article), code=303)


def _head(article) -> Markup:
    url = discovery.absolute(thread_url(article))
    parts = [Markup('<link rel="canonical" href="%s">') % url]
    if article.space.visibility != "public" or article.deleted_at is not None:
        parts.append(Markup('<meta name="robots" content="noindex">'))
        return Markup("\n").join(parts)
    description = discovery.describe(article.body_html)
    parts.append(Markup('<meta name="description" content="%s">') % description)
    parts.append(Markup('<meta property="og:type" content="article">'))
    parts.append(Markup('<meta property="og:title" content="%s">') % article.title)
    credits = articles.credits(db.session, article)
    data = {"@context": "https://schema.org", "@type": "TechArticle",
            "headline": article.title, "url": url,
            "articleBody": discovery.plain_text(article.body_html),
            "datePublished": article.created_at.isoformat(),
            "dateModified": (article.edited_at or article.created_at).isoformat(),
            "author": [{"@type": "Person", "name": c.user.display_name} for c in credits],
            "editor": {"@type": "Person", "name": article.author.display_name},
            "publisher": {"@type": "Organization", "name": "Continuum"}}
    parts.append(discovery.json_ld(data))
    return Markup("\n").join(parts)


@bp.get("/articles/<id:article_id>")
@bp.get("/articles/<id:article_id>/<slug>")
def article(article_id: int, slug: str | None = None):
    row = articles.article_or_404(db.session, current_user, article_id)
    return render_template(
        "knowledge/article.html", article=row, head=_head(row),
        credits=articles.credits(db.session, row),
        source=articles.source_of(db.session, current_user, row),
        version=articles.latest_version(db.session, row),
        can_edit=perm.can(perm.check_edit_article, current_user, row))


@bp.route("/articles/<id:article_id>/edit", methods=["GET", "POST"])
@perm.signed_in
def edit(article_id: int):
    row = articles.article_or_404(db.session, current_user, article_id)
    perm.check_edit_article(current_user, row)
    current = articles.latest_version(db.session, row)
    form = submitted("note", title=row.title, body=row.body, base_version=str(current))
    if request.method == "GET":
        return render_template("knowledge/edit.html", article=row, form=form, errors={})
    try:
        data = load_form(ArticleEditIn())
        revision = articles.edit(db.session, row, by=current_user, **data)
    except ValidationFailed as exc:
        db.session.rollback()
        return render_template("knowledge/edit.html", article=row, form=form,
                               errors=exc.fields, message=exc.message), 422
    db.session.commit()
    if revision is not None:
        flash(_("Version %(n)s of the article is published.", n=revision.version), "success")
    return redirect(thread_url(row), code=303)


@bp.get("/articles/<id:article_id>/history")
def history(article_id: int):
    row = articles.article_or_404(db.session, current_user, article_id)
    return render_template("knowledge/history.html", article=row,
                           revisions=articles.revisions(db.session, row))


@bp.get("/articles/<id:article_id>/versions/<id:version>")
def version(article_id: int, version: int):
    row = articles.article_or_404(db.session, current_user, article_id)
    revision = articles.revision(db.session, row, version)
    from ..rendering import render_markdown

    return render_template("knowledge/version.html", article=row, revision=revision,
                           body_html=Markup(render_markdown(revision.body)),
                           latest=articles.latest_version(db.session, row))
