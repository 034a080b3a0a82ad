"""Listening watches: keywords and/or tags and/or spaces; matching and highlighting.

A watch's query is a list of words and "quoted phrases"; new content matches when
it contains any of them as whole words (case-insensitive), in the watch's tags and
spaces when it names some. A watch without words matches every new thread in its
tags or spaces (not every reply).
"""

from __future__ import annotations

import re
import shlex

from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import permissions as perm
from ..errors import NotFound, ValidationFailed
from ..models import Space, Thread, User, Watch
from ..services.threads import TAG_RE, normalise_tags

MAX_WATCHES = 50
MAX_TERMS = 20
SNIPPET_BEFORE, SNIPPET_AFTER = 60, 160


def terms(query: str) -> list[str]:
    try:
        parts = shlex.split(query or "")
    except ValueError:  # an unbalanced quote: plain words
        parts = (query or "").replace('"', " ").split()
    seen: list[str] = []
    for part in parts:
        part = " ".join(part.split()).strip(",;").lower()
        if part and part not in seen:
            seen.append(part)
    return seen[:MAX_TERMS]


def pattern(words: list[str]) -> re.Pattern | None:
    if not words:
        return None
    alternatives = sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def highlight(text: str, rx: re.Pattern) -> str | None:
    """An escaped snippet around the first match with every match in <mark>, or None."""
    first = rx.search(text)
    if first is None:
        return None
    start = max(0, first.start() - SNIPPET_BEFORE)
    end = min(len(text), first.end() + SNIPPET_AFTER)
    window = text[start:end]
    out, pos = [], 0
    for m in rx.finditer(window):
        out.append(str(escape(window[pos:m.start()])))
        out.append("<mark>" + str(escape(m.group(0))) + "</mark>")
        pos = m.end()
    out.append(str(escape(window[pos:])))
    html = " ".join("".join(out).split())
    return ("…" if start else "") + html + ("…" if end < len(text) else "")


def create_watch(session: Session, *, by: User, query: str = "", tags=None,
                 spaces=None) -> Watch:
    errors: dict[str, list[str]] = {}
    query = " ".join((query or "").split())
    tags = normalise_tags(tags)
    space_slugs = normalise_tags(spaces)
    if len(query) > 256:
        errors["query"] = [_("Write at most %(n)s characters.", n=256)]
    if bad := [t for t in tags if not TAG_RE.match(t)]:
        errors["tags"] = [_("Unknown tag names: %(bad)s", bad=", ".join(bad))]
    elif len(tags) > 10:
        errors["tags"] = [_("Use at most %(n)s tags.", n=10)]
    space_ids = []
    for slug in space_slugs[:20]:
        space = session.scalar(select(Space).where(Space.slug == slug))
        if space is None or not perm.can_read_space(by, space):
            errors["spaces"] = [_("Unknown space: %(slug)s", slug=slug[:50])]
            break
        space_ids.append(space.id)
    if not errors and not (terms(query) or tags or space_ids):
        errors["query"] = [_("Give keywords, tags or spaces to watch.")]
    count = len(session.scalars(select(Watch.id).where(Watch.user_id == by.id)).all())
    if count >= MAX_WATCHES:
        errors["_schema"] = [_("You have %(n)s watches: delete one first.", n=MAX_WATCHES)]
    if errors:
        raise ValidationFailed(_("The watch could not be saved."), errors)
    watch = Watch(user_id=by.id, query=query, tags=tags, space_ids=space_ids)
    session.add(watch)
    session.flush()
    return watch


def delete_watch(session: Session, watch: Watch | None, *, by: User) -> None:
    if watch is None or watch.user_id != by.id:
        raise NotFound(_("This watch does not exist."))
    session.delete(watch)
    session.flush()


def user_watches(session: Session, user: User) -> list[Watch]:
    return list(session.scalars(select(Watch).where(Watch.user_id == user.id).order_by(Watch.id)))


def space_slugs(session: Session, watch: Watch) -> list[str]:
    ids = list(watch.space_ids or [])
    if not ids:
        return []
    by_id = dict(session.execute(select(Space.id, Space.slug).where(Space.id.in_(ids))).all())
    return [by_id[i] for i in ids if i in by_id]


def matches(session: Session, thread: Thread, text: str, *, new_thread: bool) -> list[tuple[Watch, str]]:
    """(watch, highlighted snippet) for every watch that this new content satisfies."""
    tag_names = {t.name for t in thread.tags}
    found = []
    for watch in session.scalars(select(Watch)):
        if watch.space_ids and thread.space_id not in watch.space_ids:
            continue
        if watch.tags and not tag_names.intersection(watch.tags):
            continue
        rx = pattern(terms(watch.query))
        if rx is None:
            if new_thread:
                found.append((watch, str(escape(_clip(text)))))
            continue
        snippet = highlight(text, rx)
        if snippet is not None:
            found.append((watch, snippet))
    return found


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:200] + "…"
