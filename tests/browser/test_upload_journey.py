"""Attaching a picture to an answer in a real browser: the button uploads it through the
API (CSRF token and all, under the strict CSP), the Markdown lands at the cursor, a
refused file says why, and the posted answer shows the picture."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from community.models import Post, Upload

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (20, 160, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_member_attaches_a_picture_to_an_answer_with_the_button(
        live_server, new_page, make_user, make_space, make_thread, db):
    make_user(username="grace")
    thread_id = make_thread(space=make_space(slug="brewing"),
                            title="Why does my espresso taste sour?").id
    db.session.rollback()  # give SQLite's write lock back to the server (and keep it so)

    page = new_page(viewport={"width": 390, "height": 844})
    violations = []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server}/login")
    page.get_by_label("Username or email").fill("grace")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/threads/{thread_id}")

    box = page.locator("#answer-body")
    box.fill("My grinder setting, as the picture shows:\n")
    attach = page.get_by_role("button", name="Attach an image or a file")
    # A file the site refuses: the server's reason is shown, nothing is inserted.
    with page.expect_file_chooser() as chooser:
        attach.click()
    chooser.value.set_files(files=[{"name": "setup.exe", "mimeType": "application/octet-stream",
                                    "buffer": b"MZ\x90\x00 not a picture"}])
    expect(page.locator(".upload-status")).to_contain_text("cannot be attached")
    assert "/uploads/" not in box.input_value()

    with page.expect_file_chooser() as chooser:
        attach.click()
    chooser.value.set_files(files=[{"name": "grinder dial.png", "mimeType": "image/png",
                                    "buffer": _png()}])
    expect(page.locator(".upload-status")).to_have_text("Attached: the link is in the text.")
    expect(box).to_have_value(re.compile(r"as the picture shows:\n!\[grinder-dial\.png\]\(/uploads/[0-9a-f]{32}/grinder-dial\.png\)\n"))
    expect(page.locator("#answer-preview img")).to_be_visible()  # the live preview shows it
    page.get_by_role("button", name="Post your answer").click()

    picture = page.locator("article img[alt='grinder-dial.png']")
    expect(picture).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", picture.element_handle()) == 120
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert violations == []
    db.session.expire_all()
    upload = db.session.scalars(select(Upload)).one()
    body = db.session.scalars(select(Post.body).where(Post.thread_id == thread_id)).one()
    assert f"/uploads/{upload.id}/grinder-dial.png" in body
