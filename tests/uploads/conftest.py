"""Upload fixtures: files made in the test (real PNG, JPEG, GIF, PDF bytes), a helper
that posts them through the API, and a real S3-compatible server (moto) on loopback."""

from __future__ import annotations

import io
import socket
import struct
import zlib

import pytest
from PIL import Image, PngImagePlugin
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart


def png(width: int = 64, height: int = 48, *, text: dict | None = None,
        color=(200, 30, 30)) -> bytes:
    info = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def jpeg(width: int = 64, height: int = 48, *, exif: dict | None = None) -> bytes:
    img = Image.new("RGB", (width, height), (30, 120, 200))
    tags = img.getexif()
    for key, value in (exif or {}).items():
        tags[key] = value
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", exif=tags.tobytes(), quality=90)
    return buffer.getvalue()


def gif(width: int = 32, height: int = 32) -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (width, height), 3).save(buffer, "GIF")
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png_claiming(width: int, height: int) -> bytes:
    """A valid PNG header declaring ``width`` x ``height`` with a few bytes of data: a
    decompression bomb's shape, tiny on disk; decoding it would need width*height*3 bytes."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(b"\0" * 64)) + _chunk(b"IEND", b""))


PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
       b"trailer << /Root 1 0 R >>\n%%EOF\n")


@pytest.fixture(autouse=True)
def _fresh_contexts(fresh_context_per_request):
    """Every request here runs in its own app context (tests/conftest.py)."""


@pytest.fixture
def drain(app):
    """Run the search indexer until its outbox is empty."""
    from community.search.outbox import drain_outbox

    def run() -> None:
        while drain_outbox(app):
            pass

    return run


@pytest.fixture
def send():
    """POST /api/v1/uploads as ``client`` with ``data`` named ``name``."""

    def run(client, data: bytes, name: str, *, space: str | None = None, **kwargs):
        form = {"file": FileStorage(io.BytesIO(data), filename=name)}
        if space is not None:
            form["space"] = space
        # Encoded in memory: the test client would spool a large body to a temporary
        # file it never closes.
        boundary, body = encode_multipart(form)
        return client.post("/api/v1/uploads", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}", **kwargs)

    return run


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server on loopback, for the whole session; its address."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(s3_server):
    """A fresh bucket on the moto server, and the settings that point uploads at it."""
    import secrets

    import boto3

    name = f"uploads-{secrets.token_hex(4)}"
    settings = {"UPLOAD_STORAGE": "s3", "UPLOAD_S3_BUCKET": name,
                "UPLOAD_S3_ENDPOINT_URL": s3_server, "UPLOAD_S3_REGION": "us-east-1",
                "UPLOAD_S3_ACCESS_KEY_ID": "testing", "UPLOAD_S3_SECRET_ACCESS_KEY": "testing"}
    client = boto3.session.Session().client(
        "s3", endpoint_url=s3_server, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_bucket(Bucket=name)
    yield settings
    client.close()
