"""Listening watches, highlighted matches, and email: immediately, or a daily digest."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

from sqlalchemy import select

from community.models import Notification, utcnow
from community.notifications import delivery, follows, inbox, preferences, watches


def watch_notes(db, user):
    return db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.verb == "watch_matched")).all()


def test_highlight_escapes_everything_but_the_marks():
    rx = watches.pattern(watches.terms('pump "milk frother"'))
    html = watches.highlight("<b>My</b> PUMP & the milk   frother <script>x</script>", rx)
    assert html == ("&lt;b&gt;My&lt;/b&gt; <mark>PUMP</mark> &amp; the <mark>milk frother</mark> "
                    "&lt;script&gt;x&lt;/script&gt;")
    assert watches.highlight("pumpkin", rx) is None  # whole words only


def test_unbalanced_quotes_are_plain_words():
    assert watches.terms('"espresso pump') == ["espresso", "pump"]


def test_a_matching_thread_notifies_the_watch_owner_with_highlights(db, make_user, make_space,
                                                                    make_thread):
    employee = make_user(role="employee")
    watches.create_watch(db.session, by=employee, query="descaling")
    db.session.commit()
    thread = make_thread(title="Descaling my machine every week?", body="Is <descaling> bad for it?")
    [note] = watch_notes(db, employee)
    assert note.thread_id == thread.id
    assert "<mark>Descaling</mark>" in note.data["snippet"] and "&lt;" in note.data["snippet"]
    assert inbox.text(note) == f"“{thread.title}” matches your watch “descaling”"


def test_a_matching_answer_notifies_too(db, make_user, make_thread, make_post):
    owner = make_user()
    watches.create_watch(db.session, by=owner, query="gasket")
    db.session.commit()
    thread = make_thread(body="The machine leaks from the group head.")
    assert watch_notes(db, owner) == []
    post = make_post(thread=thread, body="Replace the gasket, it is cheap.")
    [note] = watch_notes(db, owner)
    assert note.post_id == post.id


def test_tags_and_spaces_narrow_a_watch(db, make_user, make_space, make_thread):
    owner = make_user()
    space = make_space(slug="roasting")
    watches.create_watch(db.session, by=owner, query="", tags=["beans"], spaces=["roasting"])
    db.session.commit()
    make_thread(space=make_space(), tags=["beans"])
    make_thread(space=space, tags=["milk"])
    assert watch_notes(db, owner) == []
    make_thread(space=space, tags=["beans"])
    assert len(watch_notes(db, owner)) == 1


def test_a_member_watch_never_hears_of_staff_content(db, make_user, make_space, make_thread):
    member = make_user()
    watches.create_watch(db.session, by=member, query="roadmap")
    db.session.commit()
    make_thread(space=make_space(visibility="staff"), author=make_user(role="employee"),
                title="The roadmap for next year")
    assert watch_notes(db, member) == []


def outbox(app) -> list:
    folder = Path(app.instance_path) / "outbox"
    return [message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted(folder.glob("*.eml"))]


def test_an_immediate_email_goes_to_the_outbox_once(app, db, make_user, make_thread, make_post):
    asker = make_user()
    preferences.update(db.session, by=asker, changes=[{"verb": "answer_posted", "email": "immediately"}])
    db.session.commit()
    thread = make_thread(author=asker, title="Why is my crema so thin?")
    make_post(thread=thread)
    with app.test_request_context():
        assert delivery.send_pending(db.session) == 1
        assert delivery.send_pending(db.session) == 0
    [msg] = outbox(app)
    assert msg["To"] == asker.email
    assert "Why is my crema so thin?" in msg["Subject"]
    assert f"/threads/{thread.id}#post-" in msg.get_content()


def test_no_email_about_content_that_became_unreadable(app, db, make_user, make_space,
                                                      make_thread, make_post):
    asker = make_user()
    preferences.update(db.session, by=asker, changes=[{"verb": "answer_posted", "email": "immediately"}])
    db.session.commit()
    thread = make_thread(author=asker)
    make_post(thread=thread)
    thread.space = make_space(visibility="staff")
    db.session.commit()
    with app.test_request_context():
        delivery.send_pending(db.session)
    assert outbox(app) == []


def test_the_digest_is_one_message_per_user_per_day_with_unread_items(app, db, make_user,
                                                                      make_thread, make_post):
    asker = make_user()
    preferences.update(db.session, by=asker, changes=[{"verb": "answer_posted", "email": "daily"}])
    db.session.commit()
    thread = make_thread(author=asker, title="Single or double boiler for latte art?")
    make_post(thread=thread)
    make_post(thread=thread)
    first = db.session.scalars(select(Notification).where(
        Notification.user_id == asker.id, Notification.verb == "answer_posted")).first()
    inbox.mark_read(db.session, asker, ids=[first.id])
    db.session.commit()
    later = utcnow() + timedelta(minutes=1)
    with app.test_request_context():
        assert delivery.send_digests(db.session, now=later) == 1
        make_post(thread=thread)
        assert delivery.send_digests(db.session, now=later + timedelta(minutes=1)) == 0
        assert delivery.send_digests(db.session, now=later + timedelta(days=1)) == 1
    first_digest, second_digest = outbox(app)
    body = first_digest.get_content()
    assert "1 unread" in first_digest["Subject"]
    assert body.count("Single or double boiler") == 1
    assert "1 unread" in second_digest["Subject"]


def test_the_digest_command_runs(app, db, make_user, make_thread, make_post):
    asker = make_user()
    preferences.update(db.session, by=asker, changes=[{"verb": "answer_posted", "email": "daily"}])
    db.session.commit()
    make_post(thread=make_thread(author=asker))
    result = app.test_cli_runner().invoke(args=["community", "digest"])
    assert result.exit_code == 0, result.output
    assert "1 digest" in result.output
    assert len(outbox(app)) == 1


def test_follows_survive_concurrent_auto_follow(db, make_user, make_thread):
    user = make_user()
    thread = make_thread()
    follows.auto_follow(db.session, user.id, thread.id)
    follows.auto_follow(db.session, user.id, thread.id)
    db.session.commit()
    assert follows.is_following(db.session, user, "thread", thread.id)
