"""Irregular Stack Exchange dumps for property tests, and what importing one should give.

A generated dump mixes what real dumps hold: one user id with and without a display
name, deleted users known by name only, ids absent from Users.xml, missing optional
files, answers before (or without) their question, post types 3-8, empty, huge and
deeply nested bodies, entities and CDATA-looking text, repeated ids, missing and bad
dates. ``expected`` is an independent statement of the import rules (first row of an
id wins; a question needs a date and a title; an answer needs a date and a question).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

# XML 1.0 cannot carry control characters, surrogates or U+FFFE/U+FFFF: a real dump never
# does either, and a file holding one is a parse error (tested on its own).
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
               | st.sampled_from("\n\t <>&\"'"), max_size=40)
GOOD_DATES = ["2015-01-27T20:09:32.720", "2014-12-01T08:00:00", "2016-02-29T23:59:59.999",
              "2015-06-01T00:00:00+02:00"]
BAD_DATES = ["", "yesterday", "2015-13-01T00:00:00", "9999-12-31T23:00:00-05:00"]
DATES = st.sampled_from(GOOD_DATES)
CREATED = st.sampled_from(GOOD_DATES * 5 + [None, *BAD_DATES])  # None: no attribute
MAYBE_DATE = st.sampled_from(GOOD_DATES * 3 + [None, None, *BAD_DATES])
FIXED_BODIES = [
    "",
    "<p>Use 90&nbsp;&deg;C &amp; &#x1F375; &lt;not a tag&gt;</p>",
    "<![CDATA[ <script>alert(1)</script> ]]>",
    "<p>]]&gt; &lt;![CDATA[ half ]]</p><pre><code>&lt;/row&gt;</code></pre>",
    "<p>unclosed <b>bold <i>and <a href='javascript:alert(1)'>link",
]


@st.composite
def bodies(draw) -> str:
    pick = draw(st.integers(0, 24))
    if pick == 0:  # huge (slow to convert: rare)
        return "<p>" + "coffee " * draw(st.integers(3_000, 17_000)) + "</p>"
    if pick == 1:  # nested beyond the converter's recursion
        return "<div>" * 3000 + "deep" + "</div>" * 3000
    if pick < 10:
        return FIXED_BODIES[pick % len(FIXED_BODIES)]
    return f"<p>{draw(TEXT)}</p>"


IDS = st.integers(1, 30)  # a small range, so ids repeat and answers find (or miss) questions


@dataclass
class Dump:
    users: list[dict] | None
    posts: list[dict]
    votes: list[dict] | None
    comments: list[dict] | None
    batch_size: int
    files: dict = field(init=False)

    def __post_init__(self):
        self.files = {"Posts.xml": self.posts}
        for name, rows in (("Users.xml", self.users), ("Votes.xml", self.votes),
                           ("Comments.xml", self.comments)):
            if rows is not None:
                self.files[name] = rows


def _put(row: dict, key: str, value) -> None:
    if value is not None:
        row[key] = value


@st.composite
def owners(draw, id_key: str, name_key: str) -> dict:
    """An author as a row gives it: id only, id and name, name only (deleted), or nothing."""
    shape = draw(st.sampled_from(["id", "id+name", "name", "none"]))
    row: dict = {}
    if "id" in shape:
        row[id_key] = draw(st.integers(-1, 12))
    if "name" in shape:
        row[name_key] = draw(st.sampled_from(["CDspace", "Gone Person", " ", "Zoë", "a&b"]) | TEXT)
    return row


@st.composite
def posts(draw) -> dict:
    post_type = draw(st.sampled_from([1, 2, 1, 2, 1, 2, 1, 2, 3, 4, 5, 6, 7, 8]))
    row: dict = {"Id": 0, "PostTypeId": post_type}  # numbered by dumps()
    _put(row, "CreationDate", draw(CREATED))
    _put(row, "LastActivityDate", draw(MAYBE_DATE))
    _put(row, "LastEditDate", draw(st.one_of(st.none(), DATES)))
    row["Score"] = draw(st.integers(-5, 50))
    row["Body"] = draw(bodies())
    row.update(draw(owners("OwnerUserId", "OwnerDisplayName")))
    if post_type == 1:
        _put(row, "Title", draw(st.sampled_from(["How hot should the water be?", None, "   ",
                                                 "Grind size?"]) | TEXT.map(lambda t: "Why " + t) | TEXT))
        row["Tags"] = draw(st.sampled_from(["<water><temperature>", "|espresso|", "", "<WATER>"]))
        _put(row, "AcceptedAnswerId", draw(st.one_of(st.none(), IDS)))
    elif post_type == 2:
        row["ParentId"] = draw(IDS)
    return row


@st.composite
def dumps(draw) -> Dump:
    rows = draw(st.lists(posts(), min_size=6, max_size=25))
    for number, row in enumerate(rows, 1):  # mostly distinct ids, now and then a repeated one
        row["Id"] = number if number == 1 or draw(st.integers(0, 7)) else draw(st.integers(1, number - 1))
    # Mostly point at ids the dump has (anywhere in the file), sometimes at absent ones.
    questions = [r["Id"] for r in rows if r["PostTypeId"] == 1] or [0]
    answers = [r["Id"] for r in rows if r["PostTypeId"] == 2] or [0]
    for row in rows:
        if row["PostTypeId"] == 2 and draw(st.integers(0, 9)) < 8:
            row["ParentId"] = draw(st.sampled_from(questions))
        if row.get("AcceptedAnswerId") is not None and draw(st.integers(0, 3)):
            row["AcceptedAnswerId"] = draw(st.sampled_from(answers))
    imported = sorted(expected(Dump(users=None, posts=rows, votes=None, comments=None,
                                    batch_size=1))["owner"])
    targets = st.sampled_from(imported) | IDS if imported else IDS
    users = draw(st.one_of(st.none(), st.lists(st.builds(
        lambda i, name, created: {"Id": i, "DisplayName": name, **({"CreationDate": created} if created else {})},
        st.integers(-1, 12), st.sampled_from(["Ada", "CDspace", ""]) | TEXT, MAYBE_DATE), max_size=8)))
    votes = draw(st.one_of(st.none(), st.lists(st.builds(
        lambda post, kind, voter, created: {"PostId": post, "VoteTypeId": kind, **voter,
                                            **({"CreationDate": created} if created else {})},
        targets, st.sampled_from([2, 3, 2, 3, 1, 5]),
        st.integers(-1, 12).map(lambda u: {"UserId": u}) | st.just({}), MAYBE_DATE),
        min_size=3, max_size=12)))
    comments = draw(st.one_of(st.none(), st.lists(st.builds(
        lambda i, post, text, author, created: {"Id": i, "PostId": post, "Text": text, **author,
                                                **({"CreationDate": created} if created else {})},
        st.integers(1, 15), targets, TEXT, owners("UserId", "UserDisplayName"), MAYBE_DATE),
        min_size=3, max_size=10)))
    for number, vote in enumerate(votes or [], 1):
        vote["Id"] = number
    return Dump(users=users, posts=rows, votes=votes, comments=comments,
                batch_size=draw(st.integers(1, 6)))


def _date_ok(value) -> bool:
    return value in GOOD_DATES


def _post_ok(row: dict) -> bool:
    """A date to start from, and no malformed optional date."""
    last = row.get("LastActivityDate")
    return _date_ok(row.get("CreationDate")) and (last in (None, "") or _date_ok(last))


def _first(rows: list[dict]) -> list[dict]:
    seen, out = set(), []
    for row in rows:
        if row["Id"] not in seen:
            seen.add(row["Id"])
            out.append(row)
    return out


def _account(row: dict, id_key: str, name_key: str) -> str:
    """The external id of a row's author (see ImportContext.user_ext)."""
    import hashlib

    if id_key in row:
        return f"user:{row[id_key]}"
    name = str(row.get(name_key, "")).strip()
    return f"name:{hashlib.sha1(name.encode()).hexdigest()[:16]}"


def expected(dump: Dump) -> dict:
    """What importing ``dump`` must give, from the rules alone."""
    posts = _first(dump.posts)
    questions = {r["Id"]: r for r in posts if r["PostTypeId"] == 1 and _post_ok(r)
                 and str(r.get("Title", "")).strip()}
    answers = {r["Id"]: r for r in posts if r["PostTypeId"] == 2 and _post_ok(r)
               and r["ParentId"] in questions}
    accepted = {q for q, r in questions.items()
                if r.get("AcceptedAnswerId") in answers and answers[r["AcceptedAnswerId"]]["ParentId"] == q}
    owner = {pid: _account(r, "OwnerUserId", "OwnerDisplayName") for pid, r in {**questions, **answers}.items()}
    comments = [r for r in _first(dump.comments or []) if _date_ok(r.get("CreationDate"))
                and r["PostId"] in owner]
    votes: dict = {}
    for r in dump.votes or []:
        if r.get("CreationDate") is not None and not _date_ok(r["CreationDate"]):
            continue  # a bad date (an absent one is allowed: the vote is dated now)
        if r["VoteTypeId"] not in (2, 3) or "UserId" not in r or r["PostId"] not in owner:
            continue
        if owner[r["PostId"]] == f"user:{r['UserId']}":
            continue  # one's own post
        votes.setdefault((r["UserId"], r["PostId"]), 1 if r["VoteTypeId"] == 2 else -1)
    return {"questions": questions, "answers": answers, "accepted": accepted, "owner": owner,
            "comments": len(comments), "votes": votes}
