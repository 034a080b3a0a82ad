"""Nothing a caller may not read comes back from search, even while the index lags."""

from __future__ import annotations

from searchbackends import over_backends
from searchtools import ids

from community.models import Space
from community.services import threads as thread_service

pytestmark = over_backends  # the contract: the same answers from both backends


def _spaces(make_space):
    return (make_space(slug="public-side"), make_space(slug="members-side", visibility="members"),
            make_space(slug="staff-side", visibility="staff"))


def test_each_role_finds_only_what_it_can_read(make_space, make_thread, make_user, drain,
                                               client, member_client, employee_client, search):
    public, members, staff = _spaces(make_space)
    employee = make_user(role="employee")
    t_pub = make_thread(space=public, title="Roasting curve for a washed Ethiopian")
    t_mem = make_thread(space=members, title="Roasting curve shared with members")
    t_staff = make_thread(space=staff, author=employee, title="Roasting curve costs internal note")
    drain()
    assert ids(search("roasting curve")) == [t_pub.id]
    assert sorted(ids(search("roasting curve", member_client))) == sorted([t_pub.id, t_mem.id])
    assert sorted(ids(search("roasting curve", employee_client))) == sorted(
        [t_pub.id, t_mem.id, t_staff.id])
    assert search("roasting curve", member_client).get_json()["total"] == 2
    # a staff space named in a filter does not exist for a member
    assert search("roasting", member_client, space="staff-side").status_code == 404
    similar = member_client.get("/api/v1/search/similar",
                                query_string={"title": "roasting curve costs"}).get_json()
    assert t_staff.id not in [i["thread_id"] for i in similar["items"]]


def test_a_thread_moved_into_a_staff_space_is_hidden_before_the_indexer_runs(
        db, make_space, make_thread, drain, member_client, employee_client, search):
    public, _members, staff = _spaces(make_space)
    t = make_thread(space=public, title="Warranty claim for a broken portafilter")
    drain()
    assert ids(search("portafilter warranty", member_client)) == [t.id]
    t.space_id = staff.id  # the index still says "public"
    db.session.commit()
    body = search("portafilter warranty", member_client).get_json()
    assert body["items"] == [] and body["total"] == 0
    sim = member_client.get("/api/v1/search/similar",
                            query_string={"title": "portafilter warranty claim"}).get_json()
    assert sim["items"] == []
    assert ids(search("portafilter warranty", employee_client)) == [t.id]
    drain()  # the move wrote an outbox row even without a domain event
    assert ids(search("portafilter warranty", member_client)) == []
    assert ids(search("portafilter warranty", employee_client)) == [t.id]


def test_a_space_made_staff_only_hides_its_threads_at_once(db, make_space, make_thread, drain,
                                                           member_client, search):
    space = make_space(slug="beta-program")
    t = make_thread(space=space, title="Beta firmware for the smart scale")
    drain()
    assert ids(search("firmware scale", member_client)) == [t.id]
    db.session.get(Space, space.id).visibility = "staff"
    db.session.commit()
    assert ids(search("firmware scale", member_client)) == []


def test_deleted_posts_vanish_and_never_show_in_snippets(db, make_thread, make_post, drain,
                                                         member_client, moderator_client, search):
    t = make_thread(title="Best water hardness for espresso machines")
    post = make_post(thread=t, body="Use bottled water labelled ultrasoftwater for the boiler.")
    drain()
    assert ids(search("ultrasoftwater")) == [t.id]
    thread_service.delete_post(db.session, post, by=moderator_client.user)
    db.session.commit()
    # before the indexer runs, the thread may still match, but never with the deleted text
    for item in search("ultrasoftwater", member_client).get_json()["items"]:
        assert "ultrasoftwater" not in item["snippet"].lower() and item["post_id"] is None
    drain()
    assert ids(search("ultrasoftwater", member_client)) == []
    assert ids(search("hardness", member_client)) == [t.id]
    thread_service.restore_post(db.session, post, by=moderator_client.user)
    db.session.commit()
    drain()
    assert ids(search("ultrasoftwater", member_client)) == [t.id]


def test_a_deleted_thread_is_not_returned(db, make_thread, drain, member_client, search):
    from community.models import utcnow

    t = make_thread(title="Old thread about a discontinued grinder model")
    drain()
    t.deleted_at = utcnow()
    db.session.commit()
    assert ids(search("discontinued grinder", member_client)) == []
    drain()
    assert ids(search("discontinued grinder", member_client)) == []


def test_did_you_mean_never_offers_a_word_only_unreadable_threads_hold(
        make_space, make_thread, make_user, drain, member_client, employee_client, search):
    staff = make_space(slug="staff-side", visibility="staff")
    make_thread(space=staff, author=make_user(role="employee"),
                title="Zanzibarian supplier margins", body="Zanzibarian margins for next year.")
    drain()
    assert search("zanzibarien", member_client).get_json()["did_you_mean"] is None
    assert search("zanzibarien", employee_client).get_json()["did_you_mean"] == "zanzibarian"
