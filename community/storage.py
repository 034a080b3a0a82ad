"""Where files the application keeps (avatars, uploads) live: one small interface,
``put``, ``get`` and ``delete``, over a folder or an S3-compatible object store.

Keys are relative paths made by the application (``avatars/12/ab34-64.webp``), never by
a user.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from .errors import Unavailable


class FolderStorage:
    def __init__(self, root: str):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"storage key outside the folder: {key!r}")
        return path

    def put(self, key: str, data: bytes) -> None:
        """Written whole or not at all: a crash never leaves half a file under ``key``."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, keys: list[str]) -> None:
        for key in keys:
            self._path(key).unlink(missing_ok=True)


def avatars() -> FolderStorage:
    return FolderStorage(current_app.config["AVATAR_STORAGE_DIR"])


class S3Storage:
    """An S3-compatible bucket (AWS, MinIO, Ceph, Garage…) through boto3, with connect and
    read timeouts and a single retry: a store that fails or hangs is a 503 for the
    request that needed it (``Unavailable``), never a request held for minutes."""

    def __init__(self, *, bucket: str, endpoint_url: str | None = None,
                 region: str | None = None, access_key_id: str | None = None,
                 secret_access_key: str | None = None, prefix: str = "",
                 timeout: float = 5.0):
        import boto3
        from botocore.config import Config

        self.bucket, self.prefix = bucket, prefix
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url, region_name=region,
            aws_access_key_id=access_key_id, aws_secret_access_key=secret_access_key,
            config=Config(connect_timeout=timeout, read_timeout=timeout,
                          retries={"max_attempts": 2, "mode": "standard"}))

    def _call(self, fn, **kwargs):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return fn(Bucket=self.bucket, **kwargs)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise Unavailable(_("File storage is unavailable: try again later.")) from exc
        except BotoCoreError as exc:
            raise Unavailable(_("File storage is unavailable: try again later.")) from exc

    def put(self, key: str, data: bytes) -> None:
        # An S3 PUT is atomic: readers see the old object or the whole new one.
        self._call(self.client.put_object, Key=self.prefix + key, Body=data)

    def get(self, key: str) -> bytes | None:
        found = self._call(self.client.get_object, Key=self.prefix + key)
        return None if found is None else found["Body"].read()

    def delete(self, keys: list[str]) -> None:
        for start in range(0, len(keys), 1000):  # DeleteObjects takes 1,000 keys at most
            batch = [{"Key": self.prefix + k} for k in keys[start:start + 1000]]
            if batch:
                self._call(self.client.delete_objects, Delete={"Objects": batch,
                                                               "Quiet": True})


def uploads() -> FolderStorage | S3Storage:
    """The store of uploaded files named by UPLOAD_STORAGE, one per app (a boto3 client
    is slow to make and safe to share between threads)."""
    app = current_app._get_current_object()
    store = app.extensions.get("community_upload_storage")
    if store is None:
        cfg = app.config
        if cfg["UPLOAD_STORAGE"] == "s3":
            store = S3Storage(bucket=cfg["UPLOAD_S3_BUCKET"],
                              endpoint_url=cfg["UPLOAD_S3_ENDPOINT_URL"],
                              region=cfg["UPLOAD_S3_REGION"],
                              access_key_id=cfg["UPLOAD_S3_ACCESS_KEY_ID"],
                              secret_access_key=cfg["UPLOAD_S3_SECRET_ACCESS_KEY"],
                              prefix=cfg["UPLOAD_S3_PREFIX"],
                              timeout=float(cfg["UPLOAD_S3_TIMEOUT"]))
        elif cfg["UPLOAD_STORAGE"] == "folder":
            store = FolderStorage(cfg["UPLOAD_STORAGE_DIR"])
        else:
            raise ValueError(f"UPLOAD_STORAGE must be 'folder' or 's3', not "
                             f"{cfg['UPLOAD_STORAGE']!r}")
        app.extensions["community_upload_storage"] = store
    return store
