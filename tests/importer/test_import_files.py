"""Every file of a dump, on small hand-made dumps."""

from __future__ import annotations

from datetime import UTC, datetime

from se_dump_rows import a, q
from sqlalchemy import func, select

from community.importer import import_dump
from community.models import Comment, LedgerEntry, Post, Tag, Thread, User, Vote

QUIET = {"tty": False, "echo": lambda *a, **k: None}


def _import(db, folder, **kw):
    return import_dump(db.session, folder, space_slug=kw.pop("space", "tea"), **QUIET, **kw)


def _thread(db, ext):
    return db.session.scalar(select(Thread).where(Thread.external_id == ext))


def _full_dump(write_dump):
    return write_dump({
        "Users.xml": [
            {"Id": 1, "DisplayName": "Ada Asker", "CreationDate": "2014-12-01T08:00:00.000", "Reputation": 50},
            {"Id": 2, "DisplayName": "Bea Answerer", "CreationDate": "2014-12-02T08:00:00.000", "Reputation": 90},
            {"Id": 3, "DisplayName": "Cy Voter", "CreationDate": "2014-12-03T08:00:00.000", "Reputation": 5},
        ],
        "Tags.xml": [
            {"Id": 1, "TagName": "water", "Count": 2, "ExcerptPostId": 90, "WikiPostId": 91},
            {"Id": 2, "TagName": "temperature", "Count": 1},
            {"Id": 3, "TagName": "unused-tag", "Count": 0},
        ],
        "Posts.xml": [
            q(10, AcceptedAnswerId=11, Score=3),
            a(11, 10, Score=4),
            a(12, 10, owner=None, OwnerDisplayName="Gone Person", Score=0),
            q(13, title="Is boiling water too hot?", owner=None, OwnerDisplayName="Gone Person",
              ClosedDate="2015-02-01T00:00:00.000"),
            {"Id": 90, "PostTypeId": 4, "CreationDate": "2015-01-27T00:00:00.000", "Score": 0,
             "Body": "Questions about the water &amp; its chemistry.", "OwnerUserId": -1},
            {"Id": 91, "PostTypeId": 5, "CreationDate": "2015-01-27T00:00:00.000", "Score": 0,
             "Body": "<p>Long wiki.</p>", "OwnerUserId": -1},
            {"Id": 92, "PostTypeId": 6, "CreationDate": "2015-01-27T00:00:00.000", "Score": 0,
             "Body": "<p>Nomination.</p>", "OwnerUserId": 1},
        ],
        "PostLinks.xml": [
            {"Id": 1, "CreationDate": "2015-02-01T00:00:00.000", "PostId": 13, "RelatedPostId": 10, "LinkTypeId": 3},
            {"Id": 2, "CreationDate": "2015-02-01T00:00:00.000", "PostId": 10, "RelatedPostId": 13, "LinkTypeId": 1},
        ],
        "Votes.xml": [
            {"Id": 1, "PostId": 11, "VoteTypeId": 2, "UserId": 3, "CreationDate": "2015-01-29T00:00:00.000"},
            {"Id": 2, "PostId": 10, "VoteTypeId": 3, "UserId": 3, "CreationDate": "2015-01-29T00:00:00.000"},
            {"Id": 3, "PostId": 11, "VoteTypeId": 2, "CreationDate": "2015-01-29T00:00:00.000"},
            {"Id": 4, "PostId": 10, "VoteTypeId": 5, "UserId": 2, "CreationDate": "2015-01-29T00:00:00.000"},
            {"Id": 5, "PostId": 11, "VoteTypeId": 2, "UserId": 2, "CreationDate": "2015-01-29T00:00:00.000"},
        ],
        "Comments.xml": [
            {"Id": 1, "PostId": 10, "Score": 0, "Text": "Which **kettle** do you use?",
             "CreationDate": "2015-01-27T21:00:00.000", "UserId": 2},
            {"Id": 2, "PostId": 11, "Score": 1, "Text": "Thanks, that worked.",
             "CreationDate": "2015-01-28T11:00:00.000", "UserId": 1},
            {"Id": 3, "PostId": 12, "Score": 0, "Text": "Anonymous remark.",
             "CreationDate": "2015-01-28T12:00:00.000", "UserDisplayName": "Passer By"},
        ],
        "Badges.xml": [
            {"Id": 1, "UserId": 1, "Name": "Student", "Date": "2015-01-28T00:00:00.000", "Class": 3},
        ],
    })


def test_every_file_of_a_dump_is_used(db, write_dump):
    summary = _import(db, _full_dump(write_dump))
    site = "tea.stackexchange.com"
    question = _thread(db, f"{site}:post:10")
    assert question.author.display_name == "Ada Asker"
    assert question.author.created_at == datetime(2014, 12, 1, 8, tzinfo=UTC)
    assert [t.name for t in question.tags] == ["temperature", "water"]
    accepted = db.session.get(Post, question.accepted_post_id)
    assert accepted.external_id == f"{site}:post:11"
    assert accepted.author.display_name == "Bea Answerer"
    assert question.post_count == 2 and question.status == "solved"

    # Deleted accounts keep their display name, one imported account per name.
    gone = db.session.scalars(select(User).where(User.display_name == "Gone Person")).all()
    assert len(gone) == 1 and gone[0].password_hash is None
    duplicate = _thread(db, f"{site}:post:13")
    assert duplicate.author_id == gone[0].id
    assert duplicate.duplicate_of_id == question.id and duplicate.is_closed

    # Tag wiki: the excerpt is the description, the full wiki is counted and skipped.
    assert db.session.scalar(select(Tag.description).where(Tag.name == "water")) == \
        "Questions about the water & its chemistry."
    assert db.session.scalar(select(Tag.id).where(Tag.name == "unused-tag"))
    assert summary.imported["tag descriptions"] == 1
    assert summary.skipped["tag descriptions"]["full tag wiki (the excerpt is the description)"] == 1
    assert summary.skipped["posts"]["post type 6 (moderator nomination)"] == 1

    # Votes: known voters become votes; anonymous ones and other types stay in the score.
    votes = {(v.user_id, v.target_type, v.value) for v in db.session.scalars(select(Vote))}
    cy = db.session.scalar(select(User.id).where(User.display_name == "Cy Voter"))
    bea = accepted.author_id
    assert votes == {(cy, "post", 1), (cy, "thread", -1)}
    assert summary.skipped["votes"]["anonymous voter (counted in the imported score)"] == 1
    assert summary.skipped["votes"]["vote type 5 (only up and down votes)"] == 1
    assert summary.skipped["votes"]["vote on one's own post"] == 1
    assert accepted.score == 4 and question.score == 3  # the dump's score is kept

    # Comments: on the question (no post) and on answers.
    comments = {c.external_id: c for c in db.session.scalars(select(Comment))}
    on_question = comments[f"{site}:comment:1"]
    assert on_question.thread_id == question.id and on_question.post_id is None
    assert on_question.body_html == "<p>Which <strong>kettle</strong> do you use?</p>\n"
    assert comments[f"{site}:comment:2"].post_id == accepted.id
    assert comments[f"{site}:comment:3"].author.display_name == "Passer By"

    assert summary.skipped["badges"]  # counted, with the reason
    assert summary.imported["duplicate links"] == 1

    # Reputation from "imported" ledger rows: 4 answer points x 10 + 15 accepted.
    rows = db.session.scalars(select(LedgerEntry).where(LedgerEntry.user_id == bea)).all()
    assert {r.reason for r in rows} == {"imported"}
    assert sum(r.points for r in rows) == 4 * 10 + 15
    assert db.session.get(User, bea).reputation == 1 + 55


def test_a_full_dump_imported_twice_changes_nothing(db, write_dump):
    folder = _full_dump(write_dump)
    _import(db, folder)
    tables = (Thread, Post, User, Tag, Vote, Comment, LedgerEntry)
    before = [db.session.scalar(select(func.count()).select_from(m)) for m in tables]
    reputations = dict(db.session.execute(select(User.id, User.reputation)).all())
    again = _import(db, folder)
    assert [db.session.scalar(select(func.count()).select_from(m)) for m in tables] == before
    assert dict(db.session.execute(select(User.id, User.reputation)).all()) == reputations
    assert not again.changed_anything


def test_a_newer_dump_adds_only_what_is_new_and_updates_edits(db, write_dump, tmp_path):
    old = write_dump({"Posts.xml": [q(1), a(2, 1, Score=1)]}, root=tmp_path / "old")
    _import(db, old)
    answer = db.session.scalar(select(Post).where(Post.external_id.like("%:post:2")))
    newer = write_dump({"Posts.xml": [
        q(1),
        a(2, 1, body="<p>Edited answer body.</p>", Score=5, LastEditDate="2015-02-01T00:00:00.000"),
        a(3, 1, created="2015-02-02T00:00:00.000"),
        q(4, title="A second question arrives?"),
    ]}, root=tmp_path / "new")
    summary = _import(db, newer)
    assert summary.imported["answers"] == 1 and summary.imported["questions"] == 1
    assert summary.updated["answers"] == 1 and summary.unchanged["questions"] == 1
    db.session.expire_all()
    assert answer.body == "Edited answer body." and answer.score == 5
    assert db.session.scalar(select(func.count(Post.id))) == 2
    thread = _thread(db, "tea.stackexchange.com:post:1")
    assert thread.post_count == 2
    assert thread.last_activity_at == datetime(2015, 2, 2, tzinfo=UTC)
    # The answerer's imported points follow the new score (5 x 10).
    assert db.session.scalar(select(func.sum(LedgerEntry.points)).where(
        LedgerEntry.user_id == answer.author_id)) == 5 * 10 + 2 * 10  # answers 2 and 3
    assert not _import(db, newer).changed_anything


def test_nothing_in_an_imported_body_can_run_a_script(db, write_dump):
    evil = ('<p>Hi<script>alert(1)</script></p><img src="x.png" onerror="alert(2)">'
            '<a href="javascript:alert(3)">click</a><iframe src="https://evil.test"></iframe>'
            '<p onclick="alert(4)" style="x">text</p>')
    folder = write_dump({"Posts.xml": [q(1, body=evil), a(2, 1, body=evil)],
                         "Comments.xml": [{"Id": 1, "PostId": 1, "CreationDate": "2015-01-28T00:00:00.000",
                                           "Text": "[x](javascript:alert(5)) <script>alert(6)</script>",
                                           "UserId": 1}]})
    _import(db, folder)
    htmls = [*db.session.scalars(select(Thread.body_html)), *db.session.scalars(select(Post.body_html)),
             *db.session.scalars(select(Comment.body_html))]
    assert len(htmls) == 3
    for html in htmls:
        lowered = html.lower()
        for bad in ("<script", "onerror", "onclick", 'href="javascript', "<iframe", "style="):
            assert bad not in lowered, (bad, html)  # javascript: may remain as inert text


def test_two_sites_with_the_same_ids_never_collide(db, write_dump):
    _import(db, write_dump({"Posts.xml": [q(1), a(2, 1)]}, site="tea.stackexchange.com"), space="tea")
    _import(db, write_dump({"Posts.xml": [q(1), a(2, 1)]}, site="beer.stackexchange.com"), space="beer")
    assert db.session.scalar(select(func.count(Thread.id))) == 2
    assert db.session.scalar(select(func.count(Post.id))) == 2
    assert db.session.scalar(select(func.count(User.id))) == 4


def test_worker_processes_convert_the_same_way(db, write_dump):
    folder = write_dump({"Posts.xml": [q(i * 2 + 1, title=f"Question {i}?") for i in range(6)]
                         + [a(i * 2 + 2, i * 2 + 1) for i in range(6)]})
    summary = _import(db, folder, workers=1, batch_size=4)
    assert summary.imported["questions"] == 6 and summary.imported["answers"] == 6
    assert set(db.session.scalars(select(Post.body_html))) == {"<p>Answer body, helpful.</p>\n"}


def test_progress_is_plain_log_lines_when_not_a_terminal(db, write_dump):
    lines = []
    import_dump(db.session, write_dump({"Posts.xml": [q(1), a(2, 1)]}), space_slug="tea",
                tty=False, echo=lines.append)
    assert any(line.startswith("Posts.xml: 2 rows in") and "rows/s" in line for line in lines)
