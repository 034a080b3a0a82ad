"""What every step of an import shares: the session, the site, batches, authors, ledger."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..gamification import rules
from ..models import LedgerEntry, Space, User, utcnow
from .reader import integer, iter_rows
from .summary import Progress, Summary

# The gamification rules (with the site's overrides) that imported history earns by.
_IMPORTED_RULES = ("answer_upvoted", "question_upvoted", "answer_accepted", "downvote_received")


@dataclass
class ImportContext:
    session: Session
    folder: Path
    space: Space
    summary: Summary
    progress: Progress
    batch_size: int = 1000
    workers: int = 0
    # Tags.xml: tag-wiki post id -> tag name ("excerpt" or "wiki" kind).
    tag_wikis: dict[int, tuple[str, str]] | None = None
    points: dict[str, int] = field(default_factory=dict)
    # Posts.xml lines to come back to: answers read before their question, and repeated ids.
    waiting_answers: set[int] = field(default_factory=set)
    repeated_posts: set[int] = field(default_factory=set)

    def __post_init__(self):
        site = self.folder.name
        self.site = site if len(site) <= 40 else hashlib.sha1(site.encode()).hexdigest()[:16]
        label = re.sub(r"\.(stackexchange\.com|stackoverflow\.com|com|net)$", "", site.lower())
        self.label = (re.sub(r"[^a-z0-9]+", "-", label).strip("-") or "site")[:12].strip("-")
        self.points = {rule: rules.points(rule) for rule in _IMPORTED_RULES}

    def ext(self, kind: str, key: str | int) -> str:
        return f"{self.site}:{kind}:{key}"

    def batches(self, path: Path) -> Iterator[list[tuple[int, dict[str, str]]]]:
        state: dict = {}
        batch: list = []
        for line, row in iter_rows(path, state):
            batch.append((line, row))
            if len(batch) >= self.batch_size:
                yield batch
                self.progress.advance(len(batch), state.get("bytes", 0))
                batch = []
        if batch:
            yield batch
            self.progress.advance(len(batch), state.get("bytes", 0))

    # -- authors -------------------------------------------------------------------

    def author_of(self, row: dict[str, str], id_attr: str, name_attr: str) -> tuple[tuple[str, str], str]:
        """The account of a row's author and the name the row gives it.

        The account is ("id", "123") when the row names a user id, whether or not it
        also carries a display name (real dumps mix both for one user), and
        ("name", name) for a deleted user known by name alone. RowError for a bad id.
        """
        uid = integer(row, id_attr, None)
        name = (row.get(name_attr) or "").strip()
        return (("id", str(uid)) if uid is not None else ("name", name)), name

    def add_author(self, authors: dict, row: dict[str, str], id_attr: str, name_attr: str,
                   created_at: datetime | None) -> tuple[str, str]:
        """Note the row's author in ``authors`` (account -> [name, first seen]); the account.
        The first display name seen for an account is kept (Users.xml's, when it has one)."""
        account, name = self.author_of(row, id_attr, name_attr)
        seen = authors.get(account)
        if seen is None:
            authors[account] = [name, created_at]
        elif name and not seen[0]:
            seen[0] = name
        return account

    def user_ext(self, account: tuple[str, str]) -> str:
        kind, value = account
        if kind == "id":
            return self.ext("user", value)
        return self.ext("name", hashlib.sha1(value.encode()).hexdigest()[:16])

    def user_ids(self, exts: list[str]) -> dict[str, int]:
        if not exts:
            return {}
        rows = self.session.execute(
            select(User.external_id, User.id).where(User.external_id.in_(set(exts))))
        return dict(rows.all())

    def ensure_authors(self, authors: dict) -> dict[tuple[str, str], int]:
        """The user id of each account in ``authors`` (from add_author), creating missing ones."""
        ext_of = {account: self.user_ext(account) for account in authors}
        known = self.user_ids(list(ext_of.values()))
        missing = [(ext, account) for account, ext in ext_of.items() if ext not in known]
        if missing:
            self.insert_users([self.user_row(ext, *account, *authors[account])
                               for ext, account in missing])
            known = self.user_ids(list(ext_of.values()))
        return {account: known[ext] for account, ext in ext_of.items()}

    def user_row(self, ext: str, kind: str, value: str, display: str,
                 created_at: datetime | None) -> dict:
        if kind == "id":
            username = f"se-{self.label}-{value}"
            display = display or f"user{value}"
        else:
            username = f"se-{self.label}-n{ext.rsplit(':', 1)[1][:8]}"
            display = display or "deleted user"
        return {"username": username[:30], "username_lower": username[:30].lower(),
                "email": None, "display_name": display[:80], "password_hash": None,
                "role": "member", "reputation": 1, "is_ambassador": False, "locale": None,
                "external_id": ext, "created_at": created_at or utcnow()}

    def insert_users(self, rows: list[dict]) -> None:
        taken = set(self.session.scalars(select(User.username_lower).where(
            User.username_lower.in_([r["username_lower"] for r in rows]))))
        for row in rows:
            if row["username_lower"] in taken:  # a local account already has that name
                suffix = hashlib.sha1(row["external_id"].encode()).hexdigest()[:6]
                row["username"] = f"{row['username'][:23]}-{suffix}"
                row["username_lower"] = row["username"].lower()
        self.session.execute(insert(User.__table__), rows)
        self.summary.imported["users"] += len(rows)

    # -- ledger --------------------------------------------------------------------

    def add_ledger(self, rows: list[dict]) -> None:
        """Imported reputation: one row per imported post and cause, in bulk.

        The same row ``gamification.ledger.add_entry`` writes (reason "imported", a key
        per cause so a re-run adds nothing), but one statement per batch instead of
        two per row; reputations are brought up to date once per batch.
        """
        rows = [r for r in rows if r["points"]]
        if not rows:
            return
        for row in rows:
            row.setdefault("reason", "imported")
            row.setdefault("thread_id", None)
            row.setdefault("post_id", None)
            row.setdefault("actor_id", None)
            # the key without its "#n" suffix, as add_entry records it
            row.setdefault("cause", row["key"].rsplit("#", 1)[0])
        dialect = self.session.get_bind().dialect.name
        ins = postgresql.insert if dialect == "postgresql" else sqlite.insert
        self.session.execute(ins(LedgerEntry).on_conflict_do_nothing(index_elements=["key"]), rows)
        users = {r["user_id"] for r in rows}
        total = (select(func.coalesce(func.sum(LedgerEntry.points), 0))
                 .where(LedgerEntry.user_id == User.id).scalar_subquery())
        floor = func.max if dialect == "sqlite" else func.greatest
        self.session.execute(update(User).where(User.id.in_(users))
                             .values(reputation=floor(1, 1 + total)))

    def score_points(self, kind: str, score: int) -> int:
        per_point = self.points["answer_upvoted" if kind == "answer" else "question_upvoted"]
        return score * per_point if score >= 0 else score * abs(self.points["downvote_received"])
