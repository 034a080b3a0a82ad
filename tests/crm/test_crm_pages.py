"""Pages: the organisations admin page (list, create, edit, members; English and
French), the tier badge for staff on thread and case pages (never for members), and
the triage board's organisation and tier filters with a bounded number of queries."""

from __future__ import annotations

from sqlalchemy import select

from community.escalation import cases
from community.extensions import db as _db
from community.models import Organisation, User
from tests.conftest import csrf_token
from tests.web.test_web_query_count import counting


def test_admins_run_organisations_from_their_page(app, db, make_user, login):
    admin = make_user(role="admin")
    alice, bob = make_user(username="alice_org"), make_user(username="bob_org")
    a = login(app.test_client(), admin)
    index = a.get("/admin").get_data(as_text=True)
    assert 'href="/admin/organisations"' in index and "Customer organisations" in index
    page = a.get("/admin/organisations").get_data(as_text=True)
    assert "No organisation yet." in page and 'value="premium"' in page
    token = csrf_token(a)

    bad = a.post("/admin/organisations", data={"csrf_token": token, "name": "Acme",
                                               "tier": "platinum"})
    assert bad.status_code == 422
    assert "Choose one of: premium, standard." in bad.get_data(as_text=True)
    assert db.session.scalar(select(Organisation.id)) is None

    created = a.post("/admin/organisations", data={"csrf_token": token, "name": "Acme",
                                                   "tier": "premium", "external_ref": "ACC-3"})
    assert created.status_code == 303
    org = db.session.scalar(select(Organisation))
    assert created.headers["Location"].endswith(f"/admin/organisations/{org.id}")
    assert (org.name, org.tier, org.external_ref) == ("Acme", "premium", "ACC-3")

    saved = a.post(f"/admin/organisations/{org.id}", data={
        "csrf_token": token, "name": "Acme Corp", "tier": "premium", "external_ref": "ACC-3",
        "members": "alice_org, bob_org"})
    assert saved.status_code == 303
    db.session.expire_all()
    assert {u.id for u in db.session.scalars(select(User).where(
        User.organisation_id == org.id))} == {alice.id, bob.id}
    edit = a.get(f"/admin/organisations/{org.id}").get_data(as_text=True)
    assert "alice_org bob_org" in edit and 'value="Acme Corp"' in edit

    unknown = a.post(f"/admin/organisations/{org.id}", data={
        "csrf_token": token, "name": "Renamed", "tier": "standard", "members": "alice_org ghost"})
    assert unknown.status_code == 422
    text = unknown.get_data(as_text=True)
    assert "Nobody is called ghost." in text and "alice_org ghost" in text
    db.session.expire_all()
    org = db.session.get(Organisation, org.id)
    assert (org.name, org.tier) == ("Acme Corp", "premium")  # nothing half-saved
    assert db.session.get(User, bob.id).organisation_id == org.id

    # Leaving someone out of the list takes them out of the organisation.
    a.post(f"/admin/organisations/{org.id}", data={
        "csrf_token": token, "name": "Acme Corp", "tier": "standard", "external_ref": "ACC-3",
        "members": "bob_org"})
    db.session.expire_all()
    assert db.session.get(User, alice.id).organisation_id is None
    listing = a.get("/admin/organisations").get_data(as_text=True)
    assert "Acme Corp" in listing and "<code>ACC-3</code>" in listing and "Standard" in listing

    french = a.get("/admin/organisations", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Nouvelle organisation" in french and "Créer l’organisation" in french

    for user in (make_user(), make_user(role="employee")):
        other = login(app.test_client(), user)
        assert other.get("/admin/organisations").status_code == 404
        assert other.get(f"/admin/organisations/{org.id}").status_code == 404
        refused = other.post("/admin/organisations", data={
            "csrf_token": csrf_token(other), "name": "Sneaky", "tier": "premium"})
        assert refused.status_code == 404
    assert db.session.scalar(select(Organisation.id).where(Organisation.name == "Sneaky")) is None


def test_staff_see_the_askers_tier_on_thread_and_case_pages_members_never(
        app, db, make_user, make_thread, make_organisation, login, client):
    asker, reader = make_user(), make_user()
    make_organisation(name="Acme Corp", tier="premium", members=[asker])
    thread = make_thread(author=asker, title="Why does the grinder jam every morning?")
    case = cases.open_case(db.session, thread, by=None, source="manual")
    db.session.commit()
    staff = login(app.test_client(), make_user(role="employee"))
    thread_page = staff.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "organisation-chip" in thread_page and "<bdi>Acme Corp</bdi> · Premium" in thread_page
    case_page = staff.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "<bdi>Acme Corp</bdi> · Premium" in case_page
    for browser in (login(app.test_client(), asker), login(app.test_client(), reader), client):
        page = browser.get(f"/threads/{thread.id}").get_data(as_text=True)
        assert thread.title in page
        assert "Acme Corp" not in page and "organisation-chip" not in page
    # A membership change shows at once, cache or not.
    asker = db.session.get(User, asker.id)
    asker.organisation_id = None
    db.session.commit()
    assert "Acme Corp" not in staff.get(f"/threads/{thread.id}").get_data(as_text=True)


def _cases_for(db, make_thread, make_user, org: Organisation, n: int) -> list[int]:
    ids = []
    for _ in range(n):
        asker = make_user()
        asker.organisation_id = org.id
        thread = make_thread(author=asker)
        ids.append(cases.open_case(db.session, thread, by=None, source="manual").id)
    db.session.commit()
    return ids


def test_the_triage_board_filters_by_organisation_and_tier(app, db, make_user, make_thread,
                                                           make_organisation, login, client_for):
    premium = make_organisation(name="Acme Corp", tier="premium")
    standard = make_organisation(name="Bistro Ltd", tier="standard")
    premium_ids = _cases_for(db, make_thread, make_user, premium, 2)
    standard_ids = _cases_for(db, make_thread, make_user, standard, 1)
    nobody = cases.open_case(db.session, make_thread(), by=None, source="manual").id
    db.session.commit()
    staff = login(app.test_client(), make_user(role="moderator"))

    def shown(url: str) -> set[int]:
        text = staff.get(url).get_data(as_text=True)
        return {i for i in [*premium_ids, *standard_ids, nobody] if f">#{i}<" in text}

    assert shown("/triage") == {*premium_ids, *standard_ids, nobody}
    assert shown("/triage?tier=premium") == set(premium_ids)
    assert shown("/triage?tier=standard") == set(standard_ids)
    assert shown(f"/triage?organisation={standard.id}") == set(standard_ids)
    assert shown(f"/triage?organisation={standard.id}&tier=premium") == set()
    # A stale or mistyped filter is left out, as for the board's other filters.
    assert shown("/triage?tier=platinum") == {*premium_ids, *standard_ids, nobody}
    page = staff.get("/triage?tier=premium").get_data(as_text=True)
    assert '<option value="premium" selected>' in page and "<bdi>Acme Corp</bdi> · Premium" in page
    # The API's list takes the same filters; an unknown tier there is a 422 naming it.
    api = client_for(make_user(role="employee"))
    listed = api.get("/api/v1/cases?tier=premium").get_json()
    assert sorted(c["id"] for c in listed["items"]) == sorted(premium_ids)
    assert {c["organisation"]["name"] for c in listed["items"]} == {"Acme Corp"}
    bad = api.get("/api/v1/cases?tier=platinum")
    assert bad.status_code == 422 and "tier" in bad.get_json()["error"]["fields"]


def test_the_triage_board_queries_do_not_grow_with_organisations(app, db, make_user,
                                                                  make_thread, make_organisation,
                                                                  login):
    staff = login(app.test_client(), make_user(role="moderator"))

    def queries() -> int:
        staff.get("/triage")  # warm up
        with counting(_db.engine) as statements:
            resp = staff.get("/triage")
        assert resp.status_code == 200
        return len(statements)

    first = make_organisation(name="Org 0", tier="premium")
    _cases_for(db, make_thread, make_user, first, 2)
    small = queries()
    for i in range(1, 8):
        org = make_organisation(name=f"Org {i}", tier="premium" if i % 2 else "standard")
        _cases_for(db, make_thread, make_user, org, 2)
    text = staff.get("/triage").get_data(as_text=True)
    assert text.count("organisation-chip") == 16
    assert queries() == small
