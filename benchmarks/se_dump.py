"""A synthetic Stack Exchange data dump, in the dump's own XML format.

Posts.xml, Users.xml, Votes.xml and Comments.xml, one <row .../> per line, HTML bodies
escaped in attributes, a UTF-8 byte-order mark: what the real dumps look like.

    python -m benchmarks.se_dump OUT_DIR --posts 100000
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import quoteattr

WORDS = ("coffee grind espresso roast bean water temperature pressure milk brew filter "
         "kettle burr grinder crema extraction acidity body aroma arabica robusta moka "
         "aeropress chemex pour over ratio gram second minute taste bitter sour sweet "
         "storage fresh stale cup mug steam froth latte cappuccino decaf caffeine").split()
START = datetime(2015, 1, 27, tzinfo=UTC)


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def body(rng: random.Random) -> str:
    """About 700 to 900 characters of the HTML Stack Exchange stores."""
    parts = []
    for _ in range(rng.randint(2, 4)):
        text = ". ".join(_sentence(rng, rng.randint(8, 16)) for _ in range(rng.randint(2, 3)))
        if rng.random() < 0.3:
            text += f' See <a href="https://example.com/{rng.randint(1, 999)}" rel="nofollow">this guide</a>.'
        if rng.random() < 0.3:
            text += f" Use <code>{rng.choice(WORDS)}_{rng.randint(1, 99)}</code> or <strong>{rng.choice(WORDS)}</strong>."
        parts.append(f"<p>{text}.</p>")
    if rng.random() < 0.25:
        parts.append("<pre><code>" + "\n".join(_sentence(rng, 5) for _ in range(3)) + "\n</code></pre>")
    if rng.random() < 0.2:
        parts.append("<ul>" + "".join(f"<li>{_sentence(rng, 4)}</li>" for _ in range(3)) + "</ul>")
    return "\n\n".join(parts) + "\n"


def _date(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}"


def _row(fh, **attrs) -> None:
    fh.write("  <row " + " ".join(f"{k}={quoteattr(str(v), {chr(10): '&#xA;'})}"
                                  for k, v in attrs.items() if v is not None) + " />\n")


def _open(path: Path, root: str):
    fh = open(path, "w", encoding="utf-8-sig")  # the byte-order mark real dumps carry
    fh.write(f'<?xml version="1.0" encoding="utf-8"?>\n<{root}>\n')
    return fh


def generate(out: Path, posts: int, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    n_users = max(10, posts // 10)
    with _open(out / "Users.xml", "users") as fh:
        for uid in range(1, n_users + 1):
            _row(fh, Id=uid, Reputation=1, CreationDate=_date(START + timedelta(minutes=uid)),
                 DisplayName=f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {uid}")
        fh.write("</users>\n")
    counts = {"questions": 0, "answers": 0, "votes": 0, "comments": 0}
    questions: list[int] = []
    owed: int | None = None  # a question whose accepted answer is the next post
    vote_id = comment_id = 0
    with _open(out / "Posts.xml", "posts") as fh, _open(out / "Votes.xml", "votes") as votes, \
            _open(out / "Comments.xml", "comments") as comments:
        for pid in range(1, posts + 1):
            when = START + timedelta(minutes=pid * 3)
            owner = rng.randint(1, n_users)
            score = rng.choice([0, 0, 0, 1, 1, 2, 3, 5, -1])
            if owed is None and (not questions or rng.random() < 0.4):
                accepted = rng.random() < 0.3
                questions.append(pid)
                _row(fh, Id=pid, PostTypeId=1, CreationDate=_date(when), Score=score,
                     ViewCount=rng.randint(10, 5000), Body=body(rng), OwnerUserId=owner,
                     LastActivityDate=_date(when + timedelta(hours=2)),
                     Title=_sentence(rng, rng.randint(5, 10)) + "?",
                     Tags="".join(f"<{t}>" for t in rng.sample(WORDS, rng.randint(1, 4))),
                     AnswerCount=0, CommentCount=0,
                     AcceptedAnswerId=pid + 1 if accepted else None)
                counts["questions"] += 1
                owed = pid if accepted else None
            else:
                parent = owed or (questions[-1] if rng.random() < 0.5 else rng.choice(questions[-200:]))
                owed = None
                _row(fh, Id=pid, PostTypeId=2, ParentId=parent, CreationDate=_date(when),
                     Score=score, Body=body(rng), OwnerUserId=owner,
                     LastActivityDate=_date(when), CommentCount=0)
                counts["answers"] += 1
            for _ in range(rng.choice([0, 1, 1, 2])):
                vote_id += 1
                _row(votes, Id=vote_id, PostId=pid, VoteTypeId=rng.choice([2, 2, 2, 3]),
                     UserId=rng.randint(1, n_users) if rng.random() < 0.2 else None,
                     CreationDate=_date(when.replace(hour=0, minute=0, second=0, microsecond=0)))
                counts["votes"] += 1
            if rng.random() < 0.4:
                comment_id += 1
                _row(comments, Id=comment_id, PostId=pid, Score=0, CreationDate=_date(when),
                     Text=f"{_sentence(rng, 12)}, see `{rng.choice(WORDS)}`.",
                     UserId=rng.randint(1, n_users))
                counts["comments"] += 1
        fh.write("</posts>\n")
        votes.write("</votes>\n")
        comments.write("</comments>\n")
    counts["users"] = n_users
    return counts


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--posts", type=int, default=100_000)
    args = parser.parse_args()
    print(generate(args.out, args.posts))
