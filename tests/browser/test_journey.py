"""The journey that matters most, in a real browser: a question gets solved."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def sign_up(page, base: str, username: str) -> None:
    page.goto(f"{base}/register")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Email").fill(f"{username}@example.test")
    page.get_by_label("Password").fill("a-long-enough-password")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_sign_up_ask_answer_accept_shows_solved(live_server, new_page, make_space):
    make_space(slug="product-qa", name="Product Q&A")
    asker = new_page(locale="en-US")
    sign_up(asker, live_server, "claire")

    asker.goto(f"{live_server}/ask?space=product-qa&kind=question")
    asker.get_by_label("Title").fill("How do I export my invoices as CSV?")
    asker.get_by_label("Details (Markdown)").fill(
        "The billing page only offers PDF. I need **CSV** files for our accountant.")
    asker.get_by_label("Tags").fill("billing export")
    asker.get_by_role("button", name="Post").click()
    expect(asker.get_by_role("heading", name="How do I export my invoices as CSV?")).to_be_visible()
    thread_url = asker.url
    assert re.search(r"/threads/\d+", thread_url)

    helper = new_page(locale="en-US", viewport={"width": 375, "height": 740})  # on a phone
    sign_up(helper, live_server, "dmitri")
    helper.goto(thread_url)
    helper.get_by_label("Text (Markdown)").fill(
        "Open *Billing → History*, tick the invoices, then choose **Export → CSV**.")
    helper.get_by_role("button", name="Post your answer").click()
    expect(helper.locator(".post").filter(has_text="Export → CSV")).to_be_visible()

    asker.goto(thread_url)
    asker.get_by_role("button", name="Accept this answer").click()
    expect(asker.get_by_role("button", name="Withdraw acceptance")).to_be_visible()
    expect(asker.locator("main").get_by_text("Solved").first).to_be_visible()

    # Everyone else sees it solved too, with the accepted answer first.
    helper.goto(thread_url)
    expect(helper.locator("main").get_by_text("Solved").first).to_be_visible()
    helper.goto(f"{live_server}/spaces/product-qa?status=solved")
    expect(helper.get_by_role("link", name="How do I export my invoices as CSV?")).to_be_visible()
