"""POST /api/v1/uploads: what is taken, what is refused, and what comes back.

Every file is made in the test. What the type is comes from the bytes: names and
declared types are ignored. Refused uploads leave no row and no file."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

from PIL import ExifTags, Image
from sqlalchemy import func, select

from community.models import Upload
from tests.uploads.conftest import PDF, gif, jpeg, png, png_claiming

SCRIPT = "<script>alert(document.cookie)</script>"


def _rows(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Upload.id)))


def _stored_files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_STORAGE_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _refused(resp, db, app, field: str = "file") -> str:
    body = resp.get_json()
    assert field in body["error"]["fields"], body
    assert _rows(db) == 0 and _stored_files(app) == []
    return body["error"]["fields"][field][0]


def test_a_png_with_a_script_in_its_text_chunk_comes_back_without_it(
        app, db, member_client, send):
    original = png(text={"Comment": SCRIPT, "Author": "Ada at 48.85N 2.35E"})
    assert SCRIPT.encode() in original
    resp = send(member_client, original, "screenshot.png")
    assert resp.status_code == 201
    answer = resp.get_json()
    assert answer["markdown"] == f"![screenshot.png]({answer['url']})"
    served = member_client.get(answer["url"])
    assert served.headers["Content-Type"] == "image/png"
    assert b"script" not in served.data and b"48.85N" not in served.data
    with Image.open(io.BytesIO(served.data)) as img:
        assert img.format == "PNG" and img.size == (64, 48)
        assert not getattr(img, "text", {}) and "Comment" not in img.info
        assert img.getpixel((10, 10))[:3] == (200, 30, 30)  # the pixels survive


def test_a_photo_loses_its_exif_position_and_camera(app, db, member_client, send):
    original = jpeg(exif={ExifTags.Base.Make: "SpyCam", ExifTags.Base.Model: "GPS-9000"})
    assert b"SpyCam" in original
    served = member_client.get(send(member_client, original, "holiday.jpeg").get_json()["url"])
    assert served.headers["Content-Type"] == "image/jpeg" and b"SpyCam" not in served.data
    with Image.open(io.BytesIO(served.data)) as img:
        assert dict(img.getexif()) == {} and "exif" not in img.info


def test_a_gif_jpeg_polyglot_is_redrawn_so_nothing_of_the_original_survives(
        app, db, member_client, send):
    payload = b"<html><body><script>alert('polyglot')</script></body></html>"
    for data, name, kind in ((gif() + payload, "funny.gif", "image/png"),
                             (jpeg() + payload, "photo.html", "image/jpeg")):
        resp = send(member_client, data, name)
        assert resp.status_code == 201, resp.get_json()
        answer = resp.get_json()
        assert not answer["name"].endswith(".html")  # the name follows the content
        served = member_client.get(answer["url"])
        assert served.headers["Content-Type"] == kind
        assert b"polyglot" not in served.data and b"<html" not in served.data
        assert served.data != data[:len(served.data)]
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in served.headers["Content-Security-Policy"]


def test_an_svg_with_a_script_is_refused_whatever_it_is_called(app, db, member_client, send):
    svg = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
           b'<script>alert(1)</script></svg>')
    for name in ("logo.svg", "logo.txt", "logo.png"):
        resp = send(member_client, svg, name)
        assert resp.status_code == 422
        assert "cannot be attached" in _refused(resp, db, app)


def test_a_twenty_thousand_pixel_square_is_refused_without_being_decoded(
        app, db, member_client, send):
    bomb = png_claiming(20_000, 20_000)
    assert len(bomb) < 200  # decoded, it would take 1.2 GB
    tracemalloc.start()
    try:
        resp = send(member_client, bomb, "bomb.png")
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert resp.status_code == 422
    assert "too large" in _refused(resp, db, app)
    assert peak < 30 * 1024 * 1024
    # Below Pillow's own bomb limit but above ours: refused the same way.
    resp = send(member_client, png_claiming(8_000, 8_000), "big.png")
    assert resp.status_code == 422 and "50 million" in _refused(resp, db, app)


def test_a_text_file_renamed_as_an_image_is_refused(app, db, member_client, send):
    resp = send(member_client, b"just some words, not a picture\n", "cat.png")
    assert resp.status_code == 422
    assert "PNG, JPEG, GIF, WebP" in _refused(resp, db, app)
    resp = send(member_client, b"not a pdf at all", "report.pdf")
    assert resp.status_code == 422 and _refused(resp, db, app)


def test_a_pdf_is_served_as_an_attachment_with_nosniff(app, db, member_client, send):
    resp = send(member_client, PDF, "Quarterly report (final).pdf")
    assert resp.status_code == 201
    answer = resp.get_json()
    assert answer["name"] == "Quarterly-report-final.pdf"
    assert answer["markdown"] == f"[Quarterly-report-final.pdf]({answer['url']})"
    served = member_client.get(answer["url"])
    assert served.data == PDF  # other files are kept as sent
    assert served.headers["Content-Type"] == "application/pdf"
    assert served.headers["Content-Disposition"] == (
        'attachment; filename="Quarterly-report-final.pdf"')
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert served.headers["ETag"].strip('"') == db.session.get(Upload, answer["id"]).digest


def test_text_files_are_attachments_and_other_types_are_refused(app, db, member_client, send):
    resp = send(member_client, b"when,what\n2026-12-07,coffee\n", "beans.csv")
    assert resp.status_code == 201
    served = member_client.get(resp.get_json()["url"])
    assert served.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert served.headers["Content-Disposition"].startswith("attachment;")
    for data, name in ((b"MZ\x90\x00binary", "setup.exe"), (b"PK\x03\x04zip", "a.zip"),
                       (b"<html><script>x</script></html>", "page.html"),
                       (b"  <!DOCTYPE html><p>hi", "notes.txt"), (b"a\x00b", "nul.txt")):
        before = _rows(db)
        resp = send(member_client, data, name)
        assert resp.status_code == 422, name
        assert "file" in resp.get_json()["error"]["fields"] and _rows(db) == before
    app.config["UPLOAD_TYPES"] = "pdf"  # as COMMUNITY_UPLOAD_TYPES=pdf would set it
    resp = send(member_client, b"a log line\n", "server.log")
    assert resp.status_code == 422 and "and pdf." in resp.get_json()["error"]["message"]


def test_large_images_are_scaled_down_and_get_a_thumbnail(app, db, member_client, send):
    app.config["UPLOAD_IMAGE_MAX_SIDE"] = 400
    resp = send(member_client, png(1600, 800), "wide.png")
    answer = resp.get_json()
    assert (answer["width"], answer["height"]) == (400, 200)
    thumb = member_client.get(answer["thumbnail_url"])
    assert thumb.headers["Content-Type"] == "image/webp"
    with Image.open(io.BytesIO(thumb.data)) as img:
        assert img.format == "WEBP" and max(img.size) == app.config["UPLOAD_THUMBNAIL_SIDE"]


def test_the_size_limit_answers_the_error_shape_and_stores_nothing(
        app, db, member_client, send):
    app.config["UPLOAD_MAX_MB"] = 1
    just_over = b"%PDF-1.4\n" + b"0" * (1024 * 1024)
    resp = send(member_client, just_over, "big.pdf")
    assert resp.status_code == 413
    error = resp.get_json()["error"]
    assert error["code"] == "payload_too_large" and "1 MB" in error["fields"]["file"][0]
    # Far over: refused before the body is parsed, still in the envelope.
    resp = send(member_client, b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024), "huge.pdf")
    assert resp.status_code == 413
    assert resp.get_json()["error"]["code"] == "payload_too_large"
    assert _rows(db) == 0 and _stored_files(app) == []


def test_the_daily_quota_counts_files_and_megabytes(app, db, member_client, send):
    app.config["UPLOAD_DAILY_COUNT"] = 2
    for n in range(2):
        assert send(member_client, png(), f"shot{n}.png").status_code == 201
    resp = send(member_client, png(), "one-too-many.png")
    assert resp.status_code == 429
    error = resp.get_json()["error"]
    assert error["code"] == "rate_limited" and "2 files" in error["message"]
    assert int(resp.headers["Retry-After"]) > 23 * 3600
    assert _rows(db) == 2
    app.config.update(UPLOAD_DAILY_COUNT=50, UPLOAD_DAILY_MB=0)
    resp = send(member_client, png(), "no-room.png")
    assert resp.status_code == 429 and _rows(db) == 2


def test_uploads_are_rate_limited_per_account(limited_app, make_user, send):
    from community.extensions import db as _db
    from community.services import accounts

    limited_app.config["UPLOAD_RATE_LIMIT"] = "2 per minute"
    with limited_app.app_context():
        user = make_user()
        token = accounts.issue_token(_db.session, user)
        _db.session.commit()
    client = limited_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    codes = [send(client, png(), f"s{n}.png", headers=headers).status_code for n in range(3)]
    assert codes == [201, 201, 429]
    with limited_app.app_context():
        assert _db.session.scalar(select(func.count(Upload.id))) == 2


def test_guests_cannot_upload_and_a_missing_file_is_named(app, db, client, member_client, send):
    resp = send(client, png(), "x.png")
    assert resp.status_code == 401 and _rows(db) == 0
    resp = member_client.post("/api/v1/uploads", data={"space": ""},
                              content_type="multipart/form-data")
    assert resp.status_code == 422 and "file" in resp.get_json()["error"]["fields"]
    resp = send(member_client, b"", "empty.txt")
    assert resp.status_code == 422 and _refused(resp, db, app) == "The file is empty."


def test_a_space_the_uploader_cannot_read_is_refused_like_a_missing_one(
        app, db, member_client, make_space, send):
    make_space(slug="back-office", visibility="staff")
    hidden = send(member_client, png(), "x.png", space="back-office").get_json()["error"]
    missing = send(member_client, png(), "x.png", space="no-such-space").get_json()["error"]
    assert hidden == missing and "space" in hidden["fields"]
    assert _rows(db) == 0
