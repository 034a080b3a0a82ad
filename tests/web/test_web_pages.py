"""Every page renders for each kind of reader, and nobody sees what they may not read."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from webtools import submit, text

from community.models import Post, Revision


@pytest.fixture
def world(make_user, make_space, make_thread, make_post):
    asker = make_user(username="asker")
    staffer = make_user(role="employee", username="staffer")
    public = make_space(slug="product", name="Product Q&A")
    lounge = make_space(slug="lounge", name="Members lounge", visibility="members")
    internal = make_space(slug="internal", name="Internal", visibility="staff")
    q = make_thread(space=public, author=asker, title="Public question about exports",
                    tags=["exports"])
    make_post(thread=q, author=staffer, body="Public answer from staff.")
    m = make_thread(space=lounge, author=asker, title="Members only chatter thread")
    s = make_thread(space=internal, author=staffer, title="Secret staff roadmap thread")
    return {"asker": asker, "staffer": staffer, "public": public, "lounge": lounge,
            "internal": internal, "q": q, "m": m, "s": s}


@pytest.mark.parametrize("role", [None, "member", "employee", "moderator"])
def test_public_pages_render_for_every_kind_of_reader(role, world, browser, make_user):
    c = browser(make_user(role=role) if role else None)
    q = world["q"]
    shows = {"/": "Public question about exports", "/spaces/product": "Product Q&amp;A",
             f"/threads/{q.id}": "Public answer from staff.",
             f"/threads/{q.id}/any-slug": "Public answer from staff.",
             "/users/asker": "asker", "/login": 'name="password"', "/register": 'name="email"'}
    for url, shown in shows.items():
        resp = c.get(url)
        if role and url in ("/login", "/register"):
            assert resp.status_code == 303  # already signed in
            continue
        assert resp.status_code == 200, url
        assert "Continuum" in text(resp) and shown in text(resp), url


def test_ask_sends_a_guest_to_sign_in_and_comes_back(client):
    resp = client.get("/ask?space=product&kind=idea")
    assert resp.status_code == 303
    location = urlsplit(resp.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == ["/ask?space=product&kind=idea"]


def test_ask_form_offers_only_spaces_the_user_may_post_in(world, browser, make_user):
    page = text(browser(make_user()).get("/ask"))
    assert 'value="product"' in page and 'value="lounge"' in page
    assert 'value="internal"' not in page
    staff_page = text(browser(world["staffer"]).get("/ask"))
    assert 'value="internal"' in staff_page


def test_a_member_cannot_see_a_staff_space_or_thread(world, browser, make_user):
    c = browser(make_user())
    assert c.get("/spaces/internal").status_code == 404
    assert c.get(f"/threads/{world['s'].id}").status_code == 404
    assert c.get(f"/threads/{world['s'].id}/slug").status_code == 404
    assert c.get(f"/threads/{world['s'].id}/edit").status_code == 404
    # The same answer as an id that does not exist: no existence oracle.
    missing = c.get("/threads/999999")
    hidden = c.get(f"/threads/{world['s'].id}")
    assert missing.status_code == hidden.status_code == 404
    def page_without_tokens(resp, path):
        html = re.sub(r'(csrf[-_]token"[^>]*?(?:content|value)=")[^"]+', r"\1", text(resp))
        return html.replace(path, "/threads/ID")

    assert page_without_tokens(hidden, f"/threads/{world['s'].id}") == page_without_tokens(
        missing, "/threads/999999")
    for page in (hidden, c.get("/spaces/internal"), c.get("/")):
        assert "Secret staff roadmap" not in text(page)
    assert 'href="/spaces/internal"' not in text(c.get("/"))


def test_a_guest_cannot_see_members_or_staff_content(world, client):
    for url in ["/spaces/lounge", "/spaces/internal", f"/threads/{world['m'].id}",
                f"/threads/{world['s'].id}"]:
        resp = client.get(url)
        assert resp.status_code == 404, url
        assert "Members only chatter" not in text(resp) and "Secret staff" not in text(resp)
    listing = text(client.get("/"))
    assert "Public question about exports" in listing
    assert "Members only chatter" not in listing and "Secret staff" not in listing


def test_an_employee_reads_the_staff_space(world, browser):
    c = browser(world["staffer"])
    assert c.get("/spaces/internal").status_code == 200
    assert "Secret staff roadmap thread" in text(c.get(f"/threads/{world['s'].id}"))


def test_lists_never_show_unreadable_threads(world, browser, make_user):
    guest_home = text(browser().get("/"))
    assert "Public question about exports" in guest_home
    assert "Members only chatter thread" not in guest_home
    assert "Secret staff roadmap thread" not in guest_home
    assert "Members lounge" not in guest_home and "Internal" not in guest_home

    member = browser(make_user())
    home = text(member.get("/"))
    assert "Members only chatter thread" in home
    assert "Secret staff roadmap thread" not in home
    assert "/spaces/internal" not in home
    space = text(member.get("/spaces/product"))
    assert "Secret staff roadmap thread" not in space
    profile = text(member.get("/users/staffer"))
    assert "Secret staff roadmap thread" not in profile

    staff_home = text(browser(world["staffer"]).get("/"))
    assert "Secret staff roadmap thread" in staff_home


def test_home_counts_threads_per_space(world, client):
    page = text(client.get("/"))
    assert "1 thread" in page


def test_space_page_filters_sorts_and_paginates(app, make_space, make_thread, make_user,
                                                make_post, client):
    space = make_space(slug="big")
    author = make_user()
    for i in range(25):
        make_thread(space=space, author=author, title=f"Numbered question {i:02d} here",
                    tags=["even"] if i % 2 == 0 else ["odd"])
    idea = make_thread(space=space, author=author, kind="idea", title="A brilliant idea to ship")
    answered = make_thread(space=space, author=author, title="Answered question to filter")
    make_post(thread=answered)

    first = text(client.get("/spaces/big"))
    assert "27 threads" in first
    assert 'href="/spaces/big?page=2"' in first
    second = text(client.get("/spaces/big?page=2"))
    assert "Numbered question 00 here" in second

    ideas = text(client.get("/spaces/big?kind=idea"))
    assert "A brilliant idea to ship" in ideas and "Numbered question" not in ideas
    tagged = text(client.get("/spaces/big?tag=odd"))
    assert "Numbered question 01 here" in tagged and "Numbered question 02 here" not in tagged
    status = text(client.get("/spaces/big?status=answered"))
    assert "Answered question to filter" in status and "Numbered question" not in status
    unanswered = text(client.get("/spaces/big?sort=unanswered"))
    assert "Answered question to filter" not in unanswered
    assert "A brilliant idea to ship" not in unanswered
    # Filters survive pagination links.
    assert 'href="/spaces/big?page=2&amp;kind=question&amp;sort=votes"' in text(
        client.get("/spaces/big?kind=question&sort=votes"))
    # Nonsense filters are ignored rather than failing.
    assert client.get("/spaces/big?kind=bogus&status=x&sort=y&page=abc").status_code == 200
    assert idea.status == "new"


def test_pinned_threads_come_first_on_the_space_page(db, make_space, make_thread, client):
    space = make_space(slug="pins")
    pinned = make_thread(space=space, title="The pinned welcome thread")
    make_thread(space=space, title="A newer ordinary question")
    pinned.is_pinned = True
    db.session.commit()
    page = text(client.get("/spaces/pins"))
    assert page.index("The pinned welcome thread") < page.index("A newer ordinary question")


def test_space_page_shows_the_importer_attribution(db, make_space, client):
    space = make_space(slug="coffee")
    space.attribution_html = '<p>From <a href="https://coffee.stackexchange.com">Coffee SE</a></p>'
    db.session.commit()
    assert '<a href="https://coffee.stackexchange.com">Coffee SE</a>' in text(client.get("/spaces/coffee"))


def test_answers_show_accepted_first_then_by_votes(db, world, make_post, make_user, client):
    q = world["q"]
    low = make_post(thread=q, body="Low scored answer text")
    high = make_post(thread=q, body="High scored answer text")
    accepted = make_post(thread=q, body="Accepted answer text here")
    high.score = 5
    low.score = 1
    q.accepted_post_id = accepted.id
    db.session.commit()
    # The answers as the page shows them (the head's structured data lists them too).
    page = text(client.get(f"/threads/{q.id}")).split("<main", 1)[1]
    assert page.index("Accepted answer text here") < page.index("High scored answer text") \
        < page.index("Low scored answer text")
    assert "Accepted answer" in page


def test_accept_button_only_for_the_asker_and_moderators(world, browser, make_user):
    q = world["q"]
    assert "Accept this answer" in text(browser(world["asker"]).get(f"/threads/{q.id}"))
    assert "Accept this answer" in text(browser(make_user(role="moderator")).get(f"/threads/{q.id}"))
    assert "Accept this answer" not in text(browser(make_user()).get(f"/threads/{q.id}"))
    assert "Accept this answer" not in text(browser().get(f"/threads/{q.id}"))


def test_deleted_posts_are_shown_to_moderators_with_a_restore_button(db, world, browser,
                                                                     make_user, make_post):
    q = world["q"]
    post = make_post(thread=q, body="An answer that will be deleted soon")
    moderator = make_user(role="moderator")
    mod = browser(moderator)
    assert submit(mod, f"/posts/{post.id}/delete").status_code == 303
    member_page = text(browser(make_user()).get(f"/threads/{q.id}"))
    assert "An answer that will be deleted soon" not in member_page
    mod_page = text(mod.get(f"/threads/{q.id}"))
    assert "An answer that will be deleted soon" in mod_page and "Restore" in mod_page
    assert submit(mod, f"/posts/{post.id}/restore").status_code == 303
    assert "An answer that will be deleted soon" in text(browser(make_user()).get(f"/threads/{q.id}"))


def test_a_member_cannot_restore_or_delete_someone_elses_post(world, browser, make_user, make_post):
    post = make_post(thread=world["q"], body="Another member answer body")
    c = browser(make_user())
    assert submit(c, f"/posts/{post.id}/delete").status_code == 403
    assert "Another member answer body" in text(c.get(f"/threads/{world['q'].id}"))


def test_edit_links_follow_permissions_and_edits_keep_revisions(db, world, browser, make_user):
    q = world["q"]
    asker = browser(world["asker"])
    assert f'/threads/{q.id}/edit' in text(asker.get(f"/threads/{q.id}"))
    other = browser(make_user())
    assert f'/threads/{q.id}/edit' not in text(other.get(f"/threads/{q.id}"))
    assert other.get(f"/threads/{q.id}/edit").status_code == 403

    form = asker.get(f"/threads/{q.id}/edit")
    assert "Public question about exports" in text(form)
    resp = submit(asker, f"/threads/{q.id}/edit", {
        "title": "Public question about CSV exports",
        "body": "A clearer body for the question, with details.",
        "tags": "exports, csv",
    })
    assert resp.status_code == 303
    page = text(asker.get(f"/threads/{q.id}"))
    assert "Public question about CSV exports" in page and ">csv<" in page
    assert db.session.query(Revision).filter_by(thread_id=q.id).count() == 1

    bad = submit(asker, f"/threads/{q.id}/edit", {"title": "short", "body": "x", "tags": ""})
    assert bad.status_code == 422
    assert "Write at least" in text(bad)


def test_an_author_edits_a_post_through_the_form(db, world, browser, make_user):
    post = db.session.query(Post).filter_by(thread_id=world["q"].id).one()
    assert browser(make_user()).get(f"/posts/{post.id}/edit").status_code == 403
    staff = browser(world["staffer"])
    assert f"/posts/{post.id}/edit" in text(staff.get(f"/threads/{world['q'].id}"))
    assert staff.get(f"/posts/{post.id}/edit").status_code == 200
    resp = submit(staff, f"/posts/{post.id}/edit", {"body": "An improved public answer."})
    assert resp.status_code == 303
    assert "An improved public answer." in text(staff.get(f"/threads/{world['q'].id}"))
    assert db.session.query(Revision).filter_by(post_id=post.id).count() == 1


def test_staff_set_an_idea_status_with_a_note(world, browser, make_thread, make_user):
    idea = make_thread(space=world["public"], author=world["asker"], kind="idea",
                       title="Dark mode for the dashboard")
    member = browser(make_user())
    assert "Change the status" not in text(member.get(f"/threads/{idea.id}"))
    assert submit(member, f"/threads/{idea.id}/status", {"status": "planned"}).status_code == 403

    staff = browser(world["staffer"])
    assert "Change the status" in text(staff.get(f"/threads/{idea.id}"))
    resp = submit(staff, f"/threads/{idea.id}/status",
                  {"status": "planned", "note": "Coming in the spring release."})
    assert resp.status_code == 303
    page = text(browser().get(f"/threads/{idea.id}"))
    assert "Planned" in page and "Coming in the spring release." in page


def test_profile_shows_role_level_reputation_and_activity(world, client):
    page = text(client.get("/users/staffer"))
    assert "Employee" in page and "Reputation" in page and "Member since" in page
    assert "Level 1" not in page  # staff show their role, not a member's level
    assert "Level 1" in text(client.get("/users/asker"))
    assert "Public question about exports" in text(client.get("/users/asker"))
    assert client.get("/users/nobody-here").status_code == 404


def test_user_chip_marks_staff_and_ambassadors(db, world, client):
    world["asker"].is_ambassador = True
    db.session.commit()
    page = text(client.get(f"/threads/{world['q'].id}"))
    assert 'class="chip staff-chip"' in page
    assert 'class="chip ambassador-chip"' in page
    assert 'href="/users/asker"' in page and 'href="/users/staffer"' in page


def test_error_pages_use_the_layout(client):
    resp = client.get("/no/such/page")
    assert resp.status_code == 404
    page = text(resp)
    assert "Page not found" in page and 'class="site-header"' in page
