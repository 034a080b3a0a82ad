"""PATCH /me (name, bio, time zone, language), POST /me/password, PUT /me/avatar."""

from __future__ import annotations

import io
import struct
import time
import zlib
from pathlib import Path

from api_helpers import assert_error
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from community.models import User

PASSWORD = "correct-horse-battery"
GPS_IFD = 0x8825


def picture(fmt: str, size=(300, 200), *, gps: bool = False) -> bytes:
    """A real image, with a GPS position and a camera name in its EXIF when asked."""
    img = Image.new("RGB", size, (200, 30, 40))
    img.paste((20, 40, 200), (size[0] // 2, 0, size[0], size[1]))
    buffer = io.BytesIO()
    kwargs = {}
    if gps:
        exif = Image.Exif()
        exif[0x0110] = "Secret Camera 3000"  # Model
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)})
        kwargs["exif"] = exif.tobytes()
    img.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def pixel_bomb() -> bytes:
    """A 200-byte PNG whose header claims 60,000 x 60,000 pixels."""
    data = bytearray(picture("PNG", (1, 1)))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", 60_000, 60_000)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def multipart(data: bytes, name: str, mimetype: str, field: str = "file") -> dict:
    """The request's body and type, encoded in memory: the test client would spool a
    large body to a temporary file it never closes."""
    boundary, body = encode_multipart(
        {field: FileStorage(io.BytesIO(data), filename=name, content_type=mimetype)})
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def upload(client, data: bytes, name: str = "me.png", mimetype: str = "image/png"):
    return client.put("/api/v1/me/avatar", **multipart(data, name, mimetype))


def stored_files(app) -> list[Path]:
    root = Path(app.config["AVATAR_STORAGE_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# ---- PATCH /me --------------------------------------------------------------------

def test_patch_me_changes_name_bio_timezone_and_language(member_client, db):
    resp = member_client.patch("/api/v1/me", json={
        "display_name": "  Ame\u0301lie Poulain ", "bio": "I roast **beans**.<script>alert(1)</script>",
        "timezone": "Europe/Paris", "locale": "fr"})
    assert resp.status_code == 200, resp.json
    assert resp.json["display_name"] == "Amélie Poulain"  # NFC, trimmed
    assert resp.json["timezone"] == "Europe/Paris" and resp.json["locale"] == "fr"
    assert "<strong>beans</strong>" in resp.json["bio_html"]
    assert "<script" not in resp.json["bio_html"]
    me = member_client.get("/api/v1/me").json
    assert (me["display_name"], me["timezone"], me["bio"], me["avatar_url"]) == (
        "Amélie Poulain", "Europe/Paris", "I roast **beans**.<script>alert(1)</script>", None)


def test_patch_me_refuses_bad_values_by_field_and_changes_nothing(member_client, db):
    user = member_client.user
    before = (user.display_name, user.timezone, user.bio)
    resp = member_client.patch("/api/v1/me", json={
        "display_name": "Eve\u202egnp", "timezone": "Mars/Olympus_Mons",
        "bio": "x" * 501, "locale": "de"})
    err = assert_error(resp, 422, "validation_error")
    assert set(err["fields"]) == {"display_name", "timezone", "bio", "locale"}
    assert "U+202E" in err["fields"]["display_name"][0]
    db.session.expire_all()
    fresh = db.session.get(User, user.id)
    assert (fresh.display_name, fresh.timezone, fresh.bio, fresh.locale) == (*before[:2], before[2], None)
    for empty in ("", "   ", "\t"):
        assert_error(member_client.patch("/api/v1/me", json={"display_name": empty}), 422,
                     field="display_name")


def test_a_null_timezone_goes_back_to_the_site_default(member_client):
    assert member_client.patch("/api/v1/me", json={"timezone": "Asia/Tokyo"}).json["timezone"] == "Asia/Tokyo"
    assert member_client.patch("/api/v1/me", json={"timezone": None}).json["timezone"] is None


# ---- POST /me/password ------------------------------------------------------------

def test_password_change_ends_the_other_tokens_and_sessions_but_not_this_one(
        app, db, make_user, client_for, login):
    user = make_user(username="pat")
    caller, other = client_for(user), client_for(user)
    browser = login(app.test_client(), user)
    assert browser.get("/settings").status_code == 200
    resp = caller.post("/api/v1/me/password",
                       json={"current_password": PASSWORD, "new_password": "a-new-long-secret"})
    assert resp.status_code == 204, resp.data
    assert caller.get("/api/v1/me").status_code == 200
    assert_error(other.get("/api/v1/me"), 401, "unauthorized")
    assert browser.get("/settings").status_code in (302, 303)  # back to the sign-in page
    fresh = app.test_client()
    assert fresh.post("/api/v1/auth/token", json={"login": "pat", "password": PASSWORD}).status_code == 401
    assert fresh.post("/api/v1/auth/token",
                      json={"login": "pat", "password": "a-new-long-secret"}).status_code == 200


def test_a_wrong_current_password_names_the_field_and_changes_nothing(app, db, make_user,
                                                                      client_for):
    user = make_user(username="wanda")
    caller, other = client_for(user), client_for(user)
    hash_before = user.password_hash
    resp = caller.post("/api/v1/me/password",
                       json={"current_password": "not-my-password", "new_password": "a-new-long-secret"})
    assert_error(resp, 422, "validation_error", field="current_password")
    weak = caller.post("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "short"})
    assert_error(weak, 422, "validation_error", field="new_password")
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == hash_before
    assert other.get("/api/v1/me").status_code == 200


def test_password_changes_are_rate_limited_per_account(limited_app, make_user, db):
    make_user(username="rita")
    client = limited_app.test_client()
    token = client.post("/api/v1/auth/token", json={"login": "rita", "password": PASSWORD}).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    statuses = [client.post("/api/v1/me/password", headers=headers,
                            json={"current_password": f"wrong-guess-{i}",
                                  "new_password": "a-new-long-secret"}).status_code
                for i in range(6)]
    assert statuses == [422] * 5 + [429]
    # Even the right password waits now: guessing cannot go faster than the limit.
    resp = client.post("/api/v1/me/password", headers=headers,
                       json={"current_password": PASSWORD, "new_password": "a-new-long-secret"})
    assert_error(resp, 429, "rate_limited")
    assert int(resp.headers["Retry-After"]) > 0


# ---- PUT /me/avatar ---------------------------------------------------------------

def test_png_jpeg_and_webp_avatars_are_reencoded_without_metadata(app, member_client, db):
    for fmt, mimetype in (("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")):
        original = picture(fmt, gps=True)
        with Image.open(io.BytesIO(original)) as img:
            assert img.getexif().get_ifd(GPS_IFD), fmt  # the upload really carries a position
        resp = upload(member_client, original, f"me.{fmt.lower()}", mimetype)
        assert resp.status_code == 200, resp.json
        url = resp.json["avatar_url"]
        assert member_client.get("/api/v1/me").json["avatar_url"] == url
        served = app.test_client().get(url)
        assert served.status_code == 200
        assert served.mimetype == "image/webp"
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        # The view's own headers, not the pages' (community/security.py adds none beside).
        assert served.headers.getlist("Content-Security-Policy") == ["default-src 'none'; sandbox"]
        assert served.headers.getlist("Cache-Control") == [
            "public, max-age=31536000, immutable"]
        with Image.open(io.BytesIO(served.data)) as img:
            assert img.format == "WEBP" and img.size == (256, 256)
            assert not img.getexif() and "exif" not in img.info and "icc_profile" not in img.info
            assert img.getpixel((10, 128))[:3] != img.getpixel((245, 128))[:3]  # centre-cropped, both halves
        assert b"Secret Camera" not in served.data
        # One set of renditions: the previous upload's files are gone.
        files = stored_files(app)
        assert len(files) == len(app.config["AVATAR_SIZES"]), files
        for path in files:
            assert b"Exif" not in path.read_bytes() and b"Secret Camera" not in path.read_bytes()


def test_the_old_address_stops_serving_once_replaced(app, member_client):
    first = upload(member_client, picture("PNG")).json["avatar_url"]
    second = upload(member_client, picture("JPEG"), "b.jpg", "image/jpeg").json["avatar_url"]
    assert first != second
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200


def _refused(app, db, member_client, resp, status: int, field: str | None = "file") -> None:
    assert_error(resp, status, field=field)
    assert stored_files(app) == []
    db.session.expire_all()
    assert db.session.get(User, member_client.user.id).avatar_version is None


def test_a_text_file_named_png_is_refused_and_nothing_is_stored(app, db, member_client):
    resp = upload(member_client, b"this is not a picture at all\n" * 10, "cat.png", "image/png")
    _refused(app, db, member_client, resp, 422)


def test_gif_and_svg_are_refused_whatever_their_declared_type(app, db, member_client):
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    _refused(app, db, member_client, upload(member_client, gif.getvalue(), "a.png"), 422)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    _refused(app, db, member_client, upload(member_client, svg, "a.png"), 422)


def test_an_oversized_file_is_refused_with_413(app, db, member_client):
    big = picture("PNG") + b"\0" * (5 * 1024 * 1024)
    _refused(app, db, member_client, upload(member_client, big), 413)
    huge = b"\0" * (11 * 1024 * 1024)  # past what is read at all: refused before parsing
    _refused(app, db, member_client, upload(member_client, huge), 413, field=None)


def test_a_pixel_bomb_is_refused_quickly(app, db, member_client):
    bomb = pixel_bomb()
    assert len(bomb) < 1000
    started = time.monotonic()
    resp = upload(member_client, bomb)
    assert time.monotonic() - started < 2
    _refused(app, db, member_client, resp, 422)


def test_a_missing_file_field_is_a_422(member_client):
    resp = member_client.put("/api/v1/me/avatar", data={"other": "x"},
                             content_type="multipart/form-data")
    assert_error(resp, 422, "validation_error", field="file")


def test_avatar_addresses_that_do_not_exist_are_404(app, member_client):
    url = upload(member_client, picture("PNG")).json["avatar_url"]
    base = url.rsplit("/", 1)[0]
    for bad in (f"{base}/100.webp", url.replace(url.split("/")[3], "ffffffff"),
                "/avatars/1/..%2F..%2Fsecret_key/64.webp"):
        resp = app.test_client().get(bad)
        assert resp.status_code == 404 and resp.mimetype != "image/webp", bad
        assert app.config["SECRET_KEY"].encode() not in resp.data
    assert app.test_client().get(url).mimetype == "image/webp"  # the real one is served
