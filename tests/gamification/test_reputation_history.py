"""The reputation history: every line with its reason, links only to readable content."""

from __future__ import annotations


def test_history_lists_every_change_with_its_reason(client, make_user, make_thread, make_post, act):
    author, voter = make_user(), make_user()
    thread = make_thread()
    post = make_post(thread=thread, author=author)
    act.vote(voter, post)
    act.unvote(voter, post)
    body = client.get(f"/api/v1/users/{author.username}/reputation").json
    assert body["total"] == 2
    assert [(i["points"], i["reason"], i["thread_id"]) for i in body["items"]] == [
        (-10, "reversal", thread.id), (10, "upvote_received", thread.id)]
    assert body["items"][0]["created_at"].endswith("+00:00")


def _public_traces(viewer, user) -> tuple[int, int, list, str]:
    """(reputation, history total, history items, profile page) as ``viewer`` sees them."""
    profile = viewer.get(f"/api/v1/users/{user.username}").json
    history = viewer.get(f"/api/v1/users/{user.username}/reputation").json
    page = viewer.get(f"/users/{user.username}").get_data(as_text=True)
    return profile["reputation"], history["total"], history["items"], page


def test_votes_in_a_staff_space_leave_no_trace_on_anyone_s_reputation(
        app, client, make_user, make_space, make_thread, client_for):
    staff_space = make_space(visibility="staff")
    employee, colleague = make_user(role="employee"), make_user(role="employee")
    thread = make_thread(space=staff_space, author=colleague, title="Secret internal roadmap talk")
    resp = client_for(employee).post(f"/api/v1/threads/{thread.id}/posts",
                                     json={"body": "Internal answer text, not for customers."})
    assert resp.status_code == 201
    post_id = resp.json["id"]
    assert client_for(colleague).put(f"/api/v1/posts/{post_id}/vote",
                                     json={"value": 1}).status_code == 200
    assert client_for(employee).put(f"/api/v1/threads/{thread.id}/vote",
                                    json={"value": 1}).status_code == 200
    # Not on the public history, not in the number, and not on a staff track either:
    # points are earned only where members can read (rules.EARNING_VISIBILITIES).
    viewers = ((client, False), (client_for(make_user()), False),
               (client_for(make_user(role="moderator")), True))
    for viewer, staff in viewers:
        for user in (employee, colleague):
            reputation, total, items, page = _public_traces(viewer, user)
            assert (reputation, total, items) == (1, 0, [])
            assert "Upvote received" not in page
            # Staff may read the thread, so its answers list may name it; nobody else.
            assert staff or "Secret internal roadmap" not in page
    # Nor a badge (its date would tell the same): the answer was the employee's first.
    assert client.get(f"/api/v1/users/{employee.username}").json["badges"] == []
    board = client.get("/api/v1/leaderboard?period=all&track=staff").json["items"]
    assert {employee.username, colleague.username}.isdisjoint(
        {i["user"]["username"] for i in board})
    result = app.test_cli_runner().invoke(args=["community", "recompute", "--check"])
    assert result.exit_code == 0, result.output


def test_the_history_hides_lines_about_a_thread_moved_where_the_viewer_cannot_read(
        client, make_user, make_space, make_thread, make_post, client_for, act):
    author = make_user()
    thread = make_thread(title="A question that will move to the staff space")
    act.vote(make_user(), make_post(thread=thread, author=author))
    assert _public_traces(client, author)[1] == 1
    staff_space = make_space(visibility="staff")
    resp = client_for(make_user(role="moderator")).post(
        f"/api/v1/threads/{thread.id}/moderate", json={"action": "move", "target": staff_space.slug})
    assert resp.status_code == 200, resp.json
    for viewer in (client, client_for(make_user()), client_for(author)):
        _reputation, total, items, page = _public_traces(viewer, author)
        assert (total, items) == (0, [])
        assert "Upvote received" not in page and "will move to the staff" not in page
    staff_view = client_for(make_user(role="employee")).get(
        f"/api/v1/users/{author.username}/reputation").json
    assert [i["thread_id"] for i in staff_view["items"]] == [thread.id]


def test_unknown_user_is_a_404(client):
    resp = client.get("/api/v1/users/nobody-here/reputation")
    assert resp.status_code == 404
    assert resp.get_json() == {"error": {"code": "not_found", "message": resp.json["error"]["message"]}}


def test_the_profile_shows_badges_and_history_with_links_to_readable_threads(
        client, make_user, make_space, make_thread, make_post, act):
    author = make_user()
    public = make_thread(title="A public question about coffee")
    hidden = make_thread(space=make_space(visibility="staff"), author=make_user(role="employee"),
                         title="Secret internal roadmap talk")
    act.vote(make_user(), make_post(thread=public, author=author))
    employee_author = make_user(role="employee")
    act.vote(make_user(role="employee"), make_post(thread=hidden, author=employee_author))
    html = client.get(f"/users/{author.username}").get_data(as_text=True)
    assert "A public question about coffee" in html
    assert "Upvote received" in html and "First answer" in html
    html = client.get(f"/users/{employee_author.username}").get_data(as_text=True)
    assert "Secret internal roadmap" not in html and "Upvote received" not in html
