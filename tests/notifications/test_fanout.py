"""Who is told what: fan-out from domain events, checked again when read."""

from __future__ import annotations

from sqlalchemy import select

from community.events import BadgeAwarded, LevelUp, emit
from community.models import Notification
from community.notifications import inbox, notify, registry
from community.services import threads, votes


def notes_of(db, user, verb=None, *, rewards=False):
    """The user's notifications; badges and levels (gamification's) only when asked."""
    query = select(Notification).where(Notification.user_id == user.id)
    if verb:
        query = query.where(Notification.verb == verb)
    elif not rewards:
        query = query.where(Notification.verb.not_in(["badge_awarded", "level_up"]))
    return db.session.scalars(query.order_by(Notification.id)).all()


def test_an_answer_notifies_the_asker_but_not_the_answerer(db, make_user, make_thread, make_post):
    asker, answerer = make_user(), make_user()
    thread = make_thread(author=asker, title="How do I descale the espresso machine?")
    post = make_post(thread=thread, author=answerer)
    [note] = notes_of(db, asker)
    assert note.verb == "answer_posted" and note.actor_id == answerer.id
    assert inbox.text(note) == f"{answerer.display_name} answered “How do I descale the espresso machine?”"
    assert inbox.url(note) == f"/threads/{thread.id}#post-{post.id}"
    assert notes_of(db, answerer) == []


def test_a_reply_to_a_discussion_is_reply_posted(db, make_user, make_thread, make_post):
    author = make_user()
    thread = make_thread(author=author, kind="discussion")
    make_post(thread=thread)
    assert [n.verb for n in notes_of(db, author)] == ["reply_posted"]


def test_nobody_is_notified_of_their_own_answer(db, make_user, make_thread, make_post):
    asker = make_user()
    thread = make_thread(author=asker)
    make_post(thread=thread, author=asker)
    assert notes_of(db, asker) == []


def test_answering_follows_the_thread(db, make_user, make_thread, make_post):
    thread = make_thread()
    first, second = make_user(), make_user()
    make_post(thread=thread, author=first)
    make_post(thread=thread, author=second)
    assert [n.verb for n in notes_of(db, first)] == ["answer_posted"]


def test_an_asker_who_unfollows_hears_nothing_more(db, make_user, make_thread, make_post):
    from community.notifications import follows

    asker = make_user()
    thread = make_thread(author=asker)
    follows.unfollow_thread(db.session, thread, by=asker)
    db.session.commit()
    make_post(thread=thread)
    assert notes_of(db, asker) == []


def test_a_mention_notifies_once_even_when_the_user_follows(db, make_user, make_thread, make_post):
    asker, bob = make_user(), make_user(username="bob_b")
    thread = make_thread(author=asker)
    make_post(thread=thread, author=make_user(), body=f"@{asker.username} and @bob_b. see `@nobody`")
    assert [n.verb for n in notes_of(db, asker)] == ["mentioned"]
    assert [n.verb for n in notes_of(db, bob)] == ["mentioned"]


def test_mentions_of_people_who_cannot_read_the_thread_notify_nobody(db, make_user, make_space,
                                                                      make_thread, make_post):
    staff_space = make_space(visibility="staff")
    member = make_user(username="curious_member")
    employee = make_user(role="employee")
    thread = make_thread(space=staff_space, author=employee)
    make_post(thread=thread, author=make_user(role="employee"), body="Ask @curious_member about it")
    assert notes_of(db, member) == []


def test_mentions_are_capped_per_post(app, db, make_user, make_thread, make_post):
    app.config["NOTIFY_MAX_MENTIONS"] = 3
    people = [make_user() for _ in range(5)]
    thread = make_thread()
    make_post(thread=thread, body=" ".join(f"@{p.username}" for p in people))
    told = [p for p in people if notes_of(db, p, "mentioned")]
    assert len(told) == 3


def test_an_accepted_answer_notifies_its_author(db, make_user, make_thread, make_post):
    asker, answerer = make_user(), make_user()
    thread = make_thread(author=asker)
    post = make_post(thread=thread, author=answerer)
    votes.accept_answer(db.session, thread, post, by=asker)
    db.session.commit()
    [note] = notes_of(db, answerer, "answer_accepted")
    assert note.actor_id == asker.id


def test_an_idea_status_change_notifies_author_and_voters(db, make_user, make_thread):
    author, voter, bystander = make_user(), make_user(), make_user()
    idea = make_thread(author=author, kind="idea")
    votes.cast_vote(db.session, idea, by=voter, value=1)
    db.session.commit()
    staff = make_user(role="employee")
    threads.set_idea_status(db.session, idea, by=staff, status="planned")
    db.session.commit()
    for user in (author, voter):
        [note] = notes_of(db, user, "idea_status_changed")
        assert inbox.text(note).endswith("is now Planned")
    assert notes_of(db, bystander) == []
    assert notes_of(db, staff) == []


def test_content_moved_to_a_staff_space_stops_showing(db, make_user, make_space, make_thread,
                                                     make_post):
    asker = make_user()
    thread = make_thread(author=asker)
    make_post(thread=thread)
    before = inbox.unread_count(db.session, asker)
    assert [n.verb for n in notes_of(db, asker)] == ["answer_posted"]
    thread.space = make_space(visibility="staff")
    db.session.commit()
    assert inbox.unread_count(db.session, asker) == before - 1
    items, _total = inbox.page(db.session, asker, unread_only=False, page=1, per_page=20)
    assert "answer_posted" not in [n.verb for n in items]


def test_a_deleted_answer_stops_showing(db, make_user, make_thread, make_post):
    asker, answerer = make_user(), make_user()
    thread = make_thread(author=asker)
    post = make_post(thread=thread, author=answerer)
    before = inbox.unread_count(db.session, asker)
    threads.delete_post(db.session, post, by=answerer)
    db.session.commit()
    assert inbox.unread_count(db.session, asker) == before - 1


def test_space_and_tag_followers_hear_of_new_threads(db, make_user, make_space, make_thread):
    from community.notifications import follows
    from community.services.threads import get_or_create_tags

    space = make_space()
    by_space, by_tag = make_user(), make_user()
    follows.follow_space(db.session, space, by=by_space)
    [tag] = get_or_create_tags(db.session, ["grinder"])
    db.session.flush()
    follows.follow_tag(db.session, tag, by=by_tag)
    db.session.commit()
    make_thread(space=make_space(), tags=["grinder"])
    make_thread(space=space)
    assert [n.verb for n in notes_of(db, by_space)] == ["thread_created"]
    assert [n.verb for n in notes_of(db, by_tag)] == ["thread_created"]


def test_badge_and_level_events_notify_the_user(db, make_user):
    user = make_user()
    emit(db.session, BadgeAwarded(user_id=user.id, badge="first-question", award_id=1))
    emit(db.session, LevelUp(user_id=user.id, old_level=1, new_level=2, reputation=50))
    db.session.commit()
    badge, level = notes_of(db, user, rewards=True)
    assert badge.verb == "badge_awarded" and inbox.url(badge) == f"/users/{user.username}"
    assert inbox.text(level) == "You reached level 2: Participant"


def test_other_features_add_verbs_through_the_registry(db, make_user, make_thread):
    registry.register("test_verb", label="Test", text="%(actor)s poked “%(title)s”",
                      audience="staff")
    try:
        member, employee, actor = make_user(), make_user(role="employee"), make_user()
        thread = make_thread()
        got = notify(db.session, "test_verb", recipients=[member.id, employee.id, actor.id],
                     actor_id=actor.id, thread=thread, data={"title": thread.title})
        db.session.commit()
        assert got == {employee.id}
        [note] = notes_of(db, employee)
        assert inbox.text(note) == f"{actor.display_name} poked “{thread.title}”"
    finally:
        registry.VERBS.pop("test_verb")


def test_french_readers_get_french_text(app, db, make_user, make_thread, make_post):
    from flask_babel import force_locale

    asker = make_user()
    thread = make_thread(author=asker, title="Quel moulin choisir pour un espresso ?")
    make_post(thread=thread)
    [note] = notes_of(db, asker)
    with app.test_request_context(), force_locale("fr"):
        assert "a répondu" in inbox.text(note)
