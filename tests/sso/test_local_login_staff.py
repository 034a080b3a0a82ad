"""COMMUNITY_LOCAL_LOGIN_STAFF=false: staff passwords no longer open a session or get a
token; they are sent to single sign-on. Members keep their passwords."""

from __future__ import annotations

PASSWORD = "correct-horse-battery"  # the make_user fixture's


def test_staff_password_sign_in_is_refused_when_local_login_for_staff_is_off(
        make_sso_app, make_user, app):
    employee, member = make_user(role="employee"), make_user()
    site = make_sso_app(LOCAL_LOGIN_STAFF=False)
    browser = site.test_client()
    csrf = browser.get("/csrf-token").get_json()["csrf_token"]
    page = browser.post("/login", data={"login": employee.username, "password": PASSWORD,
                                        "csrf_token": csrf})
    assert page.status_code == 403
    assert "single sign-on" in page.get_data(as_text=True)
    assert browser.get("/api/v1/me").status_code == 401
    api = site.test_client().post("/api/v1/auth/token",
                                  json={"login": employee.username, "password": PASSWORD})
    assert api.status_code == 403 and "single sign-on" in api.get_json()["error"]["message"]
    # A wrong password says nothing about who is staff.
    wrong = site.test_client().post("/api/v1/auth/token",
                                    json={"login": employee.username, "password": "nope-nope-1"})
    assert wrong.status_code == 401
    assert site.test_client().post("/api/v1/auth/token", json={
        "login": member.username, "password": PASSWORD}).status_code == 200
    # On by default.
    assert app.test_client().post("/api/v1/auth/token", json={
        "login": employee.username, "password": PASSWORD}).status_code == 200
