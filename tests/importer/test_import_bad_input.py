"""Bad dumps: a clear message naming the file and line, nothing half-imported, re-runnable."""

from __future__ import annotations

import pytest
from se_dump_rows import a, q
from sqlalchemy import func, select

from community.extensions import db as _db
from community.importer import DumpError, import_dump
from community.models import Post, Thread
from community.models.analytics import QuestionTimeline

QUIET = {"tty": False, "echo": lambda *a, **k: None}


def _import(db, folder, **kw):
    return import_dump(db.session, folder, space_slug="tea", **QUIET, **kw)


def _count(db, model):
    return db.session.scalar(select(func.count(model.id)))


def test_a_missing_folder_is_named(db, tmp_path):
    with pytest.raises(DumpError, match="no such folder: .*nowhere"):
        _import(db, tmp_path / "nowhere")


def test_a_folder_without_posts_xml_is_refused(db, write_dump):
    folder = write_dump({"Users.xml": [{"Id": 1, "DisplayName": "A"}]})
    with pytest.raises(DumpError, match="has no Posts.xml"):
        _import(db, folder)
    assert _count(db, Thread) == 0


def test_malformed_xml_names_file_and_line_and_keeps_only_whole_batches(db, write_dump):
    rows = [q(1), a(2, 1), q(3), a(4, 3), q(5)]
    good = write_dump({"Posts.xml": rows})
    text = (good / "Posts.xml").read_bytes().decode("utf-8-sig").splitlines()
    # Line 7 is the row of post 5: break it.
    assert 'Id="5"' in text[6]
    text[6] = text[6].replace("<row ", "<row broken & ")
    (good / "Posts.xml").write_text("\n".join(text) + "\n", encoding="utf-8-sig")
    with pytest.raises(DumpError) as failure:
        _import(db, good, batch_size=2)
    assert str(failure.value).startswith("Posts.xml:7: ")
    assert failure.value.file == "Posts.xml" and failure.value.line == 7
    # The two whole batches before the broken row are in; the broken batch is not.
    assert (_count(db, Thread), _count(db, Post)) == (2, 2)
    # Fixed and run again: it continues where it stopped.
    fixed = write_dump({"Posts.xml": rows})
    summary = _import(db, fixed, batch_size=2)
    assert summary.imported["questions"] == 1
    assert (_count(db, Thread), _count(db, Post)) == (3, 2)


def test_a_truncated_file_is_reported_and_rerunnable(db, write_dump):
    folder = write_dump({"Posts.xml": [q(1), a(2, 1), q(3)]})
    data = (folder / "Posts.xml").read_bytes()
    (folder / "Posts.xml").write_bytes(data[: data.index(b'Id="3"') + 20])
    with pytest.raises(DumpError, match=r"^Posts.xml:\d+: .*truncated|^Posts.xml:\d+: "):
        _import(db, folder)
    assert _count(db, Thread) == 0  # the one batch was broken: nothing half-imported
    write_dump({"Posts.xml": [q(1), a(2, 1), q(3)]})
    assert _import(db, folder).imported["questions"] == 2


def test_an_empty_file_is_reported(db, write_dump):
    folder = write_dump({"Posts.xml": ""})
    with pytest.raises(DumpError, match="Posts.xml"):
        _import(db, folder)


def test_rows_with_missing_attributes_are_skipped_with_their_line(db, write_dump):
    no_title = q(3)
    del no_title["Title"]
    folder = write_dump({"Posts.xml": [q(1), {"PostTypeId": 1, "Body": "x"}, no_title,
                                       a(4, 1, created="not a date")]})
    summary = _import(db, folder)
    assert summary.imported["questions"] == 1
    assert "Posts.xml:4: posts skipped: missing attribute Id" in summary.warnings
    assert "Posts.xml:5: posts skipped: missing attribute Title" in summary.warnings
    assert "Posts.xml:6: posts skipped: bad date 'not a date'" in summary.warnings


def test_an_answer_whose_question_is_absent_is_skipped_with_its_line(db, write_dump):
    folder = write_dump({"Posts.xml": [q(1), a(2, 1), a(3, 99)]})
    summary = _import(db, folder)
    assert summary.imported["answers"] == 1
    assert summary.skipped["answers"]["question 99 absent"] == 1
    assert "Posts.xml:5: answers skipped: question 99 absent" in summary.warnings


def test_the_command_exits_non_zero_with_the_file_and_line(app, write_dump, tmp_path):
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["community", "import-stackexchange", str(tmp_path / "nope"),
                                  "--space", "tea"])
    assert missing.exit_code == 1 and "no such folder" in missing.output
    folder = write_dump({"Posts.xml": "<posts>\n  <row Id='1' PostTypeId='1'\n"})
    broken = runner.invoke(args=["community", "import-stackexchange", str(folder), "--space", "tea"])
    assert broken.exit_code == 1 and "Posts.xml:" in broken.output


def test_the_command_imports_and_prints_a_summary(app, write_dump):
    folder = write_dump({"Posts.xml": [q(1), a(2, 1), a(3, 42)]})
    runner = app.test_cli_runner()
    result = runner.invoke(args=["community", "import-stackexchange", str(folder), "--space", "tea"])
    assert result.exit_code == 0, result.output
    assert "questions: 1 imported" in result.output
    assert "answers: 1 imported, 0 updated, 1 skipped (1 question 42 absent)" in result.output
    assert "Posts.xml:5: answers skipped: question 42 absent" in result.stderr
    # Bulk rows announce nothing: the analytics timeline is built after the import.
    assert "analytics facts rebuilt" in result.output
    with app.app_context():
        rows = _db.session.execute(select(QuestionTimeline.imported, QuestionTimeline.answers)
                                   .join(Thread, Thread.id == QuestionTimeline.thread_id)
                                   .where(Thread.external_id.like("%:post:1"))).all()
        assert [tuple(r) for r in rows] == [(True, 1)]
    again = runner.invoke(args=["community", "import-stackexchange", str(folder), "--space", "tea"])
    assert "nothing new" in again.output
