"""An employee answers with a saved reply: picked in the answer form, inserted at the
cursor with the asker's name filled in, then posted (a real browser, 390 px wide)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from community.models import Post, SavedReply

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def test_an_employee_inserts_a_saved_reply_and_posts_it(live_server, new_page, make_user,
                                                        make_thread, db):
    asker = make_user(username="grace")
    asker.display_name = "Grace Hopper"
    make_user(username="sam", role="employee")
    thread_id = make_thread(author=asker, title="My espresso tastes sour, why?").id
    db.session.add(SavedReply(title="Grind finer", body_en="Hi {asker}, try a finer grind. {unknown}",
                              body_fr="Bonjour {asker}, moulez plus fin."))
    db.session.commit()
    db.session.rollback()  # give SQLite's write lock back to the server

    page = new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server}/login")
    page.get_by_label("Username or email").fill("sam")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/threads/{thread_id}")
    box = page.get_by_label("Text (Markdown)")
    box.fill("Thanks! ")
    picker = page.get_by_label("Saved replies")
    expect(picker).to_be_visible()
    picker.select_option(label="Grind finer")
    expect(box).to_have_value("Thanks! Hi Grace Hopper, try a finer grind. {unknown}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Post your answer").click()
    expect(page.locator(".answers .prose").first).to_contain_text(
        "Hi Grace Hopper, try a finer grind.")
    db.session.rollback()
    posted = db.session.scalar(select(Post).where(Post.thread_id == thread_id))
    assert posted.body == "Thanks! Hi Grace Hopper, try a finer grind. {unknown}"
