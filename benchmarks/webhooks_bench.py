"""Webhook outbox: 10,000 events delivered to a local receiver (target ≥ 500 deliveries/s).

A receiver in its own process (HTTP/1.1 keep-alive, checks every signature, counts
distinct delivery ids) listens on loopback. One webhook subscribes to
``thread.created``; ``--events`` ThreadCreated events for real threads go through the
webhook's in-transaction subscriber (500 per transaction), then the worker's own pass
(``sender.send_due``) drains the outbox. Also measured: a thread page's latency
before and while the outbox drains in a background thread of the same process (as in
``community serve``).

    python -m benchmarks.webhooks_bench [--events 10000] [--no-record]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import multiprocessing
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.record import record  # noqa: E402

TARGET = 500.0
SECRET = "bench-secret-" + "x" * 32


def _receive(port_queue) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: set[str] = set()
    bad = [0]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            sig = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(sig, self.headers["X-Continuum-Signature"]):
                bad[0] += 1
            seen.add(self.headers["X-Continuum-Delivery"])
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):
            answer = f"{len(seen)} {bad[0]}".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_queue.put(server.server_address[1])
    server.serve_forever()


def _page_ms(client, path: str, n: int) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--no-record", action="store_true", help="print, do not record")
    args = parser.parse_args(argv)

    from sqlalchemy import func, select

    from community import create_app
    from community.events import ThreadCreated
    from community.extensions import db
    from community.models import WebhookDelivery
    from community.services import accounts, spaces, threads
    from community.webhooks import outbox, sender, service

    ports = multiprocessing.Queue()
    receiver = multiprocessing.Process(target=_receive, args=(ports,), daemon=True)
    receiver.start()
    port = ports.get(timeout=10)
    tmp = Path(tempfile.mkdtemp(prefix="webhooks-bench-"))
    app = create_app({"INSTANCE_PATH": str(tmp), "SECRET_KEY": "bench",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.db'}",
                      "SEARCH_INDEX_DIR": str(tmp / "index"), "RATELIMIT_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      "WEBHOOK_ALLOW_PRIVATE": True})
    results: dict[str, dict] = {}
    with app.app_context():
        db.create_all()
        admin = accounts.register_user(db.session, username="admin", email="a@example.test",
                                       password="correct-horse-battery", role="admin")
        space = spaces.create_space(db.session, slug="help", name="Help", visibility="public")
        made = [threads.create_thread(db.session, space, by=admin, kind="question",
                                      title=f"Benchmark question number {i}",
                                      body="A body long enough to be a real question.", tags=[])
                for i in range(20)]
        service.create(db.session, url=f"http://127.0.0.1:{port}/hook", events=["thread.created"],
                       by=admin, secret=SECRET)
        db.session.commit()
        ids = [t.id for t in made]
        page = f"/threads/{ids[0]}"
        db.session.execute(db.delete(WebhookDelivery))  # the setup's own deliveries
        db.session.commit()

        t0 = time.perf_counter()
        for start in range(0, args.events, 500):
            for i in range(start, min(start + 500, args.events)):
                # The webhook subscriber alone: the event's other subscribers (badges,
                # fan-out, search, analytics) are the cost of creating a thread, not of
                # its webhook.
                outbox.on_thread_created(db.session, ThreadCreated(
                    thread_id=ids[i % len(ids)], author_id=admin.id, kind="question"))
            db.session.commit()
        written = time.perf_counter() - t0
        queued = db.session.scalar(select(func.count(WebhookDelivery.id)))
        assert queued == args.events, queued
        results["outbox writes (the webhook subscriber alone)"] = {
            "events": args.events, "seconds": round(written, 2),
            "per_second": round(args.events / written)}

        db.session.commit()  # outside a request even a read holds the write lock
        client = app.test_client()
        quiet_ms = _page_ms(client, page, args.pages)
        sent = [0]

        def drain():
            with app.app_context():
                while (n := sender.send_due(db.session)):
                    sent[0] += n
                db.session.remove()

        t0 = time.perf_counter()
        worker = threading.Thread(target=drain)
        worker.start()
        busy_ms = _page_ms(client, page, args.pages)
        worker.join()
        drained = time.perf_counter() - t0
        db.session.commit()  # the pages' read transaction saw the queue before the drain
        delivered = db.session.scalar(select(func.count(WebhookDelivery.id)).where(
            WebhookDelivery.state == "delivered"))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/count", timeout=10) as resp:
            distinct, bad = map(int, resp.read().split())
        assert delivered == distinct == args.events and bad == 0, (delivered, distinct, bad)
        rate = args.events / drained
        results["outbox drain to a loopback receiver"] = {
            "events": args.events, "seconds": round(drained, 2), "per_second": round(rate),
            "target_per_second": TARGET}
        results["thread page median ms"] = {"quiet": quiet_ms, "while draining": busy_ms}
    receiver.terminate()
    print(f"{args.events:,} deliveries in {drained:.2f} s: {rate:,.0f}/s "
          f"(target ≥ {TARGET:.0f}/s); page median {quiet_ms} ms quiet, {busy_ms} ms draining")
    if not args.no_record:
        record("Webhooks", results,
               command=f"python -m benchmarks.webhooks_bench --events {args.events}",
               note="one webhook, receiver in its own process on loopback, SQLite file")
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
