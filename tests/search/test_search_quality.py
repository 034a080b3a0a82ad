"""Search quality on a real Stack Exchange dump (coffee): titles find their question."""

from __future__ import annotations

import html
import random
import re
import xml.etree.ElementTree as ET

import pytest
from searchbackends import BACKENDS

from community.demo import COFFEE_DUMP
from community.errors import ValidationFailed
from community.search import make_backend
from community.services import threads as thread_service

# The copy the project ships for its demo (the same file as shared/data's).
DUMP = COFFEE_DUMP / "Posts.xml"


def _text(body_html: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body_html)).split())


@pytest.fixture
def coffee(db, make_space, make_user, drain):
    space, author, answerer = make_space(slug="coffee"), make_user(), make_user()
    questions, answers = {}, []
    for row in ET.parse(DUMP).getroot():
        a = row.attrib
        if a.get("PostTypeId") == "1":
            questions[a["Id"]] = a
        elif a.get("PostTypeId") == "2":
            answers.append(a)
    made = {}
    for qid, a in questions.items():
        tags = re.findall(r"<([^>]+)>", a.get("Tags", ""))[:5]
        body = _text(a.get("Body", "")) or a["Title"]
        try:
            with db.session.begin_nested():
                t = thread_service.create_thread(db.session, space, by=author, kind="question",
                                                 title=a["Title"], body=body.ljust(20, "."),
                                                 tags=tags)
        except ValidationFailed:
            continue  # titles under 15 characters: the platform would not accept them
        made[qid] = t
    for a in answers:
        thread = made.get(a.get("ParentId"))
        if thread is not None:
            with db.session.begin_nested():
                thread_service.create_post(db.session, thread, by=answerer,
                                           body=_text(a.get("Body", "")).ljust(2, "."))
    db.session.commit()
    drain()
    return list(made.values())


def _rank(client, q: str, thread_id: int) -> int | None:
    resp = client.get("/api/v1/search", query_string={"q": q, "per_page": 20})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    got = [i["thread_id"] for i in resp.get_json()["items"]]
    return got.index(thread_id) if thread_id in got else None


def _measure(client, coffee) -> tuple[int, int, int]:
    rng = random.Random(1)
    first = top5 = tried5 = 0
    for thread in coffee:
        if _rank(client, thread.title, thread.id) == 0:
            first += 1
        words = thread.title.split()
        if len(words) >= 4:
            tried5 += 1
            for i in sorted(rng.sample(range(len(words)), 2), reverse=True):
                del words[i]
            rank = _rank(client, " ".join(words), thread.id)
            if rank is not None and rank < 5:
                top5 += 1
    return first, top5, tried5


def test_exact_titles_and_titles_missing_two_words_find_their_question(app, coffee, client, drain):
    """The same thresholds for every backend (see searchbackends), on the same data: one
    community built once, then each backend indexes it (a first drain builds its index)."""
    assert len(coffee) > 150
    for backend in BACKENDS:
        app.config.update(backend.values[0])
        app.extensions["search"] = make_backend(app)
        drain()
        first, top5, tried5 = _measure(client, coffee)
        name = backend.id
        print(f"{name}: exact title first: {first}/{len(coffee)}; "
              f"two words dropped, top 5: {top5}/{tried5}")
        assert first / len(coffee) >= 0.95, f"{name}: exact title first for {first}/{len(coffee)}"
        assert top5 / tried5 >= 0.85, f"{name}: two words dropped, top 5 for {top5}/{tried5}"
