"""A moderator reviews a flagged post in a real browser: the queue, the action, the audit log."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_a_moderator_hides_a_flagged_post_from_the_queue(live_server, new_page, make_user,
                                                         make_thread, make_post, db):
    thread = make_thread(title="Which beans for a light roast espresso?")
    spam = make_post(thread=thread, body="Buy cheap followers at spam-shop now")
    make_user(username="flora")
    make_user(username="marc", role="moderator")
    thread_id, post_id = thread.id, spam.id
    db.session.rollback()  # reading ids opened a transaction: SQLite's write lock goes back

    member = new_page(locale="en-US")
    sign_in(member, live_server, "flora")
    member.goto(f"{live_server}/threads/{thread_id}")
    post = member.locator(f"#post-{post_id}")
    post.get_by_text("Flag", exact=True).click()
    post.get_by_role("combobox").select_option("spam")
    post.get_by_role("button", name="Send the flag").click()
    expect(member.get_by_role("heading", name="Which beans for a light roast espresso?")).to_be_visible()

    mod = new_page(locale="en-US")
    sign_in(mod, live_server, "marc")
    mod.goto(f"{live_server}/moderation")
    item = mod.locator(".moderation-item").filter(has_text="cheap followers")
    expect(item).to_be_visible()
    expect(item.get_by_text("Spam", exact=True)).to_be_visible()
    item.get_by_label("Why (recorded in the audit log)").fill("selling followers")
    item.get_by_role("button", name="Hide").click()
    expect(mod.get_by_text("Nothing to review.")).to_be_visible()

    # The post is gone for the member, and the action is in the audit log.
    member.goto(f"{live_server}/threads/{thread_id}")
    expect(member.get_by_text("cheap followers")).to_have_count(0)
    mod.goto(f"{live_server}/moderation/audit")
    expect(mod.locator(".audit-entry").filter(has_text="selling followers")).to_be_visible()
