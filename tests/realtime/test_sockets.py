"""Socket.IO against a real server process, with python-socketio's real client."""

from __future__ import annotations

import itertools
import re
import threading
import time
from pathlib import Path

import pytest
import requests
import socketio
import websocket
from live_server import PASSWORD, World, wait_for


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    world = World(tmp_path_factory.mktemp("realtime"))
    world.space("coffee")
    world.space("club", "members")
    world.space("internal", "staff")
    world.asker = world.user("asker")
    world.answerer = world.user("answerer")
    world.member = world.user("member_m")
    world.employee = world.user("employee_e", "employee")
    world.sentinel = world.user("sentinel_s")  # posts only in its own thread: notifies nobody
    world.start()
    yield world
    world.close()


@pytest.fixture(autouse=True)
def _drop_sockets(live):
    yield
    live.drop_clients()


REWARDS = ("badge_awarded", "level_up")  # gamification's verbs, not under test here


def notifications(received, verb=None):
    return [d for kind, _t, d in received if kind == "notification"
            and (d["verb"] == verb if verb else d["verb"] not in REWARDS)]


_sentinels = itertools.count(1)


def watch_sentinel(live, *clients) -> int:
    """Clients watch a public thread whose posts serve as a barrier (see ``barrier``);
    its author posting in it notifies nobody, so only ``thread_activity`` arrives."""
    thread_id = live.thread(live.sentinel, "coffee", f"Sentinel thread number {next(_sentinels)}")
    for client in clients:
        assert client.call("watch_thread", {"thread_id": thread_id}, timeout=5) == {"ok": True}
    return thread_id


def barrier(live, sentinel_id: int, *received_lists) -> None:
    """Post in the sentinel thread and wait until every client has heard it. Pushes leave
    in commit order after each request commits, so a push that the earlier request
    caused would have arrived before this one: after the barrier, "nothing" is final."""
    post_id = live.api(live.sentinel, "POST", f"/threads/{sentinel_id}/posts",
                       json={"body": "Sentinel: everything before me has been delivered."}
                       ).json()["id"]
    marker = {"thread_id": sentinel_id, "event": "post_created", "post_id": post_id}
    for received in received_lists:
        assert wait_for(lambda r=received: ("thread_activity", marker) in
                        [(k, d) for k, _t, d in r], timeout=5), "the sentinel push never arrived"


def without_sentinel(received, sentinel_id: int) -> list:
    return [r for r in received if r[2].get("thread_id") != sentinel_id]


def test_a_notification_arrives_within_a_second_of_the_answer(live):
    thread_id = live.thread(live.asker, "coffee", "Why does my espresso taste sour?")
    _client, received = live.socket(token=live.asker["token"])
    started = time.time()
    resp = live.api(live.answerer, "POST", f"/threads/{thread_id}/posts",
                    json={"body": "Grind finer and use water at 93 degrees."})
    assert resp.status_code == 201
    assert wait_for(lambda: notifications(received, "answer_posted"), timeout=1.0)
    kind, at, payload = next(r for r in received if r[2].get("verb") == "answer_posted")
    assert at - started < 1.0
    assert set(payload) == {"id", "verb", "text", "url", "thread_id", "created_at", "unread"}
    assert payload["thread_id"] == thread_id
    assert payload["url"] == f"/threads/{thread_id}#post-{resp.json()['id']}"
    assert payload["text"] == "answerer answered “Why does my espresso taste sour?”"
    unread = live.api(live.asker, "GET", "/me").json()["unread_notifications"]
    assert payload["unread"] == unread


def test_the_actor_and_other_users_get_nothing(live):
    thread_id = live.thread(live.asker, "coffee", "Which milk froths best for latte art?")
    c1, answerer_got = live.socket(token=live.answerer["token"])
    c2, member_got = live.socket(token=live.member["token"])
    _c3, asker_got = live.socket(token=live.asker["token"])
    sentinel = watch_sentinel(live, c1, c2)
    resp = live.api(live.answerer, "POST", f"/threads/{thread_id}/posts", json={"body": "Whole milk, cold."})
    assert resp.status_code == 201
    assert wait_for(lambda: notifications(asker_got, "answer_posted"))  # the push went out
    barrier(live, sentinel, answerer_got, member_got)
    assert notifications(answerer_got) == [] and notifications(member_got) == []


def test_a_member_watching_a_staff_thread_is_refused_and_hears_nothing(live):
    thread_id = live.thread(live.employee, "internal", "Internal: pump supplier change")
    member, member_got = live.socket(token=live.member["token"])
    staff, staff_got = live.socket(token=live.employee["token"])
    assert member.call("watch_thread", {"thread_id": thread_id}, timeout=5) == {
        "ok": False, "error": "not_found"}
    assert member.call("watch_thread", {"thread_id": 987654}, timeout=5) == {
        "ok": False, "error": "not_found"}
    assert staff.call("watch_thread", {"thread_id": thread_id}, timeout=5) == {"ok": True}
    sentinel = watch_sentinel(live, member)
    other = live.user("employee_f", "employee")
    post = live.api(other, "POST", f"/threads/{thread_id}/posts", json={"body": "Noted, thanks."})
    assert post.status_code == 201
    assert wait_for(lambda: [r for r in staff_got if r[0] == "thread_activity"])
    activity = [d for k, _t, d in staff_got if k == "thread_activity"]
    assert activity == [{"thread_id": thread_id, "event": "post_created", "post_id": post.json()["id"]}]
    barrier(live, sentinel, member_got)
    assert [r for r in without_sentinel(member_got, sentinel) if r[0] == "thread_activity"] == []
    assert notifications(member_got) == []


def test_mentions_of_people_who_cannot_read_the_thread_notify_nobody(live):
    thread_id = live.thread(live.employee, "internal", "Internal: who owns the grinder bug?")
    client, member_got = live.socket(token=live.member["token"])
    sentinel = watch_sentinel(live, client)
    other = live.user("employee_g", "employee")
    resp = live.api(other, "POST", f"/threads/{thread_id}/posts",
                    json={"body": "Let us ask @member_m and @employee_e about it."})
    assert resp.status_code == 201
    barrier(live, sentinel, member_got)
    assert notifications(member_got) == []
    assert live.api(live.member, "GET", "/notifications").json()["total"] == 0
    mentioned = [i["verb"] for i in live.api(live.employee, "GET", "/notifications").json()["items"]]
    assert "mentioned" in mentioned


def test_bad_expired_or_revoked_tokens_are_refused_at_connect(live):
    revoked = live.user("revoked_r")
    assert live.api(revoked, "DELETE", "/auth/token").status_code == 204
    attempts = [dict(auth=a) for a in ({"token": "not-a-token"}, {"token": 42},
                                       {"token": "x" * 5000}, "token", [1])]
    attempts += [dict(token=revoked["token"]), dict(headers={"Authorization": "Bearer wrong"})]
    outcomes = [None] * len(attempts)

    def attempt(i):
        try:
            live.socket(**attempts[i])
            outcomes[i] = "connected"
        except socketio.exceptions.ConnectionError:
            outcomes[i] = "refused"

    # Each refusal waits for the socket close; try them side by side.
    workers = [threading.Thread(target=attempt, args=(i,)) for i in range(len(attempts))]
    for w in workers:
        w.start()
    for w in workers:
        w.join(20)
    assert outcomes == ["refused"] * len(attempts)


def test_a_guest_may_watch_a_public_thread_but_not_a_members_one(live):
    public_id = live.thread(live.asker, "coffee", "Is a moka pot espresso?")
    members_id = live.thread(live.asker, "club", "Club meeting about roasting")
    guest, guest_got = live.socket()
    assert guest.call("watch_thread", {"thread_id": members_id}, timeout=5)["ok"] is False
    assert guest.call("watch_thread", {"thread_id": public_id}, timeout=5) == {"ok": True}
    sentinel = watch_sentinel(live, guest)
    live.api(live.answerer, "POST", f"/threads/{members_id}/posts", json={"body": "I will come."})
    post = live.api(live.answerer, "POST", f"/threads/{public_id}/posts", json={"body": "Not quite."})
    barrier(live, sentinel, guest_got)
    assert [d for _k, _t, d in without_sentinel(guest_got, sentinel)] == [
        {"thread_id": public_id, "event": "post_created", "post_id": post.json()["id"]}]
    assert guest.call("unwatch_thread", {"thread_id": public_id}, timeout=5) == {"ok": True}


def test_accepting_an_answer_reaches_the_thread_watchers_and_the_answerer(live):
    thread_id = live.thread(live.asker, "coffee", "How long should I rest roasted beans?")
    post = live.api(live.answerer, "POST", f"/threads/{thread_id}/posts",
                    json={"body": "A week for espresso."}).json()
    watcher, watcher_got = live.socket(token=live.member["token"])
    watcher.call("watch_thread", {"thread_id": thread_id}, timeout=5)
    _a, answerer_got = live.socket(token=live.answerer["token"])
    assert live.api(live.asker, "POST", f"/threads/{thread_id}/accept",
                    json={"post_id": post["id"]}).status_code == 200
    assert wait_for(lambda: notifications(answerer_got, "answer_accepted"))
    assert wait_for(lambda: [d for k, _t, d in watcher_got if k == "thread_activity"]) == [
        {"thread_id": thread_id, "event": "post_accepted", "post_id": post["id"]}]


MALFORMED = [None, "abc", 12, [1, 2], {"thread_id": "1"}, {"thread_id": True}, {"thread_id": -5},
             {"thread_id": 2**70}, {"thread_id": 1.5}, {"nope": 1}, {"thread_id": "x" * 500_000}]


def test_malformed_events_get_an_error_ack(live):
    client, _got = live.socket(token=live.member["token"])
    for payload in MALFORMED:
        ack = client.call("watch_thread", payload, timeout=5) if payload is not None else \
            client.call("watch_thread", timeout=5)
        assert ack == {"ok": False, "error": "bad_request"}, payload
        assert client.connected
    assert client.call("unwatch_thread", "junk", timeout=5) == {"ok": False, "error": "bad_request"}


def test_huge_or_junk_frames_never_affect_other_clients(live):
    thread_id = live.thread(live.asker, "coffee", "Does water hardness matter for espresso?")
    _good, good_got = live.socket(token=live.asker["token"])
    bad, _ = live.socket(token=live.member["token"])
    try:
        bad.emit("watch_thread", {"thread_id": "y" * 2_000_000})  # over the 1 MB limit
        bad.emit("join_room", {"room": f"user:{live.asker['id']}"})  # no such handler
        bad.emit("unknown_event", None)
    except Exception:
        pass
    settled(bad)
    live.api(live.answerer, "POST", f"/threads/{thread_id}/posts", json={"body": "Yes, a lot."})
    assert wait_for(lambda: notifications(good_got, "answer_posted"))
    assert live.servers[0].alive()
    assert requests.get(live.servers[0].url + "/api/v1/spaces", timeout=5).status_code == 200


def settled(client) -> None:
    """Wait until the server has read every frame the client sent: frames are read in
    order, so an ack to a later call proves it; a server that closed the socket instead
    has read them too."""
    try:
        client.call("unwatch_thread", {"thread_id": 1}, timeout=5)
    except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError):
        assert wait_for(lambda: not client.connected, timeout=5)


def test_nobody_can_join_another_users_room(live):
    thread_id = live.thread(live.asker, "coffee", "Best kettle for pour-over coffee?")
    snoop, snoop_got = live.socket(token=live.member["token"])
    snoop.emit("join", {"room": f"user:{live.asker['id']}"})
    snoop.emit("join_room", f"user:{live.asker['id']}")
    assert snoop.call("watch_thread", {"thread_id": thread_id, "room": "user:1"}, timeout=5) == {"ok": True}
    sentinel = watch_sentinel(live, snoop)
    _asker, asker_got = live.socket(token=live.asker["token"])
    live.api(live.answerer, "POST", f"/threads/{thread_id}/posts", json={"body": "A gooseneck one."})
    assert wait_for(lambda: notifications(asker_got, "answer_posted"))  # the push went out
    barrier(live, sentinel, snoop_got)
    assert [k for k, _t, d in snoop_got if d.get("thread_id") == thread_id] == ["thread_activity"]
    assert notifications(snoop_got) == []


def browser_login(live, username: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(live.servers[0].url + "/login", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # the form's own
    resp = browser.post(live.servers[0].url + "/login", timeout=10, allow_redirects=False,
                        data={"login": username, "password": PASSWORD, "csrf_token": token})
    assert resp.status_code in (302, 303), resp.text[:300]
    return browser


def cookie_header(browser: requests.Session) -> dict:
    return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in browser.cookies)}


def test_a_session_cookie_socket_is_disconnected_on_logout_and_refused_after(live):
    browser = browser_login(live, "asker")
    client, received = live.socket(headers=cookie_header(browser))
    thread_id = live.thread(live.asker, "coffee", "Can I use a French press for cold brew?")
    live.api(live.answerer, "POST", f"/threads/{thread_id}/posts", json={"body": "Yes, 12 hours."})
    assert wait_for(lambda: notifications(received, "answer_posted"))
    old_cookie = cookie_header(browser)
    page = browser.get(live.servers[0].url + "/", timeout=10).text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    browser.post(live.servers[0].url + "/logout", data={"csrf_token": token}, timeout=10)
    assert wait_for(lambda: not client.connected, timeout=3)
    with pytest.raises(socketio.exceptions.ConnectionError):
        live.socket(headers=old_cookie)  # the replayed cookie names a revoked session


def test_revoking_a_token_disconnects_its_sockets(live):
    who = live.user("short_lived")
    client, _ = live.socket(token=who["token"])
    assert live.api(who, "DELETE", "/auth/token").status_code == 204
    assert wait_for(lambda: not client.connected, timeout=3)


def test_missed_notifications_are_fetched_over_http_after_a_drop(live):
    thread_id = live.thread(live.asker, "coffee", "Why does my grinder clump?")
    client, received = live.socket(token=live.asker["token"])
    client.disconnect()
    live.api(live.answerer, "POST", f"/threads/{thread_id}/posts", json={"body": "Try RDT."})
    client2, received2 = live.socket(token=live.asker["token"])
    items = live.api(live.asker, "GET", "/notifications?unread=1").json()["items"]
    assert any(i["verb"] == "answer_posted" and i["thread_id"] == thread_id for i in items)
    assert notifications(received) == []


def _raw_socket(live, token):
    """A bare Engine.IO websocket, signed in: what a hostile client would open."""
    ws = websocket.create_connection(
        live.servers[0].url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket",
        timeout=10)
    assert ws.recv().startswith("0{")
    ws.send('40{"token":"' + token + '"}')
    assert ws.recv().startswith("40{")
    return ws


MALFORMED_FRAMES = ['42["watch_thread",', "42{bad", "4x", "45-[", '452-["a"]', "46", "4",
                    "42" + "[" * 100_000, '42["watch_thread",{"thread_id":1}']


def test_malformed_frames_are_one_line_each_in_the_log_and_the_socket_goes_on(live):
    log = Path(live.servers[0].log)
    before = log.stat().st_size
    ws = _raw_socket(live, live.member["token"])
    try:
        for frame in MALFORMED_FRAMES:
            ws.send(frame)
        ws.send_binary(b"\x04\xff\xfe")
        ws.send('421["unwatch_thread",{"thread_id":1}]')
        reply = ws.recv()  # the server still answers this connection
        assert reply == '431[{"ok":true}]', reply
    finally:
        ws.close()
    written = wait_for(lambda: log.read_bytes()[before:].decode("utf-8", "replace").count(
        "malformed frame") >= 4, timeout=5)
    assert written
    added = log.read_bytes()[before:].decode("utf-8", "replace")
    assert "Traceback" not in added, added[-3000:]


def test_a_socket_that_floods_the_server_is_disconnected_and_others_carry_on(live):
    thread_id = live.thread(live.asker, "coffee", "Does a flood of frames hurt other readers?")
    _good, good_got = live.socket(token=live.asker["token"])
    ws = _raw_socket(live, live.member["token"])
    try:
        for _ in range(2000):
            ws.send('42["unwatch_thread",{"thread_id":1}]')
        while ws.recv():  # acks, until the server closes (a timeout here fails the test)
            pass
    except (websocket.WebSocketConnectionClosedException, ConnectionError):
        pass
    assert "frames a second: disconnected" in Path(live.servers[0].log).read_text()
    live.api(live.answerer, "POST", f"/threads/{thread_id}/posts",
             json={"body": "No: the flooder alone is cut off."})
    assert wait_for(lambda: notifications(good_got, "answer_posted"))
