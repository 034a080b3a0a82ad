"""Forgot password, in a real browser: the link arrives by email (the outbox folder the
mailer writes when no SMTP server is configured) and signs the member back in."""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from community.extensions import db
from community.notifications import delivery
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _only_email(app) -> email.message.EmailMessage:
    files = sorted(Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"))
    assert len(files) == 1
    return email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)


def test_forgot_password_email_new_password_signed_in(app, live_server, new_page, make_user):
    make_user(username="noemie", email="noemie@example.test")
    db.session.commit()
    page = new_page(locale="en-US")
    page.goto(f"{live_server}/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("noemie@example.test")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.locator("#reset-sent")).to_contain_text("If an account uses noemie@example.test")

    delivery.tick(db.session)  # the background mailer's pass
    db.session.commit()  # and it holds no lock while the server writes
    msg = _only_email(app)
    body = msg.get_body(preferencelist=("plain",)).get_content()
    (url,) = re.findall(r"http://127\.0\.0\.1:\d+/reset-password/[A-Za-z0-9_\-]+", body)

    page.goto(url)
    page.get_by_label("New password").fill("my-new-long-passphrase")
    page.get_by_role("button", name="Change my password").click()
    expect(page.get_by_text("Your password was changed")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    # The old password no longer opens the account; the new one does.
    other = new_page(locale="en-US")
    other.goto(f"{live_server}/login")
    other.get_by_label("Username or email").fill("noemie")
    other.get_by_label("Password").fill(PASSWORD)
    other.get_by_role("button", name="Sign in").click()
    expect(other.get_by_role("alert")).to_contain_text("Wrong login or password")
    other.get_by_label("Password").fill("my-new-long-passphrase")
    other.get_by_role("button", name="Sign in").click()
    expect(other.get_by_role("button", name="Sign out")).to_be_visible()
