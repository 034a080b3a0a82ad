"""Posts.xml: questions become threads, answers posts, tag-wiki excerpts tag descriptions."""

from __future__ import annotations

import html
import re
from pathlib import Path

from sqlalchemy import delete, func, insert, select, update

from ..models import Post, Tag, Thread, thread_tag
from .context import ImportContext
from .convert import Converter
from .reader import RowError, SeenIds, integer, parse_date, parse_tags, require

OTHER_TYPES = {"3": "orphaned tag wiki", "6": "moderator nomination", "7": "wiki placeholder",
               "8": "privilege wiki", "9": "collective discussion"}
_TAGS_RE = re.compile(r"<[^>]+>")


def import_posts(ctx: ImportContext, path: Path) -> None:
    seen = SeenIds()
    _pass(ctx, path, path.name, lambda batch: _plan(ctx, path.name, batch, seen))
    if ctx.waiting_answers:
        # Answers read before their question (dumps are not always in id order): their
        # question is in now, or it never comes and they are reported on this pass.
        waiting, ctx.waiting_answers = ctx.waiting_answers, set()
        _pass(ctx, path, f"{path.name} (answers before their question)",
              lambda batch: _plan(ctx, path.name, [(n, r) for n, r in batch if n in waiting]),
              final=True)
    _accepted_answers(ctx, path)


def _pass(ctx: ImportContext, path: Path, title: str, plan_batch, final: bool = False) -> None:
    ctx.progress.start(title, path.stat().st_size)
    with Converter(ctx.workers) as converter:
        for batch in ctx.batches(path):
            plan = plan_batch(batch)
            for done_plan, results in converter.submit(plan["texts"], plan):
                _write(ctx, path.name, done_plan, results, final)
        for done_plan, results in converter.drain():
            _write(ctx, path.name, done_plan, results, final)
    ctx.progress.finish()


def _plan(ctx: ImportContext, name: str, batch, seen: SeenIds | None = None) -> dict:
    """Validate the rows and pick those whose body must be (re)converted."""
    items = []
    for line, row in batch:
        try:
            require(row, "Id")
            post_id = integer(row, "Id")
            if seen is not None and not seen.add(post_id):  # the first row claims it, valid or not
                ctx.repeated_posts.add(line)
                raise RowError(f"Id {post_id} repeated (the first row with it is kept)")
            require(row, "PostTypeId")
            kind = {"1": "question", "2": "answer", "4": "wiki", "5": "wiki"}.get(row["PostTypeId"])
            if kind is None:
                t = row["PostTypeId"][:12]
                ctx.summary.skip("posts", f"post type {t} ({OTHER_TYPES.get(t, 'unknown')})")
                continue
            if kind == "question":
                require(row, "CreationDate", "Title")
            elif kind == "answer":
                require(row, "CreationDate", "ParentId")
            item = {"line": line, "row": row, "kind": kind, "ext": ctx.ext("post", post_id),
                    "created": parse_date(row.get("CreationDate")),
                    "edited": parse_date(row.get("LastEditDate")),
                    "last": parse_date(row.get("LastActivityDate")),
                    "score": integer(row, "Score"), "text": None,
                    "account": ctx.author_of(row, "OwnerUserId", "OwnerDisplayName")[0]}
            if kind == "answer":
                item["parent"] = ctx.ext("post", integer(row, "ParentId"))
        except RowError as exc:
            ctx.summary.skip("posts", str(exc), file=name, line=line)
            continue
        items.append(item)
    edited: dict[str, object] = {}
    for model, kind in ((Thread, "question"), (Post, "answer")):
        exts = [i["ext"] for i in items if i["kind"] == kind]
        if exts:
            edited.update(ctx.session.execute(
                select(model.external_id, model.edited_at).where(model.external_id.in_(exts))).all())
    texts, order = [], []
    for item in items:
        if item["kind"] != "wiki" and (item["ext"] not in edited
                                       or edited[item["ext"]] != item["edited"]):
            texts.append((True, item["row"].get("Body", "")))
            order.append(item)
    return {"items": items, "order": order, "texts": texts}


def _write(ctx: ImportContext, name: str, plan: dict, results, final: bool) -> None:
    for item, (markdown, body_html) in zip(plan["order"], results, strict=True):
        item["text"] = (markdown, body_html)
    items = plan["items"]
    accounts: dict = {}
    for item in items:
        ctx.add_author(accounts, item["row"], "OwnerUserId", "OwnerDisplayName", item["created"])
    try:
        authors = ctx.ensure_authors(accounts)
        _questions(ctx, [i for i in items if i["kind"] == "question"], authors)
        _answers(ctx, name, [i for i in items if i["kind"] == "answer"], authors, final)
        _tag_wikis(ctx, [i for i in items if i["kind"] == "wiki"])
        ctx.session.commit()
    except BaseException:
        ctx.session.rollback()
        raise


def _text(ctx, item) -> tuple[str, str]:
    if item["text"] is None:  # the row was there when planned, gone now (another import)
        from .convert import convert_html

        item["text"] = convert_html(item["row"].get("Body", ""))
    return item["text"]


def _by_ext(ctx, columns, model, exts) -> dict:
    if not exts:
        return {}
    rows = ctx.session.execute(select(model.external_id, *columns).where(model.external_id.in_(exts)))
    return {r[0]: r for r in rows}


def _questions(ctx: ImportContext, items, authors) -> None:
    existing = _by_ext(ctx, [Thread.id, Thread.score, Thread.view_count, Thread.edited_at,
                             Thread.last_activity_at, Thread.is_closed], Thread,
                       [i["ext"] for i in items])
    new_rows, updates, tags, retag, ledger = [], [], {}, [], []
    for item in items:
        row, ext = item["row"], item["ext"]
        last = max(item["last"] or item["created"], item["created"])
        values = {"score": item["score"], "view_count": integer(row, "ViewCount"),
                  "is_closed": bool(row.get("ClosedDate"))}
        cur = existing.get(ext)
        if cur is None:
            body, body_html = _text(ctx, item)
            new_rows.append({
                **values, "space_id": ctx.space.id, "kind": "question",
                "title": row["Title"].strip()[:255], "body": body, "body_html": body_html,
                "author_id": authors[item["account"]], "post_count": 0, "idea_status": None,
                "status_note": None, "accepted_post_id": None, "duplicate_of_id": None,
                "is_locked": False, "is_pinned": False, "external_id": ext,
                "created_at": item["created"], "edited_at": item["edited"],
                "last_activity_at": last, "deleted_at": None})
            tags[ext] = parse_tags(row.get("Tags"))
            ledger.append({"user_id": authors[item["account"]], "key": f"imported:{ext}",
                           "points": ctx.score_points("question", item["score"]),
                           "created_at": item["created"], "ext": ext})
            continue
        changes = {k: v for k, v in values.items() if getattr(cur, k) != v}
        if last > cur.last_activity_at:
            changes["last_activity_at"] = last
        if cur.edited_at != item["edited"]:
            body, body_html = _text(ctx, item)
            changes.update(title=row["Title"].strip()[:255], body=body, body_html=body_html,
                           edited_at=item["edited"])
            tags[ext] = parse_tags(row.get("Tags"))
            retag.append(cur.id)
        if "score" in changes:
            delta = (ctx.score_points("question", item["score"])
                     - ctx.score_points("question", cur.score))
            ledger.append({"user_id": authors[item["account"]], "points": delta,
                           "key": f"imported:{ext}:score:{cur.score}>{item['score']}@{last:%Y%m%d%H%M%S}",
                           "created_at": last, "thread_id": cur.id})
        if changes:
            updates.append({"id": cur.id, **changes})
        else:
            ctx.summary.unchanged["questions"] += 1
    if new_rows:
        ctx.session.execute(insert(Thread.__table__), new_rows)
        ctx.summary.imported["questions"] += len(new_rows)
    if updates:
        ctx.session.execute(update(Thread), updates)
        ctx.summary.updated["questions"] += len(updates)
    ids = {ext: r.id for ext, r in _by_ext(ctx, [Thread.id], Thread, list(tags)).items()}
    for entry in ledger:
        if "ext" in entry:
            entry["thread_id"] = ids[entry.pop("ext")]
    _set_tags(ctx, {ids[ext]: names for ext, names in tags.items()}, retag)
    ctx.add_ledger(ledger)


def _set_tags(ctx: ImportContext, tags: dict[int, list[str]], retag: list[int]) -> None:
    if retag:
        ctx.session.execute(delete(thread_tag).where(thread_tag.c.thread_id.in_(retag)))
    names = {n for names in tags.values() for n in names}
    if not names:
        return
    known = dict(ctx.session.execute(select(Tag.name, Tag.id).where(Tag.name.in_(names))).all())
    missing = sorted(names - set(known))
    if missing:
        ctx.session.execute(insert(Tag), [{"name": n, "description": ""} for n in missing])
        ctx.summary.imported["tags"] += len(missing)
        known.update(ctx.session.execute(select(Tag.name, Tag.id).where(Tag.name.in_(missing))).all())
    links = [{"thread_id": tid, "tag_id": known[n]} for tid, names in tags.items() for n in names]
    if links:
        ctx.session.execute(insert(thread_tag), links)


def _answers(ctx: ImportContext, name: str, items, authors, final: bool) -> None:
    existing = _by_ext(ctx, [Post.id, Post.score, Post.edited_at, Post.thread_id], Post,
                       [i["ext"] for i in items])
    parents = _by_ext(ctx, [Thread.id], Thread, list({i["parent"] for i in items}))
    new_rows, updates, ledger, activity = [], [], [], {}
    for item in items:
        ext, cur = item["ext"], existing.get(item["ext"])
        if cur is None:
            parent = parents.get(item["parent"])
            if parent is None and not final:
                ctx.waiting_answers.add(item["line"])
                continue
            if parent is None:
                ctx.summary.skip("answers", f"question {item['row']['ParentId']} absent",
                                 file=name, line=item["line"])
                continue
            body, body_html = _text(ctx, item)
            new_rows.append({
                "thread_id": parent.id, "author_id": authors[item["account"]], "body": body,
                "body_html": body_html, "score": item["score"], "is_official": False,
                "external_id": ext, "created_at": item["created"], "edited_at": item["edited"],
                "deleted_at": None, "deleted_by_id": None})
            ledger.append({"user_id": authors[item["account"]], "key": f"imported:{ext}",
                           "points": ctx.score_points("answer", item["score"]),
                           "created_at": item["created"], "thread_id": parent.id, "ext": ext})
            when = max(item["created"], item["last"] or item["created"])
            activity[parent.id] = max(activity.get(parent.id, when), when)
            continue
        changes = {}
        if cur.score != item["score"]:
            changes["score"] = item["score"]
            delta = ctx.score_points("answer", item["score"]) - ctx.score_points("answer", cur.score)
            stamp = f"{(item['last'] or item['created']):%Y%m%d%H%M%S}"
            ledger.append({"user_id": authors[item["account"]], "points": delta,
                           "key": f"imported:{ext}:score:{cur.score}>{item['score']}@{stamp}",
                           "created_at": item["last"] or item["created"],
                           "thread_id": cur.thread_id, "post_id": cur.id})
        if cur.edited_at != item["edited"]:
            body, body_html = _text(ctx, item)
            changes.update(body=body, body_html=body_html, edited_at=item["edited"])
        if changes:
            updates.append({"id": cur.id, **changes})
        else:
            ctx.summary.unchanged["answers"] += 1
    if new_rows:
        ctx.session.execute(insert(Post.__table__), new_rows)
        ctx.summary.imported["answers"] += len(new_rows)
    if updates:
        ctx.session.execute(update(Post), updates)
        ctx.summary.updated["answers"] += len(updates)
    ids = {ext: r.id for ext, r in _by_ext(ctx, [Post.id], Post,
                                          [e["ext"] for e in ledger if "ext" in e]).items()}
    for entry in ledger:
        if "ext" in entry:
            entry["post_id"] = ids[entry.pop("ext")]
    ctx.add_ledger(ledger)
    if activity:
        _thread_counters(ctx, activity)


def _thread_counters(ctx: ImportContext, activity: dict[int, object]) -> None:
    """post_count from the rows themselves; last activity moved forward, never back."""
    visible = (select(func.count(Post.id))
               .where(Post.thread_id == Thread.id, Post.deleted_at.is_(None)).scalar_subquery())
    ctx.session.execute(update(Thread).where(Thread.id.in_(list(activity)))
                        .values(post_count=visible))
    current = dict(ctx.session.execute(
        select(Thread.id, Thread.last_activity_at).where(Thread.id.in_(list(activity)))).all())
    bumps = [{"id": tid, "last_activity_at": when} for tid, when in activity.items()
             if when > current[tid]]
    if bumps:
        ctx.session.execute(update(Thread), bumps)


def _tag_wikis(ctx: ImportContext, items) -> None:
    for item in items:
        if ctx.tag_wikis is None:
            ctx.summary.skip("tag descriptions", "tag wiki without Tags.xml to name its tag")
            continue
        found = ctx.tag_wikis.get(int(item["row"]["Id"]))
        if found is None:
            ctx.summary.skip("tag descriptions", "tag wiki of a tag absent from Tags.xml")
            continue
        tag_name, which = found
        if which != "excerpt":
            ctx.summary.skip("tag descriptions", "full tag wiki (the excerpt is the description)")
            continue
        text = html.unescape(_TAGS_RE.sub("", item["row"].get("Body", ""))).strip()
        current = ctx.session.execute(select(Tag.id, Tag.description).where(Tag.name == tag_name)).first()
        if current is None:
            ctx.session.execute(insert(Tag), [{"name": tag_name, "description": text}])
            ctx.summary.imported["tags"] += 1
            ctx.summary.imported["tag descriptions"] += 1
        elif current.description == text:
            ctx.summary.unchanged["tag descriptions"] += 1
        else:
            ctx.session.execute(update(Tag).where(Tag.id == current.id).values(description=text))
            bucket = ctx.summary.imported if not current.description else ctx.summary.updated
            bucket["tag descriptions"] += 1


def _accepted_answers(ctx: ImportContext, path: Path) -> None:
    """A second streaming pass: accepted answers come after their question in the file."""
    ctx.progress.start(f"{path.name} (accepted answers)", path.stat().st_size)
    for batch in ctx.batches(path):
        items = []
        for line, row in batch:
            if (row.get("PostTypeId") != "1" or not row.get("AcceptedAnswerId")
                    or line in ctx.repeated_posts):
                continue
            try:
                question_ext = ctx.ext("post", integer(row, "Id"))
            except RowError:
                continue  # reported on the first pass
            try:
                answer_ext = ctx.ext("post", integer(row, "AcceptedAnswerId"))
            except RowError:
                answer_ext = None  # reported below, as an absent answer
            items.append((line, question_ext, answer_ext))
        if not items:
            continue
        threads = _by_ext(ctx, [Thread.id, Thread.accepted_post_id, Thread.author_id], Thread,
                          [q for _l, q, _a in items])
        posts = _by_ext(ctx, [Post.id, Post.thread_id, Post.author_id, Post.created_at], Post,
                        [a for _l, _q, a in items if a])
        updates, ledger = [], []
        for line, question_ext, answer_ext in items:
            thread = threads.get(question_ext)
            if thread is None:
                continue  # the question itself was skipped and reported
            post = posts.get(answer_ext)
            if post is None or post.thread_id != thread.id:
                ctx.summary.skip("accepted answers", "accepted answer absent from the dump",
                                 file=path.name, line=line)
            elif thread.accepted_post_id == post.id:
                ctx.summary.unchanged["accepted answers"] += 1
            else:
                bucket = ctx.summary.updated if thread.accepted_post_id else ctx.summary.imported
                bucket["accepted answers"] += 1
                updates.append({"id": thread.id, "accepted_post_id": post.id})
                if post.author_id != thread.author_id:  # accepting one's own answer earns nothing
                    ledger.append({"user_id": post.author_id, "key": f"imported:{answer_ext}:accepted",
                                   "points": ctx.points["answer_accepted"], "thread_id": thread.id,
                                   "post_id": post.id, "created_at": post.created_at})
        try:
            if updates:
                ctx.session.execute(update(Thread), updates)
            ctx.add_ledger(ledger)
            ctx.session.commit()
        except BaseException:
            ctx.session.rollback()
            raise
    ctx.progress.finish()
