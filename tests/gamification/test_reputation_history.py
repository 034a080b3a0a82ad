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


def test_a_line_about_a_staff_thread_keeps_its_points_but_hides_the_thread(
        client, member_client, make_user, make_space, make_thread, make_post, act):
    staff_space = make_space(visibility="staff")
    employee, other = make_user(role="employee"), make_user(role="employee")
    thread = make_thread(space=staff_space, author=other)
    post = make_post(thread=thread, author=employee, body="Internal answer text.")
    act.vote(other, post)
    for c in (client, member_client):
        item = c.get(f"/api/v1/users/{employee.username}/reputation").json["items"][0]
        assert item["points"] == 10 and item["thread_id"] is None and item["post_id"] is None
    staff = member_client  # reuse: the API as the employee shows the link
    staff.token = None
    from community.extensions import db
    from community.services import accounts

    staff.token = accounts.issue_token(db.session, other)
    db.session.commit()
    assert staff.get(f"/api/v1/users/{employee.username}/reputation").json["items"][0][
        "thread_id"] == thread.id


def test_unknown_user_is_a_404(client):
    assert client.get("/api/v1/users/nobody-here/reputation").status_code == 404


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
    assert "Secret internal roadmap" not in html
    assert "Not visible to you" in html
