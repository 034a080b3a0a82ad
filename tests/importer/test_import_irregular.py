"""Real dumps are irregular: every generated dump imports what the rules allow, a second
run changes nothing, and a broken file stops with one line naming the file and line."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from irregular_dumps import dumps, expected
from se_dump_rows import a, dump_xml, q
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from community.importer import DumpError, import_dump
from community.models import Comment, LedgerEntry, Post, Thread, User, Vote

QUIET = {"tty": False, "echo": lambda *a, **k: None}
PROPERTY = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
_sites = itertools.count(1)


def _write(root: Path, files: dict) -> Path:
    """Each example gets its own site, so its external ids never meet another example's."""
    folder = root / f"p{next(_sites)}.stackexchange.com"
    folder.mkdir(parents=True)
    for name, rows in files.items():
        (folder / name).write_bytes(b"\xef\xbb\xbf" + dump_xml(name, rows).encode())
    return folder


def _import(db, folder, batch_size=1000):
    return import_dump(db.session, folder, space_slug="irregular", batch_size=batch_size, **QUIET)


def _state(db, site: str) -> dict:
    """Everything an import of ``site`` wrote, in a comparable form."""
    like = f"{site}:%"
    author = aliased(User)
    threads = db.session.execute(
        select(Thread.external_id, Thread.title, Thread.body_html, Thread.score, Thread.post_count,
               Thread.accepted_post_id, Thread.last_activity_at, Thread.edited_at, author.external_id)
        .join(author, author.id == Thread.author_id).where(Thread.external_id.like(like))
        .order_by(Thread.external_id)).all()
    posts = db.session.execute(
        select(Post.external_id, Post.thread_id, Post.body_html, Post.score, author.external_id)
        .join(author, author.id == Post.author_id).where(Post.external_id.like(like))
        .order_by(Post.external_id)).all()
    users = db.session.execute(select(User.external_id, User.display_name, User.reputation)
                               .where(User.external_id.like(like)).order_by(User.external_id)).all()
    user_ids = select(User.id).where(User.external_id.like(like))
    votes = db.session.execute(select(Vote.user_id, Vote.target_type, Vote.target_id, Vote.value)
                               .where(Vote.user_id.in_(user_ids)).order_by(Vote.id)).all()
    comments = db.session.execute(select(Comment.external_id, Comment.body_html, Comment.author_id)
                                  .where(Comment.external_id.like(like))
                                  .order_by(Comment.external_id)).all()
    ledger = db.session.execute(select(LedgerEntry.key, LedgerEntry.points)
                                .where(LedgerEntry.user_id.in_(user_ids))
                                .order_by(LedgerEntry.key)).all()
    return {"threads": threads, "posts": posts, "users": users, "votes": votes,
            "comments": comments, "ledger": ledger}


@PROPERTY
@given(dump=dumps())
def test_any_irregular_dump_imports_what_is_importable_and_a_rerun_changes_nothing(db, dump):
    with tempfile.TemporaryDirectory() as tmp:
        folder = _write(Path(tmp), dump.files)
        site = folder.name
        want = expected(dump)
        summary = _import(db, folder, dump.batch_size)
        state = _state(db, site)

        assert [t.external_id for t in state["threads"]] == sorted(f"{site}:post:{i}" for i in want["questions"])
        assert [p.external_id for p in state["posts"]] == sorted(f"{site}:post:{i}" for i in want["answers"])
        assert summary.imported["questions"] == len(want["questions"])
        assert summary.imported["answers"] == len(want["answers"])
        # Each post belongs to its author's one account, whichever way the row named it.
        authors = {r[0]: r[-1] for r in state["threads"] + state["posts"]}
        assert authors == {f"{site}:post:{i}": f"{site}:{acct}" for i, acct in want["owner"].items()}
        assert sum(1 for t in state["threads"] if t.accepted_post_id) == len(want["accepted"])
        assert len(state["comments"]) == want["comments"]
        assert len(state["votes"]) == len(want["votes"])
        assert sorted(v.value for v in state["votes"]) == sorted(want["votes"].values())

        again = _import(db, folder, dump.batch_size)
        assert not again.changed_anything, again.lines()
        assert _state(db, site) == state


@st.composite
def broken_dumps(draw):
    dump = draw(dumps())
    name = draw(st.sampled_from(sorted(dump.files)))
    how = draw(st.sampled_from(["bad row", "truncated", "control character", "empty"]))
    return dump, name, how


@settings(PROPERTY, max_examples=12)
@given(case=broken_dumps())
def test_a_broken_file_stops_with_its_name_and_line(db, case):
    dump, name, how = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = _write(Path(tmp), dump.files)
        path = folder / name
        lines = path.read_bytes().split(b"\n")
        bad_line = 3  # the first <row>, after the declaration and the root element
        if how == "bad row":
            lines[bad_line - 1] = b'  <row Id="1" Body="fish & chips" />'
        elif how == "control character":
            lines[bad_line - 1] = b'  <row Id="1" Body="bell &#x7;" />'
        data = b"\n".join(lines)
        if how == "truncated":
            data = data[: len(data) // 2]
        elif how == "empty":
            data = b""
        path.write_bytes(data)
        try:
            _import(db, folder, dump.batch_size)
        except DumpError as exc:
            message = str(exc)
            assert "\n" not in message
            assert exc.file == name and exc.line >= 1
            assert message.startswith(f"{name}:{exc.line}: ")
            if how in ("bad row", "control character"):
                assert exc.line == bad_line
        else:
            # Half a file can still be whole rows and a closed root only by chance: never
            # silently, so the one acceptable outcome left is the error above.
            raise AssertionError(f"{how} {name} imported without an error")


def test_one_user_with_and_without_a_display_name_is_one_author(db, tmp_path):
    # The crash on real dumps: KeyError ('id', '352', 'CDspace') in _questions.
    folder = _write(tmp_path, {"Posts.xml": [
        q(1, owner=352), q(2, owner=352, OwnerDisplayName="CDspace"),
        a(3, 1, owner=352, OwnerDisplayName="CDspace"), a(4, 2, owner=352)]})
    summary = _import(db, folder)
    assert (summary.imported["questions"], summary.imported["answers"]) == (2, 2)
    authors = set(db.session.scalars(select(Thread.author_id))) | set(db.session.scalars(select(Post.author_id)))
    assert len(authors) == 1
    assert db.session.get(User, authors.pop()).external_id == f"{folder.name}:user:352"


def test_a_repeated_id_keeps_the_first_row_and_says_so(db, tmp_path):
    folder = _write(tmp_path, {"Posts.xml": [q(1, title="The first one, kept"), q(1, title="A second row"),
                                             a(2, 1), a(2, 1, body="<p>Again</p>")]})
    summary = _import(db, folder)
    assert db.session.scalar(select(Thread.title)) == "The first one, kept"
    assert db.session.scalar(select(func.count(Post.id))) == 1
    assert "Posts.xml:4: posts skipped: Id 1 repeated (the first row with it is kept)" in summary.warnings
    assert not _import(db, folder).changed_anything


def test_an_answer_before_its_question_is_imported_on_the_first_run(db, tmp_path):
    folder = _write(tmp_path, {"Posts.xml": [a(2, 1), a(3, 99), q(1, AcceptedAnswerId=2)]})
    summary = _import(db, folder, batch_size=1)
    assert summary.imported["answers"] == 1 and summary.imported["accepted answers"] == 1
    assert summary.skipped["answers"]["question 99 absent"] == 1
    assert "Posts.xml:4: answers skipped: question 99 absent" in summary.warnings
    assert not _import(db, folder, batch_size=1).changed_anything


def test_out_of_range_numbers_and_dates_skip_their_row(db, tmp_path):
    folder = _write(tmp_path, {"Posts.xml": [
        q(1, Score=10**30), q(2, created="9999-12-31T23:00:00-05:00"), q(3, owner="7_0"), q(4)]})
    summary = _import(db, folder)
    assert summary.imported["questions"] == 1
    assert summary.skipped["posts"] == {
        "Score is not a number: '1000000000000000000000000000000'": 1,
        "bad date '9999-12-31T23:00:00-05:00'": 1, "OwnerUserId is not a number: '7_0'": 1}


def test_a_deeply_nested_body_keeps_its_words(db, tmp_path):
    folder = _write(tmp_path, {"Posts.xml": [q(1, body="<div>" * 3000 + "deep &amp; dark" + "</div>" * 3000)]})
    _import(db, folder)
    assert db.session.scalar(select(Thread.body)) == "deep & dark"


def test_the_command_prints_one_line_and_exits_1_on_a_broken_file(app, tmp_path):
    folder = _write(tmp_path, {"Posts.xml": [q(1)], "Users.xml": [{"Id": 1, "DisplayName": "A"}]})
    (folder / "Users.xml").write_text('<users>\n  <row Id="1" DisplayName="fish & chips" />\n</users>\n')
    result = app.test_cli_runner().invoke(
        args=["community", "import-stackexchange", str(folder), "--space", "tea"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "import failed: Users.xml:2: not well-formed (invalid token) "
        "(fix the file and run the command again to continue)"]
    assert "Traceback" not in result.output
