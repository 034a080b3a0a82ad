"""Reading tags: the catalogue with counts of what the reader may read, one tag's page."""

from __future__ import annotations

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from .. import permissions as perm
from ..models import Follow, Space, Tag, tag_count, thread_tag
from ..queries import Page


def find(session: Session, name: str) -> Tag | None:
    """The tag typed as ``name`` (any case), synonyms included."""
    return session.scalar(select(Tag).where(Tag.name == name.strip().lower()))


def canonical(session: Session, tag: Tag) -> Tag:
    """The tag a synonym stands for; merges re-point older synonyms, so one hop is enough."""
    return session.get(Tag, tag.synonym_of_id) if tag.synonym_of_id is not None else tag


def _listable(user):
    """A ``tag_count`` row's threads that ``user`` may list: moderators count deleted
    ones too (``permissions.thread_filter``)."""
    if perm.sees_deleted_threads(user):
        return tag_count.c.thread_count + tag_count.c.deleted_thread_count
    return tag_count.c.thread_count


def _readable(user):
    """Each tag's count of the threads ``user`` may list (count_statement's, for every
    tag at once), tags on none of them left out."""
    n = _listable(user)
    return (select(tag_count.c.tag_id, func.sum(n).label("n"))
            .where(tag_count.c.space_id.in_(select(Space.id).where(perm.space_filter(user))))
            .group_by(tag_count.c.tag_id).having(func.sum(n) > 0))


def count_statement(user, tag=None):
    """The number of threads with the tag ``:tag`` (or the column ``tag``) that ``user``
    may list: a sum over the
    spaces they may read of the counts the database keeps (models/tag_counts.py), so
    it costs the same for a tag on ten threads or ten thousand. Like
    ``permissions.thread_filter``, moderators count deleted threads too."""
    return select(func.coalesce(func.sum(_listable(user)), 0)).where(
        tag_count.c.tag_id == (bindparam("tag") if tag is None else tag),
        tag_count.c.space_id.in_(select(Space.id).where(perm.space_filter(user))))


def readable_count(session: Session, user, tag: Tag) -> int:
    # Built once per kind of reader: building costs more than running it.
    kind = (perm.readable_visibilities(user), perm.sees_deleted_threads(user))
    statement = _COUNTS.get(kind)
    if statement is None:
        statement = _COUNTS[kind] = count_statement(user)
    return session.scalar(statement, {"tag": tag.id}) or 0


_COUNTS: dict = {}


def list_tags(session: Session, user, *, prefix: str | None = None, page: int = 1,
              per_page: int = 30) -> Page:
    """Tags on at least one thread the reader may read, most used first, each with that
    count: a tag only on staff threads is not listed to a member at all."""
    counts = _readable(user).subquery()
    where = [Tag.synonym_of_id.is_(None)]
    if prefix:
        where.append(Tag.name.startswith(prefix.strip().lower(), autoescape=True))
    base = select(Tag, counts.c.n).join(counts, counts.c.tag_id == Tag.id).where(*where)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.execute(base.order_by(counts.c.n.desc(), Tag.name)
                           .limit(per_page).offset((page - 1) * per_page)).all()
    items = [{"name": tag.name, "description": tag.description or "", "count": n}
             for tag, n in rows]
    return Page(items=items, page=page, per_page=per_page, total=total)


def merge_preview(session: Session, source: Tag, target: Tag) -> dict:
    """What a merge would move, for its confirmation step (every thread, staff ones too:
    only moderators merge)."""
    threads = session.scalar(select(func.count()).select_from(thread_tag).where(
        thread_tag.c.tag_id == source.id)) or 0
    followers = session.scalar(select(func.count(Follow.id)).where(
        Follow.target_type == "tag", Follow.target_id == source.id,
        Follow.active.is_(True))) or 0
    return {"threads": threads, "followers": followers}
