"""The S3-compatible backend, against a real S3 server on loopback (moto's server mode):
the storage interface's round trip, an upload through the API served back from the
bucket, and a store that does not answer degrading uploads alone (503, nothing saved)."""

from __future__ import annotations

import boto3
import pytest
from sqlalchemy import func, select

from community import create_app, storage
from community.errors import Unavailable
from community.extensions import db as _db
from community.models import Upload
from community.services import accounts
from community.uploads import purge
from tests.uploads.conftest import PDF, png


@pytest.fixture
def s3_app(app, s3_bucket):
    """The test app's database and index, with uploads in the moto bucket."""
    keys = ("TESTING", "INSTANCE_PATH", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI",
            "SEARCH_INDEX_DIR", "PASSWORD_HASH_METHOD", "RATELIMIT_ENABLED")
    made = create_app({**{k: app.config[k] for k in keys}, **s3_bucket})
    yield made
    with made.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _objects(settings) -> list[str]:
    client = boto3.session.Session().client(
        "s3", endpoint_url=settings["UPLOAD_S3_ENDPOINT_URL"], region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing")
    found = client.list_objects_v2(Bucket=settings["UPLOAD_S3_BUCKET"]).get("Contents", [])
    client.close()
    return sorted(o["Key"] for o in found)


def test_the_s3_store_puts_gets_and_deletes(s3_bucket):
    store = storage.S3Storage(bucket=s3_bucket["UPLOAD_S3_BUCKET"],
                              endpoint_url=s3_bucket["UPLOAD_S3_ENDPOINT_URL"],
                              region="us-east-1", access_key_id="testing",
                              secret_access_key="testing", prefix="site-a/")
    store.put("uploads/abc/file", b"first")
    store.put("uploads/abc/file", b"second")  # a put replaces whole
    store.put("uploads/abc/thumb", b"small")
    assert store.get("uploads/abc/file") == b"second"
    assert _objects(s3_bucket) == ["site-a/uploads/abc/file", "site-a/uploads/abc/thumb"]
    assert store.get("uploads/missing/file") is None
    store.delete(["uploads/abc/file", "uploads/abc/thumb", "uploads/never/there"])
    assert store.get("uploads/abc/file") is None and _objects(s3_bucket) == []


def test_an_upload_through_the_api_is_stored_in_the_bucket_and_served_back(
        s3_app, s3_bucket, send):
    with s3_app.app_context():
        user = accounts.register_user(_db.session, username="s3user", password="x" * 12,
                                      email="s3@example.test")
        token = accounts.issue_token(_db.session, user)
        _db.session.commit()
    client = s3_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    picture = send(client, png(text={"Comment": "<script>x</script>"}), "shot.png",
                   headers=headers).get_json()
    document = send(client, PDF, "notes.pdf", headers=headers).get_json()
    assert _objects(s3_bucket) == sorted([f"uploads/{picture['id']}/file",
                                          f"uploads/{picture['id']}/thumb",
                                          f"uploads/{document['id']}/file"])
    served = client.get(picture["url"], headers=headers)
    assert served.status_code == 200 and served.data.startswith(b"\x89PNG")
    assert b"script" not in served.data
    assert client.get(picture["thumbnail_url"], headers=headers).data.startswith(b"RIFF")
    pdf = client.get(document["url"], headers=headers)
    assert pdf.data == PDF and pdf.headers["Content-Disposition"].startswith("attachment")
    # The purge deletes from the bucket too.
    s3_app.config["UPLOAD_ORPHAN_HOURS"] = -1
    with s3_app.app_context():
        assert purge.purge_orphans(_db.session) == 2
        _db.session.commit()
    assert _objects(s3_bucket) == []


def test_a_store_that_does_not_answer_is_a_503_and_saves_nothing(app, make_user, send):
    from socket import socket

    with socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    app.config.update(UPLOAD_STORAGE="s3", UPLOAD_S3_BUCKET="nowhere",
                      UPLOAD_S3_ENDPOINT_URL=f"http://127.0.0.1:{port}",
                      UPLOAD_S3_REGION="us-east-1", UPLOAD_S3_ACCESS_KEY_ID="k",
                      UPLOAD_S3_SECRET_ACCESS_KEY="s", UPLOAD_S3_TIMEOUT=0.5)
    app.extensions.pop("community_upload_storage", None)
    with app.app_context():
        user = make_user()
        token = accounts.issue_token(_db.session, user)
        _db.session.commit()
    resp = send(app.test_client(), png(), "x.png", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 503
    assert resp.get_json()["error"]["code"] == "unavailable"
    with app.app_context():
        assert _db.session.scalar(select(func.count(Upload.id))) == 0
        with pytest.raises(Unavailable):
            storage.uploads().get("uploads/x/file")
