"""The watched-words import refuses a file that is not CSV text with a 422 naming the
file, imports nothing from it, and never answers a 500."""

from __future__ import annotations

import gzip
import io
import random
import struct
import zlib

import pytest

from community.errors import ValidationFailed
from community.moderation import words


def png_image() -> bytes:
    """A real 1×1 PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


NOT_CSV = {
    "an image": png_image(),
    "random bytes": random.Random(22).randbytes(4096),
    "a gzip archive": gzip.compress(b"spam,block\n" * 200),
    "invalid UTF-8": b"spam,block\nmerde,censor,m***\ncaf\xe9,block\n",
    "a NUL byte": b"spam,block\nfoo\x00bar,block\n",
    "a huge line": b"spam,block\n" + b"a" * 200_000 + b",block\n",
    "a quoted field that never ends": b'spam,block\n"' + b"long line\n" * 20_000,
}


@pytest.fixture
def admin_browser(app, make_user, login, fresh_context_per_request):
    return login(app.test_client(), make_user(role="admin"))


def upload(client, data: bytes, name: str = "words.csv"):
    token = client.get("/csrf-token").get_json()["csrf_token"]
    return client.post("/moderation/words", data={"csrf_token": token,
                                                  "csv": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("kind", NOT_CSV)
def test_a_file_that_is_not_csv_is_a_422_naming_the_file_and_imports_nothing(
        kind, db, admin_browser):
    resp = upload(admin_browser, NOT_CSV[kind], "words.png" if kind == "an image" else "words.csv")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422, page[:300]
    assert "CSV file" in page and "Traceback" not in page
    db.session.commit()
    assert words.all_words(db.session) == []
    # A good file right after is imported: nothing was left half done.
    good = upload(admin_browser, b"word,action,replacement\nspam,block,\n")
    assert good.status_code == 303
    db.session.commit()
    assert [w.word for w in words.all_words(db.session)] == ["spam"]


@pytest.mark.parametrize("kind", NOT_CSV)
def test_the_import_service_names_the_csv_field(kind, app, db, make_user):
    admin = make_user(role="admin")
    with app.test_request_context(), pytest.raises(ValidationFailed) as refused:
        words.import_csv(db.session, NOT_CSV[kind], by_id=admin.id)
    assert set(refused.value.fields) == {"csv"}
    db.session.rollback()
    assert words.all_words(db.session) == []


def test_pasted_text_with_control_characters_is_refused_too(db, admin_browser):
    token = admin_browser.get("/csrf-token").get_json()["csrf_token"]
    resp = admin_browser.post("/moderation/words", data={"csrf_token": token,
                                                         "csv_text": "spam,block\n\x1b[2J,block\n"})
    assert resp.status_code == 422 and "CSV file" in resp.get_data(as_text=True)
    db.session.commit()
    assert words.all_words(db.session) == []
