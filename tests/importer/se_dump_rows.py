"""Rows of a hand-made dump: questions and answers with sensible defaults."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

ROOTS = {"Posts.xml": "posts", "Users.xml": "users", "Votes.xml": "votes",
         "Comments.xml": "comments", "Tags.xml": "tags", "PostLinks.xml": "postlinks",
         "Badges.xml": "badges"}


def dump_xml(name: str, rows: list[dict]) -> str:
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f"<{ROOTS[name]}>"]
    for row in rows:
        attrs = " ".join(f"{k}={quoteattr(str(v), {chr(10): '&#xA;'})}" for k, v in row.items())
        lines.append(f"  <row {attrs} />")
    lines.append(f"</{ROOTS[name]}>")
    return "\n".join(lines) + "\n"


def q(id, title="How hot should the water be?", body="<p>Question body here.</p>", owner=1,
      created="2015-01-27T20:09:32.720", **extra):
    row = {"Id": id, "PostTypeId": 1, "CreationDate": created, "Score": extra.pop("Score", 1),
           "ViewCount": 10, "Body": body, "Title": title, "Tags": "<water><temperature>",
           "LastActivityDate": extra.pop("LastActivityDate", created)}
    if owner is not None:
        row["OwnerUserId"] = owner
    row.update(extra)
    return row


def a(id, parent, body="<p>Answer body, helpful.</p>", owner=2,
      created="2015-01-28T10:00:00.000", **extra):
    row = {"Id": id, "PostTypeId": 2, "ParentId": parent, "CreationDate": created,
           "Score": extra.pop("Score", 2), "Body": body,
           "LastActivityDate": extra.pop("LastActivityDate", created)}
    if owner is not None:
        row["OwnerUserId"] = owner
    row.update(extra)
    return row
