"""What every page needs: Jinja globals, translated labels, safe redirects, form helpers."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

from flask import redirect, request, url_for
from markupsafe import Markup

from .. import lengths, sso
from .. import permissions as perm
from ..labels import (
    KIND_LABELS,
    LEVEL_LABELS,
    ROLE_LABELS,
    SORT_LABELS,
    STATUS_LABELS,
    VISIBILITY_LABELS,
    label,
    label_for,
)
from ..schemas.core import avatar_url, level_for
from . import page_cache


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "thread"


def thread_url(thread, **kwargs) -> str:
    """A thread's address; a knowledge article's is its own page under /articles."""
    if getattr(thread, "kind", None) == "article":
        return url_for("articles.article", article_id=thread.id, slug=slugify(thread.title),
                       **kwargs)
    return url_for("content.thread", thread_id=thread.id, slug=slugify(thread.title), **kwargs)


MAX_NEXT_LENGTH = 2048


def _unsafe_path(target: str) -> bool:
    # Browsers drop tabs and line breaks inside URLs and read "\\" as "/", so
    # "/\t/evil.example" or "/\\evil.example" would leave the site; CR/LF also
    # cannot go into a Location header at all.
    return (not target.startswith("/") or target.startswith("//")
            or any(ch == "\\" or unicodedata.category(ch)[0] == "C" for ch in target))


def is_safe_next(target: str | None) -> bool:
    """A path on this site and nothing else: no scheme, no host, no protocol-relative
    trick, no control character, also once percent-decoded (a proxy or a second
    redirect may decode it)."""
    if not target or len(target) > MAX_NEXT_LENGTH:
        return False
    if _unsafe_path(target) or _unsafe_path(unquote(target, errors="replace")):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str | None = None) -> str:
    return target if is_safe_next(target) else (default or url_for("pages.home"))


def next_param() -> str:
    """``?next=`` or the form's ``next``: where to go afterwards. Only ever used through
    ``safe_next``/``redirect_next`` (or put back in a form), so it needs no schema."""
    return request.values.get("next", "")


def redirect_next(target: str | None, default: str | None = None):
    return redirect(safe_next(target, default), code=303)


def current_path() -> str:
    return request.full_path.rstrip("?") if request.query_string else request.path


def bdi(value) -> Markup:
    """A name isolated from the text around it: right-to-left names (and any bidirectional
    control stored before names were checked) cannot reorder the rest of the line."""
    return Markup("<bdi>%s</bdi>") % ("" if value is None else value)


def init_app(app) -> None:
    env = app.jinja_env
    env.globals.update(
        level_for=level_for,
        avatar_url=avatar_url,
        can=perm.can,
        perm=perm,
        thread_url=thread_url,
        current_path=lambda: page_cache.current_path(current_path()),
        search_words=page_cache.search_words,
        kind_label=lambda k: label(KIND_LABELS, k),
        status_label=lambda s: label(STATUS_LABELS, s),
        level_label=lambda n: label(LEVEL_LABELS, n),
        role_label=lambda r: label(ROLE_LABELS, r),
        visibility_label=lambda v: label(VISIBILITY_LABELS, v),
        sort_label=lambda s: label(SORT_LABELS, s),
        label_for=label_for,
        sso_configured=sso.configured,
        KIND_LABELS=KIND_LABELS,
        LENGTHS=lengths.as_dict(),
        SORT_LABELS=SORT_LABELS,
    )
    env.filters["slugify"] = slugify
    env.filters["isodate"] = lambda value: value.isoformat() if value else ""
    env.filters["bdi"] = bdi
