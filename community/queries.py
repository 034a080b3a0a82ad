"""Read-side queries shared by pages and the API: filtered, paginated, no N+1."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, case, false, func, or_, select
from sqlalchemy.orm import Session, selectinload

from . import permissions as perm
from .models import (
    IDEA_STATUSES,
    QUESTION_STATUSES,
    Case,
    CaseNote,
    Comment,
    ModerationItem,
    Post,
    Space,
    Tag,
    Thread,
    User,
    Vote,
)


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _status_clause(status: str):
    clauses = []
    if status in IDEA_STATUSES:
        clauses.append(and_(Thread.kind == "idea", func.coalesce(Thread.idea_status, "new") == status))
    if status in QUESTION_STATUSES:
        not_closed = Thread.is_closed.is_(False)
        question = {
            "closed": Thread.is_closed.is_(True),
            "solved": and_(not_closed, Thread.accepted_post_id.is_not(None)),
            "answered": and_(not_closed, Thread.accepted_post_id.is_(None), Thread.post_count > 0),
            "open": and_(not_closed, Thread.accepted_post_id.is_(None), Thread.post_count == 0),
        }[status]
        kinds = ("question",) if status in ("solved", "answered") else ("question", "discussion")
        if status == "open":
            question = or_(question, and_(Thread.kind == "discussion", not_closed))
        clauses.append(and_(Thread.kind.in_(kinds), question))
    return or_(*clauses) if clauses else false()


def list_threads(
    session: Session,
    user,
    *,
    space: Space | None = None,
    kind: str | None = None,
    tag: str | None = None,
    status: str | None = None,
    sort: str = "recent",
    page: int = 1,
    per_page: int = 20,
    with_total: bool = True,
) -> Page:
    ids, total = thread_ids(session, user, space=space, kind=kind, tag=tag, status=status,
                            sort=sort, page=page, per_page=per_page, with_total=with_total)
    rows = {t.id: t for t in session.scalars(select(Thread).where(Thread.id.in_(ids)))} if ids else {}
    items = [rows[i] for i in ids if i in rows]
    return Page(items=items, page=page, per_page=per_page,
                total=total if total is not None else len(items))


def thread_ids(
    session: Session,
    user,
    *,
    space: Space | None = None,
    kind: str | None = None,
    tag: str | None = None,
    status: str | None = None,
    sort: str = "recent",
    page: int = 1,
    per_page: int = 20,
    with_total: bool = True,
) -> tuple[list[int], int | None]:
    """The ids of one page of a thread list, in order, and the list's total (or None)."""
    count, ids = thread_list_statements(user, space_id=space.id if space is not None else None,
                                        kind=kind, tag=tag, status=status, sort=sort,
                                        page=page, per_page=per_page)
    return list(session.scalars(ids)), session.scalar(count) if with_total else None


def thread_list_statements(
    user,
    *,
    space_id: int | None = None,
    kind: str | None = None,
    tag: str | None = None,
    status: str | None = None,
    sort: str = "recent",
    page: int = 1,
    per_page: int = 20,
) -> tuple[Select, Select]:
    """(the list's count, one page of its ids in order): they depend on the reader only
    through permissions.thread_filter."""
    where = [perm.thread_filter(user)]
    if space_id is not None:
        where.append(Thread.space_id == space_id)
    count = select(func.count(Thread.id))
    if not (kind or tag or status) and sort != "unanswered":
        # Every thread the reader may list (in one space): the counts the database
        # keeps, not a count over the rows (it grows with the community).
        count = select(func.coalesce(func.sum(perm.space_thread_count(user)), 0)).where(
            perm.space_filter(user), *([Space.id == space_id] if space_id is not None else []))
    if kind:
        where.append(Thread.kind == kind)
    if tag:
        where.append(Thread.tags.any(Tag.name == tag.lower()))
    if status:
        where.append(_status_clause(status))
    if sort == "unanswered":
        where.append(and_(Thread.kind == "question", Thread.post_count == 0,
                          Thread.is_closed.is_(False)))
    order = {
        "votes": (Thread.score.desc(), Thread.id.desc()),
        "unanswered": (Thread.created_at.desc(), Thread.id.desc()),
    }.get(sort, (Thread.last_activity_at.desc(), Thread.id.desc()))
    if space_id is not None:
        order = (Thread.is_pinned.desc(), *order)
    # Sort and page over ids alone, then load the page's rows: sorting whole rows
    # (bodies included) costs tens of milliseconds once a space has thousands.
    if count.whereclause is None:
        count = count.where(*where)
    return (count,
            select(Thread.id).where(*where).order_by(*order)
            .limit(per_page).offset((page - 1) * per_page))


def readable_spaces(session: Session, user) -> list[Space]:
    return list(
        session.scalars(select(Space).where(perm.space_filter(user), Space.archived_at.is_(None))
                        .order_by(Space.position, Space.name))
    )


def space_thread_counts(user, spaces: list[Space]) -> dict[int, int]:
    """Each space's number of threads the user may list."""
    deleted = perm.sees_deleted_threads(user)
    return {s.id: s.thread_count + (s.deleted_thread_count if deleted else 0) for s in spaces}


def thread_posts(session: Session, user, thread: Thread) -> list[Post]:
    """Posts the reader may see: accepted first, then by score, then oldest (questions);
    oldest first for ideas and discussions."""
    where = [Post.thread_id == thread.id, perm.post_filter(user)]
    if thread.kind == "question":
        accepted_first = case((Post.id == thread.accepted_post_id, 0), else_=1) \
            if thread.accepted_post_id else None
        order = [Post.score.desc(), Post.created_at, Post.id]
        if accepted_first is not None:
            order.insert(0, accepted_first)
    else:
        order = [Post.created_at, Post.id]
    posts = list(session.scalars(select(Post).where(*where).order_by(*order)))
    for post in posts:
        post.thread = thread  # already loaded: no query per post
    return posts


def thread_notes(session: Session, user, thread: Thread) -> list[CaseNote]:
    """The internal notes of every case of the thread, oldest first, for those who may
    read a case's internals; for anyone else nothing is even read."""
    if not perm.can_work_cases(user):
        return []
    return list(session.scalars(
        select(CaseNote).join(Case, Case.id == CaseNote.case_id)
        .where(Case.thread_id == thread.id).order_by(CaseNote.created_at, CaseNote.id)))


def place_notes(posts: list[Post], notes: list[CaseNote]) -> dict[int | None, list[CaseNote]]:
    """Where each note goes on the page: after the latest shown post written before it
    (in time order that is its place; on a question sorted by votes, beside what it
    followed), or after the question (key None) when it came before them all."""
    placed: dict[int | None, list[CaseNote]] = {}
    timeline = sorted((p for p in posts if p.merged_title is None),
                      key=lambda p: (p.created_at, p.id))
    for note in notes:
        anchor = None
        for post in timeline:
            if post.created_at > note.created_at:
                break
            anchor = post.id
        placed.setdefault(anchor, []).append(note)
    return placed


def attach_held(session: Session, thread: Thread, posts: list[Post]) -> None:
    """Mark the thread and posts held for a moderator's approval (``.held``); no query
    when nothing shown is hidden."""
    thread.held = perm.is_held(thread)
    hidden = [p.id for p in posts if p.deleted_at is not None]
    held = set(session.scalars(select(ModerationItem.target_id).where(
        ModerationItem.holding("post"), ModerationItem.target_id.in_(hidden)))) if hidden else set()
    for post in posts:
        post.held = post.id in held


def my_votes(session: Session, user, kind: str, ids: list[int]) -> dict[int, int]:
    """The viewer's votes on many items in one query (thread pages, lists)."""
    if not ids or user is None or not getattr(user, "is_authenticated", False):
        return {}
    rows = session.execute(
        select(Vote.target_id, Vote.value).where(
            Vote.user_id == user.id, Vote.target_type == kind, Vote.target_id.in_(ids)
        )
    )
    return dict(rows.all())


def attach_my_votes(session: Session, user, thread: Thread | None, posts: list[Post]) -> None:
    if thread is not None:
        thread.my_vote = my_votes(session, user, "thread", [thread.id]).get(thread.id, 0)
    votes = my_votes(session, user, "post", [p.id for p in posts])
    for post in posts:
        post.my_vote = votes.get(post.id, 0)


def get_user(session: Session, username: str) -> User | None:
    # An erased account is nobody: its placeholder name leads nowhere.
    return session.scalar(select(User).where(User.username_lower == username.lower(),
                                             User.erased_at.is_(None)))


def user_activity(session: Session, viewer, user: User, limit: int = 10):
    # Newest first, the id breaking ties: the profile page's cache key lists the same
    # rows in the same order (community/web/profile_page.py).
    threads = list(session.scalars(
        select(Thread).where(Thread.author_id == user.id, perm.thread_filter(viewer))
        .order_by(Thread.created_at.desc(), Thread.id.desc()).limit(limit)
    ))
    posts = list(session.scalars(
        select(Post).join(Post.thread).where(
            Post.author_id == user.id, Post.deleted_at.is_(None), perm.thread_filter(viewer)
        ).options(selectinload(Post.thread))
        .order_by(Post.created_at.desc(), Post.id.desc()).limit(limit)
    ))
    return threads, posts


def thread_comments(session: Session, thread: Thread, post_ids: list[int]) -> dict:
    """Comments of the thread (key None) and of the listed posts, oldest first, in one query."""
    rows = session.scalars(
        select(Comment).where(
            Comment.thread_id == thread.id,
            or_(Comment.post_id.is_(None), Comment.post_id.in_(post_ids or [0])),
        ).order_by(Comment.created_at, Comment.id)
    )
    grouped: dict[int | None, list[Comment]] = {}
    for comment in rows:
        grouped.setdefault(comment.post_id, []).append(comment)
    return grouped
