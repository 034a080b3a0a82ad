"""Every badge in the catalogue can be earned by what people do; a badge nothing can
award fails here. The thresholds are lowered through the documented setting
(``BADGE_THRESHOLDS``), keeping each family's tiers apart, so the test stays quick; the
paths that award are the real ones. ``recompute --check`` then finds no drift: the
criteria read the same facts when rebuilding as when awarding."""

from __future__ import annotations

from sqlalchemy import select

from community.gamification import ambassadors, badges
from community.models import BadgeAward, ModerationItem
from community.services import threads, votes

THRESHOLDS = {"nice-answer": 1, "good-answer": 2, "great-answer": 3,
              "helper": 4, "dedicated-helper": 5, "tireless-helper": 6,
              "problem-solver": 1, "troubleshooter": 2, "guru": 3,
              "popular-idea": 1, "hot-idea": 2, "community-favourite": 3,
              "curator": 1, "steward": 2}


def test_every_badge_in_the_catalogue_is_awarded_through_real_actions(
        app, db, make_user, make_space, client_for):
    app.config["BADGE_THRESHOLDS"] = THRESHOLDS
    s = db.session
    space = make_space()
    asker, expert, flagger, spammer = (make_user() for _ in range(4))
    moderator, employee = make_user(role="moderator"), make_user(role="employee")
    voters = [make_user() for _ in range(3)]

    def question(n: int):
        thread = threads.create_thread(s, space, by=asker, kind="question",
                                       title=f"How do I set up the espresso machine, part {n}?",
                                       body=f"Step {n} of the manual does not work for me at all.")
        s.commit()
        return thread

    def answer(thread, n: int):
        post = threads.create_post(s, thread, by=expert,
                                   body=f"Answer number {n}: descale it first, then retry.")
        s.commit()
        return post

    # Questions answered by a peer at once and accepted by the asker, more answers, votes.
    accepted = []
    for n in range(3):
        thread = question(n)
        accepted.append(answer(thread, n))
        votes.accept_answer(s, thread, accepted[-1], by=asker)
        s.commit()
    for n in range(3, 6):
        answer(accepted[0].thread, n)
    for voter in voters:
        votes.cast_vote(s, accepted[0], by=voter, value=1)
        s.commit()

    idea = threads.create_thread(s, space, by=asker, kind="idea",
                                 title="Let the machine remember my favourite cup size",
                                 body="One button for the size I always choose would be lovely.")
    s.commit()
    for voter in voters:
        votes.cast_vote(s, idea, by=voter, value=1)
        s.commit()
    threads.set_idea_status(s, idea, by=employee, status="shipped")
    s.commit()

    # Flags that moderators agree with, through the API.
    junk = question(99)
    as_flagger, as_moderator = client_for(flagger), client_for(moderator)
    for n in range(2):
        post = threads.create_post(s, junk, by=spammer,
                                   body=f"Cheap watches at example dot com, offer {n} today.")
        s.commit()
        assert as_flagger.post(f"/api/v1/posts/{post.id}/flags",
                               json={"reason": "spam"}).status_code == 201
        item_id = s.scalar(select(ModerationItem.id).where(
            ModerationItem.target_type == "post", ModerationItem.target_id == post.id))
        assert as_moderator.post(f"/api/v1/moderation/items/{item_id}",
                                 json={"action": "hide"}).status_code == 200

    ambassadors.confirm(s, asker, by=moderator)
    s.commit()

    held = set(s.scalars(select(BadgeAward.badge).distinct()))
    assert [b.slug for b in badges.BADGES if b.slug not in held] == []
    profile = client_for(None).get(f"/api/v1/users/{flagger.username}").get_json()
    assert {b["slug"] for b in profile["badges"]} == {"curator", "steward"}

    result = app.test_cli_runner().invoke(args=["community", "recompute", "--check"])
    assert result.exit_code == 0, result.output
    assert "no drift" in result.output


def test_a_rejected_flag_counts_for_no_badge(db, make_user, make_thread, make_post, client_for):
    flagger = make_user()
    post = make_post(thread=make_thread(), body="A perfectly fine answer about descaling.")
    assert client_for(flagger).post(f"/api/v1/posts/{post.id}/flags",
                                    json={"reason": "spam"}).status_code == 201
    item_id = db.session.scalar(select(ModerationItem.id).where(
        ModerationItem.target_type == "post", ModerationItem.target_id == post.id))
    assert client_for(make_user(role="moderator")).post(
        f"/api/v1/moderation/items/{item_id}", json={"action": "dismiss"}).status_code == 200
    assert list(db.session.scalars(select(BadgeAward.badge).where(
        BadgeAward.user_id == flagger.id))) == []
