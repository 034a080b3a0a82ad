"""The optional files of a dump: Users, Tags, PostLinks, Votes, Comments, Badges."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import insert, select, update

from ..models import Comment, Post, Tag, Thread, User, Vote, utcnow
from .context import ImportContext
from .convert import POOL_THRESHOLD_BYTES, Converter
from .reader import RowError, SeenIds, integer, parse_date, require


def _each_batch(ctx: ImportContext, path: Path, handle) -> None:
    ctx.progress.start(path.name, path.stat().st_size)
    seen = SeenIds()
    for batch in ctx.batches(path):
        try:
            handle(ctx, path.name, batch, seen)
            ctx.session.commit()
        except BaseException:
            ctx.session.rollback()
            raise
    ctx.progress.finish()


def _valid(ctx, kind, name, batch, *required, numbers=(), seen: SeenIds | None = None):
    """The rows with their required attributes, well-formed dates and ``numbers``; with
    ``seen``, only the first row of each Id (a repeated one would flip on every re-run)."""
    for line, row in batch:
        try:
            if seen is not None:  # the first row of an Id claims it, valid or not
                require(row, "Id")
                if not seen.add(integer(row, "Id")):
                    raise RowError(f"Id {row['Id']} repeated (the first row with it is kept)")
            require(row, *required)
            parse_date(row.get("CreationDate") or row.get("Date"))
            for attr in numbers:
                integer(row, attr, None)
        except RowError as exc:
            ctx.summary.skip(kind, str(exc), file=name, line=line)
            continue
        yield line, row


def _targets(ctx: ImportContext, post_ids) -> dict[str, tuple[str, int, int, int | None]]:
    """Dump post id -> ("thread"|"post", target id, thread id, post id or None)."""
    exts = {ctx.ext("post", int(pid)): pid for pid in post_ids}
    found = {}
    for ext, tid in ctx.session.execute(
            select(Thread.external_id, Thread.id).where(Thread.external_id.in_(exts))):
        found[exts[ext]] = ("thread", tid, tid, None)
    for ext, pid, tid in ctx.session.execute(
            select(Post.external_id, Post.id, Post.thread_id).where(Post.external_id.in_(exts))):
        found[exts[ext]] = ("post", pid, tid, pid)
    return found


# -- Users.xml -------------------------------------------------------------------------

def import_users(ctx: ImportContext, path: Path) -> None:
    _each_batch(ctx, path, _users)


def _users(ctx: ImportContext, name: str, batch, seen: SeenIds) -> None:
    rows = list(_valid(ctx, "users", name, batch, "Id", seen=seen))
    exts = {ctx.ext("user", int(r["Id"])): r for _l, r in rows}
    existing = dict(ctx.session.execute(
        select(User.external_id, User.display_name).where(User.external_id.in_(exts))).all())
    new, updates = [], []
    for ext, row in exts.items():
        display = (row.get("DisplayName") or "").strip()[:80] or f"user{row['Id']}"
        if ext not in existing:
            new.append(ctx.user_row(ext, "id", str(int(row["Id"])), display,
                                    parse_date(row.get("CreationDate"))))
        elif existing[ext] != display:
            updates.append((ext, display))
        else:
            ctx.summary.unchanged["users"] += 1
    if new:
        ctx.insert_users(new)
    for ext, display in updates:
        ctx.session.execute(update(User).where(User.external_id == ext).values(display_name=display))
    ctx.summary.updated["users"] += len(updates)


# -- Tags.xml (read before Posts.xml: it names the tag of each tag-wiki post) ---------

def import_tags(ctx: ImportContext, path: Path) -> None:
    ctx.tag_wikis = {}
    _each_batch(ctx, path, _tags)


def _tags(ctx: ImportContext, name: str, batch, _seen) -> None:
    rows = []
    for line, row in _valid(ctx, "tags", name, batch, "TagName"):
        try:
            for attr, which in (("ExcerptPostId", "excerpt"), ("WikiPostId", "wiki")):
                if row.get(attr):
                    ctx.tag_wikis[integer(row, attr)] = (row["TagName"].lower()[:35], which)
        except RowError as exc:
            ctx.summary.skip("tags", str(exc), file=name, line=line)
            continue
        rows.append(row["TagName"].lower()[:35])
    known = set(ctx.session.scalars(select(Tag.name).where(Tag.name.in_(rows))))
    missing = sorted(set(rows) - known)
    if missing:
        ctx.session.execute(insert(Tag), [{"name": n, "description": ""} for n in missing])
    ctx.summary.imported["tags"] += len(missing)
    ctx.summary.unchanged["tags"] += len(set(rows) & known)


# -- PostLinks.xml: duplicates ---------------------------------------------------------

def import_post_links(ctx: ImportContext, path: Path) -> None:
    _each_batch(ctx, path, _links)


def _links(ctx: ImportContext, name: str, batch, _seen) -> None:
    rows = []
    for line, row in _valid(ctx, "duplicate links", name, batch, "PostId", "RelatedPostId",
                            "LinkTypeId", numbers=("PostId", "RelatedPostId")):
        if row["LinkTypeId"] != "3":
            ctx.summary.skip("duplicate links", "related (not duplicate) link: not kept")
        else:
            rows.append((line, row))
    threads = dict(ctx.session.execute(
        select(Thread.external_id, Thread.id).where(Thread.external_id.in_(
            {ctx.ext("post", int(r[k])) for _l, r in rows for k in ("PostId", "RelatedPostId")}))).all())
    current = dict(ctx.session.execute(
        select(Thread.id, Thread.duplicate_of_id).where(Thread.id.in_(threads.values()))).all())
    for line, row in rows:
        dup = threads.get(ctx.ext("post", int(row["PostId"])))
        original = threads.get(ctx.ext("post", int(row["RelatedPostId"])))
        if dup is None or original is None or dup == original:
            ctx.summary.skip("duplicate links", "question absent from the import", file=name, line=line)
        elif current[dup] == original:
            ctx.summary.unchanged["duplicate links"] += 1
        else:
            bucket = ctx.summary.updated if current[dup] else ctx.summary.imported
            bucket["duplicate links"] += 1
            current[dup] = original
            ctx.session.execute(update(Thread).where(Thread.id == dup).values(duplicate_of_id=original))


# -- Votes.xml ----------------------------------------------------------------------------

def import_votes(ctx: ImportContext, path: Path) -> None:
    _each_batch(ctx, path, _votes)


def _votes(ctx: ImportContext, name: str, batch, _seen) -> None:
    rows = []
    for line, row in _valid(ctx, "votes", name, batch, "PostId", "VoteTypeId",
                            numbers=("PostId", "UserId")):
        if row["VoteTypeId"] not in ("2", "3"):
            ctx.summary.skip("votes", f"vote type {row['VoteTypeId'][:12]} (only up and down votes)")
        elif not row.get("UserId"):
            ctx.summary.skip("votes", "anonymous voter (counted in the imported score)")
        else:
            rows.append((line, row))
    if not rows:
        return
    targets = _targets(ctx, {r["PostId"] for _l, r in rows})
    accounts: dict = {}
    for _l, r in rows:
        ctx.add_author(accounts, r, "UserId", "", parse_date(r.get("CreationDate")))
    voters = ctx.ensure_authors(accounts)
    owners = {}
    for kind, model in (("thread", Thread), ("post", Post)):
        ids = [t[1] for t in targets.values() if t[0] == kind]
        if ids:
            owners.update({(kind, i): a for i, a in ctx.session.execute(
                select(model.id, model.author_id).where(model.id.in_(ids)))})
    existing = {(u, k, t): v for u, k, t, v in ctx.session.execute(
        select(Vote.user_id, Vote.target_type, Vote.target_id, Vote.value).where(
            Vote.user_id.in_(set(voters.values())),
            Vote.target_id.in_({t[1] for t in targets.values()})))}
    new = {}
    for line, row in rows:
        target = targets.get(row["PostId"])
        if target is None:
            ctx.summary.skip("votes", "post absent from the import", file=name, line=line)
            continue
        user_id = voters[ctx.author_of(row, "UserId", "")[0]]
        key = (user_id, target[0], target[1])
        value = 1 if row["VoteTypeId"] == "2" else -1
        if owners.get((target[0], target[1])) == user_id:
            ctx.summary.skip("votes", "vote on one's own post")
        elif key in existing or key in new:
            if existing.get(key, new.get(key, {}).get("value")) == value:
                ctx.summary.unchanged["votes"] += 1
            else:
                ctx.summary.skip("votes", "conflicting votes by one voter on one post")
        else:
            new[key] = {"user_id": user_id, "target_type": target[0], "target_id": target[1],
                        "value": value, "created_at": parse_date(row.get("CreationDate")) or utcnow()}
    if new:
        ctx.session.execute(insert(Vote.__table__), list(new.values()))
        ctx.summary.imported["votes"] += len(new)


# -- Comments.xml ------------------------------------------------------------------------

def import_comments(ctx: ImportContext, path: Path) -> None:
    """Comment text is Markdown already: rendered (on the workers for big dumps)."""
    ctx.progress.start(path.name, path.stat().st_size)
    seen = SeenIds()
    with Converter(ctx.workers if path.stat().st_size >= POOL_THRESHOLD_BYTES // 4 else 0) as converter:
        for batch in ctx.batches(path):
            rows = _new_comments(ctx, path.name, batch, seen)
            texts = [(False, row.get("Text", "")) for _l, row in rows]
            for done, results in converter.submit(texts, rows):
                _write_comments(ctx, path.name, done, results)
        for done, results in converter.drain():
            _write_comments(ctx, path.name, done, results)
    ctx.progress.finish()


def _new_comments(ctx: ImportContext, name: str, batch, seen: SeenIds) -> list:
    rows = list(_valid(ctx, "comments", name, batch, "Id", "PostId", "CreationDate",
                       numbers=("PostId", "UserId"), seen=seen))
    exts = {ctx.ext("comment", int(r["Id"])) for _l, r in rows}
    existing = set(ctx.session.scalars(select(Comment.external_id).where(Comment.external_id.in_(exts))))
    ctx.summary.unchanged["comments"] += len(existing)
    return [(line, r) for line, r in rows if ctx.ext("comment", int(r["Id"])) not in existing]


def _write_comments(ctx: ImportContext, name: str, rows, results) -> None:
    if not rows:
        return
    try:
        targets = _targets(ctx, {r["PostId"] for _l, r in rows})
        accounts: dict = {}
        for _l, r in rows:
            ctx.add_author(accounts, r, "UserId", "UserDisplayName", parse_date(r["CreationDate"]))
        authors = ctx.ensure_authors(accounts)
        known = set(ctx.session.scalars(select(Comment.external_id).where(
            Comment.external_id.in_({ctx.ext("comment", int(r["Id"])) for _l, r in rows}))))
        new = []
        for (line, row), (body, body_html) in zip(rows, results, strict=True):
            target = targets.get(row["PostId"])
            if target is None:
                ctx.summary.skip("comments", "post absent from the import", file=name, line=line)
                continue
            ext = ctx.ext("comment", int(row["Id"]))
            if ext in known:  # written by another import since this batch was read
                ctx.summary.unchanged["comments"] += 1
                continue
            new.append({"thread_id": target[2], "post_id": target[3], "body": body,
                        "body_html": body_html, "created_at": parse_date(row["CreationDate"]),
                        "author_id": authors[ctx.author_of(row, "UserId", "UserDisplayName")[0]],
                        "external_id": ext})
        if new:
            ctx.session.execute(insert(Comment.__table__), new)
            ctx.summary.imported["comments"] += len(new)
        ctx.session.commit()
    except BaseException:
        ctx.session.rollback()
        raise


# -- Badges.xml ----------------------------------------------------------------------------

def import_badges(ctx: ImportContext, path: Path) -> None:
    def count(ctx, name, batch, _seen):
        ctx.summary.skip("badges", "Stack Exchange badges are not carried over: badges here "
                         "are earned under this community's own rules", len(batch))
    _each_batch(ctx, path, count)
