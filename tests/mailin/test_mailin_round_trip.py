"""Replies by email over real SMTP: the notification email the app sent, a reply built like
a mail client's, the mail-in listener, and what ends up in the thread (or does not)."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select

from community.escalation import cases
from community.mailin import smtp
from community.models import CaseNote, MailInMessage, ModerationItem, Notification, Post, utcnow
from community.moderation import words
from community.notifications import reply_address
from community.services import spaces
from tests.mailin import mailin_tools
from tests.mailin.conftest import DOMAIN, free_port
from tests.mailin.mailin_tools import gmail_reply


def posts_by(db, user, thread) -> list[Post]:
    db.session.commit()  # a fresh read: the listener wrote from its own session
    return db.session.scalars(select(Post).where(Post.thread_id == thread.id,
                                                 Post.author_id == user.id)).all()


def mail_rows(db) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count(MailInMessage.id)))


@pytest.fixture
def mentioned(db, make_user, make_thread, make_post, mailbox, deliver):
    """A member mentioned in an answer, and the notification email the mailer sent them."""
    asker = make_user(username="asker")
    thread = make_thread(author=asker, title="My espresso machine leaks from the group head")
    make_post(thread=thread, body="@asker replace the group gasket, it is cheap.")
    deliver()
    [email] = mailbox.to(asker.email)
    return asker, thread, email


def test_the_notification_email_carries_a_short_lowercase_reply_address(mentioned):
    asker, thread, email = mentioned
    local, _, domain = email["Reply-To"].addresses[0].addr_spec.partition("@")
    assert domain == DOMAIN
    assert local.startswith("reply+") and local == local.lower() and len(local) <= 64
    assert "Reply to this email to answer in the thread" in email.get_content()


def test_a_gmail_reply_is_posted_as_its_recipient_without_the_quote(db, mentioned, send):
    asker, thread, email = mentioned
    assert send(gmail_reply(email, sender=asker.email,
                                      text="Thanks, the new gasket fixed it!")) == {}
    [post] = posts_by(db, asker, thread)
    assert post.body == "Thanks, the new gasket fixed it!"
    assert post.deleted_at is None
    db.session.refresh(thread)
    assert thread.post_count == 2
    # The usual events fired: the answerer who follows the thread was told.
    answerer_note = db.session.scalar(select(Notification).where(
        Notification.post_id == post.id, Notification.verb == "answer_posted"))
    assert answerer_note is not None and answerer_note.actor_id == asker.id


def test_the_sender_may_write_their_address_in_another_case(db, mentioned, send):
    asker, thread, email = mentioned
    reply = gmail_reply(email, sender=asker.email.upper(), text="Works for me now, thanks.")
    assert send(reply) == {}
    assert [p.body for p in posts_by(db, asker, thread)] == ["Works for me now, thanks."]


def test_a_redelivered_message_is_posted_once(db, mentioned, send):
    asker, thread, email = mentioned
    reply = gmail_reply(email, sender=asker.email, text="Posting this only once please.")
    assert send(reply) == {}
    assert send(reply) == {}  # accepted (the MTA must not retry), not posted again
    assert len(posts_by(db, asker, thread)) == 1
    assert mail_rows(db) == 1


def test_an_html_only_reply_is_posted_as_text(db, mentioned, send):
    asker, thread, email = mentioned
    reply = gmail_reply(email, sender=asker.email, text="unused")
    reply.set_content(
        "<html><head><style>p {color: red}</style></head><body>"
        "<div dir=\"ltr\">It works with the <b>new</b> gasket.</div><br>"
        "<div class=\"gmail_quote\"><div class=\"gmail_attr\">On Mon, 7 Dec 2026 at 10:00, "
        "Continuum &lt;noreply@localhost&gt; wrote:<br></div>"
        "<blockquote class=\"gmail_quote\">@asker replace the group gasket</blockquote></div>"
        "</body></html>", subtype="html")
    assert send(reply) == {}
    [post] = posts_by(db, asker, thread)
    assert post.body == "It works with the **new** gasket."
    assert "<strong>new</strong>" in post.body_html


def refused(send, msg, **kwargs) -> tuple[int, str]:
    with pytest.raises(smtplib.SMTPResponseException) as info:
        send(msg, **kwargs)
    return info.value.smtp_code, info.value.smtp_error.decode()


def refused_rcpt(send, msg, **kwargs) -> tuple[int, str]:
    with pytest.raises(smtplib.SMTPRecipientsRefused) as info:
        send(msg, **kwargs)
    [(code, text)] = info.value.recipients.values()
    return code, text.decode()


def test_every_other_spelling_of_a_reply_token_is_refused(app, reply_domain):
    with app.app_context():
        real = reply_address.address(7, 11)
        assert reply_address.parse(real) == reply_address.ReplyToken("answer", 7, 11)
        local, _, domain = real.partition("@")
        letters = "abcdefghijklmnopqrstuvwxyz234567"
        for i in range(len(reply_address.PREFIX), len(local)):
            for letter in letters.replace(local[i], ""):
                forged = local[:i] + letter + local[i + 1:] + "@" + domain
                with pytest.raises(reply_address.BadReplyAddress):
                    reply_address.parse(forged)


def test_a_forged_reply_address_is_refused(db, mentioned, send):
    asker, thread, email = mentioned
    real = email["Reply-To"].addresses[0].addr_spec
    local, _, domain = real.partition("@")
    forged = local[:-1] + ("a" if local[-1] != "a" else "b") + "@" + domain
    reply = gmail_reply(email, sender=asker.email, text="Someone else wrote this.")
    assert refused_rcpt(send, reply, to=forged)[0] == 550
    assert refused_rcpt(send, reply, to="reply+nothing@" + domain)[0] == 550
    assert refused_rcpt(send, reply, to="postmaster@" + domain)[0] == 550
    assert posts_by(db, asker, thread) == [] and mail_rows(db) == 0


def test_an_expired_reply_address_is_refused(app, db, mentioned, send):
    asker, thread, email = mentioned
    with app.app_context():
        old = reply_address.address(asker.id, thread.id, now=utcnow() - timedelta(days=31))
    code, text = refused_rcpt(send, gmail_reply(email, sender=asker.email, text="Late."),
                              to=old)
    assert code == 550 and "expired" in text
    assert posts_by(db, asker, thread) == []


def test_another_sender_is_refused(db, make_user, mentioned, send):
    asker, thread, email = mentioned
    other = make_user()
    reply = gmail_reply(email, sender=other.email, text="I am not the asker at all.")
    code, text = refused(send, reply)
    assert code == 550 and "sender" in text
    # A forged From with the envelope of someone else is refused too.
    reply = gmail_reply(email, sender=asker.email, text="I am not the asker at all.")
    assert refused(send, reply, envelope_from=other.email)[0] == 550
    assert posts_by(db, asker, thread) == [] and posts_by(db, other, thread) == []


def test_a_message_over_the_size_limit_is_refused(db, mentioned, send):
    asker, thread, email = mentioned
    reply = gmail_reply(email, sender=asker.email, text="big " * 20_000)
    assert refused(send, reply)[0] == 552
    assert posts_by(db, asker, thread) == []


def test_a_message_with_only_an_attachment_is_refused(db, mentioned, send):
    asker, thread, email = mentioned
    reply = EmailMessage()
    for header in ("From", "To", "Subject", "Message-ID"):
        reply[header] = gmail_reply(email, sender=asker.email, text="x")[header]
    reply.add_attachment(b"%PDF-1.4 not really", maintype="application", subtype="pdf",
                         filename="invoice.pdf")
    code, text = refused(send, reply)
    assert code == 554 and "no text" in text
    assert posts_by(db, asker, thread) == [] and mail_rows(db) == 0


def test_a_member_who_can_no_longer_read_the_thread_posts_nothing(db, mentioned, send):
    asker, thread, email = mentioned
    spaces.update_space(db.session, thread.space, visibility="staff")
    db.session.commit()
    reply = gmail_reply(email, sender=asker.email, text="Is anybody still there?")
    assert refused(send, reply)[0] == 550
    assert posts_by(db, asker, thread) == [] and mail_rows(db) == 0


def test_a_watched_word_holds_the_reply_for_moderation_like_the_web(db, make_user, mentioned,
                                                                   send):
    asker, thread, email = mentioned
    words.add_word(db.session, word="refund", action="approve", by_id=make_user(role="admin").id)
    db.session.commit()
    reply = gmail_reply(email, sender=asker.email, text="I want a refund for this machine.")
    assert send(reply) == {}
    [post] = posts_by(db, asker, thread)
    assert post.deleted_at is not None  # hidden until a moderator approves it
    item = db.session.scalar(select(ModerationItem).where(ModerationItem.target_id == post.id))
    assert item is not None and item.kind == "approval"
    held = db.session.scalar(select(Notification).where(Notification.user_id == asker.id,
                                                        Notification.verb == "content_held"))
    assert held is not None
    db.session.refresh(thread)
    assert thread.post_count == 1


def test_a_staff_reply_to_a_case_email_adds_an_internal_note(db, make_user, make_thread,
                                                            mailbox, deliver, send):
    employee = make_user(role="employee", username="expert")
    moderator = make_user(role="moderator")
    thread = make_thread(title="The grinder makes a grinding noise")
    case = cases.open_case(db.session, thread, by=moderator, source="manual")
    cases.assign(db.session, case, by=moderator, assignee=employee)
    db.session.commit()
    deliver()
    [email] = [m for m in mailbox.to(employee.email) if "assigned" in m["Subject"]]
    note_address = email["Reply-To"].addresses[0].addr_spec
    text = email.get_content()
    answer_address = reply_address.address(employee.id, thread.id)
    assert note_address != answer_address and answer_address in text
    reply = gmail_reply(email, sender=employee.email,
                        text="Customer is on the old firmware; check the burr set first.")
    assert send(reply) == {}
    db.session.commit()
    [note] = db.session.scalars(select(CaseNote).where(CaseNote.case_id == case.id)).all()
    assert note.author_id == employee.id
    assert note.body == "Customer is on the old firmware; check the burr set first."
    assert db.session.scalars(select(Post).where(Post.author_id == employee.id)).all() == []


def test_a_member_cannot_use_a_note_address(app, db, mentioned, send):
    asker, thread, email = mentioned
    with app.app_context():
        note_address = reply_address.address(asker.id, thread.id, kind="note")
    reply = gmail_reply(email, sender=asker.email, text="Can I write an internal note?")
    assert refused(send, reply, to=note_address)[0] == 550
    db.session.commit()
    assert db.session.scalar(select(func.count(CaseNote.id))) == 0
    assert posts_by(db, asker, thread) == []


def test_a_locked_thread_refuses_the_reply_in_the_owner_s_language(db, mentioned, send):
    asker, thread, email = mentioned
    asker.locale = "fr"
    thread.is_locked = True
    db.session.commit()
    reply = gmail_reply(email, sender=asker.email, text="Encore une question, s'il vous plaît.")
    code, text = refused(send, reply)
    assert code == 550
    assert "verrouill" in text and text.isascii()
    assert posts_by(db, asker, thread) == [] and mail_rows(db) == 0


def test_the_flood_limits_of_the_web_apply_per_account(db, limited_app, mentioned):
    asker, thread, email = mentioned
    limited_app.config.update(MAIL_REPLY_DOMAIN=DOMAIN, FLOOD_LIMITS={"post": "1 per hour"})
    listener = smtp.controller(limited_app, "127.0.0.1", free_port())
    listener.start()
    first = gmail_reply(email, sender=asker.email, text="First reply, within the limit.")
    second = gmail_reply(email, sender=asker.email, text="Second reply, over the limit.")
    db.session.commit()
    try:
        assert mailin_tools.send(listener.port, first) == {}
        with pytest.raises(smtplib.SMTPDataError) as info:
            mailin_tools.send(listener.port, second)
    finally:
        listener.stop()
    assert info.value.smtp_code == 451  # temporary: the sending server tries again later
    assert [p.body for p in posts_by(db, asker, thread)] == ["First reply, within the limit."]


def test_the_reply_line_is_in_the_recipient_s_language(db, make_user, make_thread, make_post,
                                                      mailbox, deliver):
    reader = make_user(username="lectrice")
    reader.locale = "fr"
    db.session.commit()
    thread = make_thread(author=reader)
    make_post(thread=thread, body="@lectrice essayez un détartrage complet.")
    deliver()
    [email] = mailbox.to(reader.email)
    assert "Répondez à cet e-mail pour répondre dans la discussion" in email.get_content()
    assert email["Reply-To"].addresses[0].domain == DOMAIN


def test_without_a_reply_domain_emails_have_no_reply_address(app, db, make_user, make_thread,
                                                             make_post, mailbox, deliver):
    app.config["MAIL_REPLY_DOMAIN"] = None
    reader = make_user(username="noreply")
    make_post(thread=make_thread(author=reader), body="@noreply here is an answer for you.")
    deliver()
    [email] = mailbox.to(reader.email)
    assert email["Reply-To"] is None and "Reply to this email" not in email.get_content()


def test_an_out_of_office_answer_is_not_posted(db, mentioned, send):
    asker, thread, email = mentioned
    assert email["Auto-Submitted"] == "auto-generated"  # polite responders stay quiet
    reply = gmail_reply(email, sender=asker.email, text="I am out of the office until Monday.")
    reply["Auto-Submitted"] = "auto-replied"
    code, text = refused(send, reply)
    assert code == 550 and "Automatic" in text
    assert posts_by(db, asker, thread) == [] and mail_rows(db) == 0


def test_a_reply_to_a_merged_thread_goes_to_the_thread_it_was_merged_into(db, make_user,
                                                                         make_thread, mentioned,
                                                                         send):
    from community.moderation import threads as moderated

    asker, thread, email = mentioned
    target = make_thread(title="Espresso machine leaking: the complete guide")
    moderated.merge(db.session, thread, target, by=make_user(role="moderator"))
    db.session.commit()
    assert send(gmail_reply(email, sender=asker.email, text="Thanks for merging these.")) == {}
    # The asker's opening post moved with the merge; the reply follows it.
    assert [p.body for p in posts_by(db, asker, target)][-1] == "Thanks for merging these."
    assert len(posts_by(db, asker, target)) == 2
