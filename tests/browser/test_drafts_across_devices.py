"""A draft follows its member: typed on one device, back on another, gone once posted."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from community.models import Draft, Post

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"
TEXT = "Descale with citric acid, then run two tanks of clean water through it."


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_an_answer_typed_on_one_device_is_restored_on_another_then_posted(
        live_server, new_page, make_user, make_thread, db):
    make_user(username="noor")
    thread = make_thread(title="My espresso machine tastes of limescale")
    url = f"{live_server}/threads/{thread.id}"
    db.session.commit()
    db.session.rollback()  # give SQLite's write lock back to the server

    laptop = new_page(locale="en-US")
    _sign_in(laptop, live_server, "noor")
    laptop.goto(url)
    laptop.get_by_label("Text (Markdown)").press_sequentially("Descale with citric acid")
    expect(laptop.locator(".draft-status")).to_have_text("Draft saved")
    laptop.get_by_label("Text (Markdown)").fill(TEXT)
    expect(laptop.locator(".draft-status")).to_have_text("Draft saved")
    expect(laptop.get_by_role("button", name="Discard draft")).to_be_visible()

    phone = new_page(locale="en-US", viewport={"width": 390, "height": 844})
    _sign_in(phone, live_server, "noor")
    phone.goto(url)
    expect(phone.get_by_label("Text (Markdown)")).to_have_value(TEXT)
    expect(phone.get_by_role("button", name="Discard draft")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # Edited, then posted at once: the click's blur saves first, and that save must not
    # land after the post (it would bring the draft back).
    phone.get_by_label("Text (Markdown)").fill(TEXT + " Repeat monthly.")
    phone.get_by_role("button", name="Post your answer").click()
    expect(phone.locator(".post").filter(has_text="citric acid")).to_be_visible()
    expect(phone.get_by_label("Text (Markdown)")).to_have_value("")

    laptop.goto(url)
    expect(laptop.locator(".post").filter(has_text="citric acid")).to_be_visible()
    expect(laptop.get_by_label("Text (Markdown)")).to_have_value("")
    expect(laptop.get_by_role("button", name="Discard draft")).to_be_hidden()
    db.session.rollback()
    assert db.session.scalars(select(Draft)).all() == []
    assert db.session.scalars(select(Post.body)).all() == [TEXT + " Repeat monthly."]
