"""An imported thread credits its source on its own page: the original question, the
licence it was published under, and its authors under their display names."""

from __future__ import annotations

import json
import re

from se_dump_rows import a, q
from sqlalchemy import select

from community.importer import import_dump
from community.models import Thread

QUIET = {"tty": False, "echo": lambda *a, **k: None}


def _page(client, thread, **headers) -> str:
    resp = client.get(f"/threads/{thread.id}", headers=headers)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_an_imported_thread_links_to_its_original_and_its_licence(
        db, write_dump, fresh_context_per_request, app, make_thread):
    folder = write_dump({
        "Users.xml": [{"Id": 1, "DisplayName": "Ada Asker", "CreationDate": "2014-12-01T08:00:00.000"},
                      {"Id": 2, "DisplayName": "Bea Answerer", "CreationDate": "2014-12-02T08:00:00.000"}],
        "Posts.xml": [q(1), a(2, 1),
                      q(5, title="Is green tea better cold?", owner=None, OwnerDisplayName="Old Timer",
                        created="2019-03-01T10:00:00.000")],
    })
    import_dump(db.session, folder, space_slug="tea", **QUIET)
    first, later = (db.session.scalar(select(Thread).where(Thread.external_id == f"tea.stackexchange.com:post:{n}"))
                    for n in (1, 5))
    client = app.test_client()

    html = _page(client, first)
    assert '<a href="https://tea.stackexchange.com/questions/1" rel="nofollow">' in html
    assert "Original question on tea.stackexchange.com" in html
    assert '<a rel="license" href="https://creativecommons.org/licenses/by-sa/3.0/">CC BY-SA 3.0</a>' in html
    assert "Ada Asker" in html and "Bea Answerer" in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1])
    assert data["mainEntity"]["author"]["name"] == "Ada Asker"
    assert data["mainEntity"]["suggestedAnswer"][0]["author"]["name"] == "Bea Answerer"

    # Written after Stack Exchange moved to 4.0, by a deleted user known by name alone.
    html = _page(client, later)
    assert "https://creativecommons.org/licenses/by-sa/4.0/" in html and "Old Timer" in html

    french = _page(client, first, **{"Accept-Language": "fr"})
    assert "Importé de Stack Exchange" in french
    assert "Question d’origine sur tea.stackexchange.com" in french and "Sous licence" in french

    local = make_thread(title="A question written here")
    assert "Stack Exchange" not in _page(client, local)
