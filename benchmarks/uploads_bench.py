"""Uploads: a 5 MB image through POST /api/v1/uploads, processed (target under 1 s).

The whole request through the Flask test client as a signed-in member (bearer token):
multipart parsing, the type found from the bytes, the pixel check, the decode, the
scale-down to UPLOAD_IMAGE_MAX_SIDE, the redraw without metadata, the thumbnail, the
write to the instance folder and the row. Two files just over 5 MB, both noise over a
gradient (which compresses worse than photos or screenshots, so the files are as large
in pixels as 5 MB gets): a JPEG of about 2,800 px wide, scaled down to 2,048, and a PNG.

    python -m benchmarks.uploads_bench [--runs 7] [--no-record]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.record import record  # noqa: E402

TARGET_S = 1.0
MB = 1024 * 1024


def _picture(fmt: str, target_bytes: int) -> bytes:
    """A picture of ``fmt`` just over ``target_bytes``: noise over a gradient, grown until
    its file is big enough (photos and screenshots compress better than this)."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(7)
    width = 1200
    while True:
        height = width * 3 // 4
        ramp = np.linspace(0, 200, width, dtype=np.float32)[None, :, None]
        noise = rng.normal(0, 40, (height, width, 3)).astype(np.float32)
        pixels = np.clip(ramp + noise + 30, 0, 255).astype(np.uint8)
        buffer = io.BytesIO()
        options = {"quality": 95} if fmt == "JPEG" else {"compress_level": 1}
        Image.fromarray(pixels, "RGB").save(buffer, fmt, **options)
        if buffer.tell() >= target_bytes:
            return buffer.getvalue()
        width = int(width * 1.15)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-record", action="store_true", help="print, do not record")
    args = parser.parse_args(argv)

    from PIL import Image
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    from community import create_app
    from community.extensions import db
    from community.services import accounts

    tmp = Path(tempfile.mkdtemp(prefix="uploads-bench-"))
    app = create_app({"INSTANCE_PATH": str(tmp), "SECRET_KEY": "bench",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.db'}",
                      "SEARCH_INDEX_DIR": str(tmp / "index"), "RATELIMIT_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      "UPLOAD_DAILY_COUNT": 10_000, "UPLOAD_DAILY_MB": 100_000})
    with app.app_context():
        db.create_all()
        user = accounts.register_user(db.session, username="bench", email="b@example.test",
                                      password="correct-horse-battery")
        token = accounts.issue_token(db.session, user)
        db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    results: dict[str, dict] = {}
    worst = 0.0
    for fmt, name in (("JPEG", "photo.jpg"), ("PNG", "screenshot.png")):
        data = _picture(fmt, 5 * MB)
        with Image.open(io.BytesIO(data)) as img:
            size = img.size
        boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), filename=name)})
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            resp = client.post("/api/v1/uploads", data=body, headers=headers,
                               content_type=f"multipart/form-data; boundary={boundary}")
            times.append(time.perf_counter() - t0)
            assert resp.status_code == 201, resp.get_json()
        answer = resp.get_json()
        median = statistics.median(times)
        worst = max(worst, median)
        results[f"5 MB {fmt} ({size[0]}x{size[1]})"] = {
            "file_mb": round(len(data) / MB, 2), "median_s": round(median, 3),
            "max_s": round(max(times), 3), "stored_mb": round(answer["size"] / MB, 2),
            "stored_px": f"{answer['width']}x{answer['height']}", "target_s": TARGET_S}
        print(f"{fmt}: {len(data) / MB:.2f} MB {size[0]}x{size[1]} -> "
              f"{answer['width']}x{answer['height']}, {answer['size'] / MB:.2f} MB stored; "
              f"median {median * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
              f"over {args.runs} uploads (target < {TARGET_S:.0f} s)")
    if not args.no_record:
        record("Uploads", results, command=f"python -m benchmarks.uploads_bench --runs {args.runs}",
               note="POST /api/v1/uploads through the test client, instance folder storage, "
                    "SQLite file; median of the runs. Target: a 5 MB image processed in under 1 s.")
    return 0 if worst < TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
