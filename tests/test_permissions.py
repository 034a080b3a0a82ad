"""Who reads what: a guest, a member and an employee against public, members and staff
spaces, on every API surface. Unreadable content is a 404 with the very body of a
missing id, never a 403 (no existence oracle)."""

from __future__ import annotations

import pytest

READABLE = {
    "guest": {"public"},
    "member": {"public", "members"},
    "employee": {"public", "members", "staff"},
}
MISSING = 987654


def envelope(resp, status):
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True)[:300])
    body = resp.get_json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"])
    return body


@pytest.fixture
def world(make_user, make_space, make_thread, make_post, client_for, client):
    """One question with one answer in each kind of space, written by staff."""
    asker, answerer = make_user(role="employee"), make_user(role="moderator")
    spaces, threads, posts = {}, {}, {}
    for vis in ("public", "members", "staff"):
        spaces[vis] = make_space(slug=f"space-{vis}", visibility=vis)
        threads[vis] = make_thread(space=spaces[vis], author=asker, tags=["shared"])
        posts[vis] = make_post(thread=threads[vis], author=answerer)
    actors = {"guest": client, "member": client_for(make_user()),
              "employee": client_for(make_user(role="employee"))}
    return actors, spaces, threads, posts


CASES = [(actor, vis) for actor in READABLE for vis in ("public", "members", "staff")]


@pytest.mark.parametrize("actor,vis", CASES)
def test_thread_detail(world, actor, vis):
    actors, _spaces, threads, _posts = world
    api = actors[actor]
    resp = api.get(f"/api/v1/threads/{threads[vis].id}")
    if vis in READABLE[actor]:
        assert resp.status_code == 200 and resp.json["id"] == threads[vis].id
    else:
        assert envelope(resp, 404) == envelope(api.get(f"/api/v1/threads/{MISSING}"), 404)


@pytest.mark.parametrize("actor,vis", CASES)
def test_post_detail(world, actor, vis):
    actors, _spaces, _threads, posts = world
    api = actors[actor]
    resp = api.get(f"/api/v1/posts/{posts[vis].id}")
    if vis in READABLE[actor]:
        assert resp.status_code == 200 and resp.json["id"] == posts[vis].id
    else:
        assert envelope(resp, 404) == envelope(api.get(f"/api/v1/posts/{MISSING}"), 404)


@pytest.mark.parametrize("actor", list(READABLE))
def test_thread_list_and_its_total(world, actor):
    actors, _spaces, threads, _posts = world
    api = actors[actor]
    expected = {threads[v].id for v in READABLE[actor]}
    for query in ("", "?tag=shared", "?kind=question", "?status=answered", "?sort=votes",
                  "?per_page=1"):
        resp = api.get(f"/api/v1/threads{query}")
        assert resp.status_code == 200
        assert resp.json["total"] == len(expected), query
        assert {t["id"] for t in resp.json["items"]} <= expected, query


@pytest.mark.parametrize("actor,vis", CASES)
def test_thread_list_of_one_space(world, actor, vis):
    actors, spaces, threads, _posts = world
    api = actors[actor]
    resp = api.get(f"/api/v1/threads?space={spaces[vis].slug}")
    if vis in READABLE[actor]:
        assert resp.status_code == 200
        assert [t["id"] for t in resp.json["items"]] == [threads[vis].id]
        assert resp.json["total"] == 1
    else:
        assert envelope(resp, 404) == envelope(api.get("/api/v1/threads?space=no-such-space"), 404)


@pytest.mark.parametrize("actor", list(READABLE))
def test_spaces_list(world, actor):
    actors, _spaces, _threads, _posts = world
    items = actors[actor].get("/api/v1/spaces").json["items"]
    assert {s["visibility"] for s in items} == READABLE[actor]


@pytest.mark.parametrize("actor,vis", CASES)
def test_answering(world, actor, vis):
    actors, _spaces, threads, _posts = world
    api = actors[actor]
    resp = api.post(f"/api/v1/threads/{threads[vis].id}/posts", json={"body": "My answer here."})
    missing = api.post(f"/api/v1/threads/{MISSING}/posts", json={"body": "My answer here."})
    if actor == "guest":
        # Guests are asked to sign in, the same way whether the thread exists or not.
        assert envelope(resp, 401) == envelope(missing, 401)
    elif vis in READABLE[actor]:
        assert resp.status_code == 201
    else:
        assert envelope(resp, 404) == envelope(missing, 404)


@pytest.mark.parametrize("target", ["threads", "posts"])
@pytest.mark.parametrize("actor,vis", CASES)
def test_voting(world, actor, vis, target):
    actors, _spaces, threads, posts = world
    api = actors[actor]
    item = (threads if target == "threads" else posts)[vis]
    for method in ("put", "delete"):
        kwargs = {"json": {"value": 1}} if method == "put" else {}
        resp = getattr(api, method)(f"/api/v1/{target}/{item.id}/vote", **kwargs)
        missing = getattr(api, method)(f"/api/v1/{target}/{MISSING}/vote", **kwargs)
        if actor == "guest":
            assert envelope(resp, 401) == envelope(missing, 401)
        elif vis in READABLE[actor]:
            assert resp.status_code == 200
        else:
            assert envelope(resp, 404) == envelope(missing, 404)


@pytest.mark.parametrize("actor,vis", CASES)
def test_accepting(world, actor, vis):
    actors, _spaces, threads, posts = world
    api = actors[actor]
    body = {"post_id": posts[vis].id}
    for method in ("post", "delete"):
        kwargs = {"json": body} if method == "post" else {}
        resp = getattr(api, method)(f"/api/v1/threads/{threads[vis].id}/accept", **kwargs)
        missing = getattr(api, method)(f"/api/v1/threads/{MISSING}/accept", **kwargs)
        if actor == "guest":
            assert envelope(resp, 401) == envelope(missing, 401)
        elif vis in READABLE[actor]:
            envelope(resp, 403)  # readable, but only the asker or a moderator may accept
        else:
            assert envelope(resp, 404) == envelope(missing, 404)


@pytest.mark.parametrize("actor,vis", CASES)
def test_editing_and_status(world, actor, vis):
    actors, _spaces, threads, posts = world
    api = actors[actor]
    checks = [
        ("patch", f"/api/v1/threads/{threads[vis].id}", f"/api/v1/threads/{MISSING}",
         {"title": "A title long enough to pass"}),
        ("patch", f"/api/v1/posts/{posts[vis].id}", f"/api/v1/posts/{MISSING}",
         {"body": "An edited answer body"}),
        ("delete", f"/api/v1/posts/{posts[vis].id}", f"/api/v1/posts/{MISSING}", None),
        ("put", f"/api/v1/threads/{threads[vis].id}/status", f"/api/v1/threads/{MISSING}/status",
         {"status": "planned"}),
    ]
    for method, url, missing_url, body in checks:
        kwargs = {"json": body} if body is not None else {}
        resp = getattr(api, method)(url, **kwargs)
        missing = getattr(api, method)(missing_url, **kwargs)
        if actor == "guest":
            assert envelope(resp, 401) == envelope(missing, 401)
        elif vis not in READABLE[actor]:
            assert envelope(resp, 404) == envelope(missing, 404)
        else:
            assert resp.status_code in (200, 204, 403, 422), url


@pytest.mark.parametrize("actor,vis", CASES)
def test_creating_a_thread(world, actor, vis):
    actors, spaces, _threads, _posts = world
    api = actors[actor]
    body = {"space": spaces[vis].slug, "kind": "question", "title": "A question long enough?",
            "body": "With a body that is long enough too."}
    resp = api.post("/api/v1/threads", json=body)
    missing = api.post("/api/v1/threads", json={**body, "space": "no-such-space"})
    if actor == "guest":
        assert envelope(resp, 401) == envelope(missing, 401)
    elif vis in READABLE[actor]:
        assert resp.status_code == 201
    else:
        assert envelope(resp, 404) == envelope(missing, 404)


def test_deleted_threads_are_404_for_members_and_left_out_of_counts(world, db, client_for,
                                                                    make_user):
    from community.models import utcnow

    actors, _spaces, threads, _posts = world
    threads["public"].deleted_at = utcnow()
    db.session.commit()
    member = actors["member"]
    assert envelope(member.get(f"/api/v1/threads/{threads['public'].id}"), 404) == \
        envelope(member.get(f"/api/v1/threads/{MISSING}"), 404)
    assert member.get("/api/v1/threads").json["total"] == 1
    moderator = client_for(make_user(role="moderator"))
    assert moderator.get(f"/api/v1/threads/{threads['public'].id}").status_code == 200
