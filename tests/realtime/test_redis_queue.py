"""Several server processes share pushes through a real Redis (COMMUNITY_SOCKETIO_MESSAGE_QUEUE).

Redis comes from COMMUNITY_TEST_REDIS_URL when set, else .ci/redis.sh starts one (and
installs Debian's redis-server if missing). Nothing is skipped: no Redis is a failure.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from live_server import ROOT, free_port, wait_for


@pytest.fixture(scope="module")
def redis_url():
    url = os.environ.get("COMMUNITY_TEST_REDIS_URL")
    if url:
        yield url
        return
    env = {**os.environ, "REDISTEST_PORT": str(free_port())}
    result = subprocess.run(["bash", str(ROOT / ".ci" / "redis.sh"), "start"], env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"could not start redis-server: {result.stderr[-2000:]}"
    yield result.stdout.strip().splitlines()[-1]
    subprocess.run(["bash", str(ROOT / ".ci" / "redis.sh"), "stop"], env=env, timeout=60)


def test_a_client_on_process_a_hears_about_a_request_to_process_b(world, redis_url):
    world.env["COMMUNITY_SOCKETIO_MESSAGE_QUEUE"] = redis_url
    world.space("coffee")
    asker, answerer = world.user("asker"), world.user("answerer")
    server_a, server_b = world.start(), world.start()
    thread_id = world.thread(asker, "coffee", "Does the queue carry this answer across?")
    watcher, watched = world.socket(token=world.user("watcher")["token"], server=server_a)
    assert watcher.call("watch_thread", {"thread_id": thread_id}, timeout=5) == {"ok": True}
    _client, received = world.socket(token=asker["token"], server=server_a)
    started = time.time()
    resp = world.api(answerer, "POST", f"/threads/{thread_id}/posts", server=server_b,
                     json={"body": "Yes: process B publishes, process A delivers."})
    assert resp.status_code == 201
    got = wait_for(lambda: [r for r in received if r[2].get("verb") == "answer_posted"], timeout=2)
    assert got, Path(server_b.log).read_text()[-2000:]
    assert got[0][1] - started < 1.0
    assert got[0][2]["thread_id"] == thread_id
    assert wait_for(lambda: [r for r in watched if r[0] == "thread_activity"], timeout=2)


def test_a_redis_outage_keeps_the_write_and_the_notification(world, redis_url):
    world.env["COMMUNITY_SOCKETIO_MESSAGE_QUEUE"] = "redis://127.0.0.1:1/0"  # nothing listens
    world.space("coffee")
    asker, answerer = world.user("asker"), world.user("answerer")
    world.start()
    thread_id = world.thread(asker, "coffee", "What happens when Redis is down?")
    resp = world.api(answerer, "POST", f"/threads/{thread_id}/posts",
                     json={"body": "The answer is saved and the push waits."})
    assert resp.status_code == 201
    items = world.api(asker, "GET", "/notifications?unread=1").json()["items"]
    assert [i["verb"] for i in items if i["thread_id"] == thread_id] == ["answer_posted"]


@pytest.fixture
def frozen_redis():
    """A Redis of this test's own, so freezing it (SIGSTOP) touches no other test."""
    port = free_port()
    env = {**os.environ, "REDISTEST_PORT": str(port),
           "REDISTEST_DIR": f"/tmp/continuum-redis-frozen-{port}"}
    result = subprocess.run(["bash", str(ROOT / ".ci" / "redis.sh"), "start"], env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"could not start redis-server: {result.stderr[-2000:]}"
    pid = int(Path(env["REDISTEST_DIR"], "redis.pid").read_text())
    yield result.stdout.strip().splitlines()[-1], pid
    os.kill(pid, signal.SIGCONT)
    subprocess.run(["bash", str(ROOT / ".ci" / "redis.sh"), "stop"], env=env, timeout=60)


def test_a_frozen_redis_stalls_no_write_and_the_pushes_follow_when_it_thaws(world, frozen_redis):
    """Redis accepts connections but never answers (SIGSTOP): every write on process B
    still answers at once, unrelated writes are not locked out, the notifications are
    stored, B's own sockets hear at once, and process A's once Redis answers again
    (each push once)."""
    url, pid = frozen_redis
    world.env["COMMUNITY_SOCKETIO_MESSAGE_QUEUE"] = url
    world.space("coffee")
    asker, answerer, other = world.user("asker"), world.user("answerer"), world.user("other")
    server_a, server_b = world.start(), world.start()
    thread_id = world.thread(asker, "coffee", "Does a frozen Redis hold my answer hostage?")
    _a, on_a = world.socket(token=asker["token"], server=server_a)
    _b, on_b = world.socket(token=asker["token"], server=server_b)

    def answer(text):
        started = time.monotonic()
        resp = world.api(answerer, "POST", f"/threads/{thread_id}/posts", server=server_b,
                         json={"body": text})
        assert resp.status_code == 201, resp.text
        return time.monotonic() - started

    def notes(received):
        return [r[2]["id"] for r in received if r[0] == "notification"]

    # What a write costs on this machine with Redis answering (a loaded CI core is slow).
    healthy = max(answer(f"A warm-up answer, number {i}.") for i in range(2))
    assert wait_for(lambda: len(notes(on_a)) == 2, timeout=10)
    on_a.clear()
    on_b.clear()
    os.kill(pid, signal.SIGSTOP)

    timings = []
    for i in range(3):
        timings.append(answer(f"Answer number {i}: the write does not wait for Redis."))
        started = time.monotonic()
        unrelated = world.api(other, "POST", "/threads", server=server_b, json={
            "space": "coffee", "kind": "question", "title": f"An unrelated question, number {i}",
            "body": "Enough words to make this a proper question body."})
        timings.append(time.monotonic() - started)
        assert unrelated.status_code == 201, unrelated.text
    assert max(timings) < healthy + 1.0, (healthy, timings)

    items = world.api(asker, "GET", "/notifications?unread=1", server=server_a).json()["items"]
    frozen_ids = sorted(i["id"] for i in items if i["thread_id"] == thread_id)[-3:]
    assert len(frozen_ids) == 3
    assert wait_for(lambda: sorted(notes(on_b)) == frozen_ids, timeout=5), on_b
    assert notes(on_a) == []  # A hears through Redis, which is asleep

    os.kill(pid, signal.SIGCONT)
    assert wait_for(lambda: sorted(notes(on_a)) == frozen_ids, timeout=20), (
        notes(on_a), Path(server_b.log).read_text()[-3000:])
    # A publication that timed out may still have reached Redis and run on waking: such
    # copies arrive before anything published later, so one more answer closes the check.
    answer("An answer after the thaw.")
    assert wait_for(lambda: len(notes(on_a)) == 4, timeout=10)
    assert sorted(notes(on_a))[:3] == frozen_ids and len(set(notes(on_a))) == 4
