"""Several server processes share pushes through a real Redis (COMMUNITY_SOCKETIO_MESSAGE_QUEUE).

Redis comes from COMMUNITY_TEST_REDIS_URL when set, else .ci/redis.sh starts one (and
installs Debian's redis-server if missing). Nothing is skipped: no Redis is a failure.
"""

from __future__ import annotations

import os
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
