"""/admin/analytics: staff see the figures as SVG charts and tables, under the strict
CSP (no inline script or style), in English and French; members get a 404."""

from __future__ import annotations

import re


def test_staff_see_charts_tables_and_the_csv_link(app, history, login):
    browser = login(app.test_client(), history.users["emp"])
    resp = browser.get("/admin/analytics?from=2026-11-23&to=2026-11-30")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert page.count('<svg class="chart-svg"') == 3
    assert "/api/v1/analytics/export.csv?from=2026-11-23&amp;to=2026-11-30" in page
    assert "<dt>Questions asked</dt><dd>5</dd>" in page
    assert "<td>2026-11-23</td><td>1</td><td>1</td><td>1</td><td>1</td>" in page  # who solved
    # Histogram: 10, 20 and 30 minutes then 5,400 (over 3 days).
    assert "<tr><td>under 15 min</td><td>1</td></tr>" in page
    assert "<tr><td>over 3 days</td><td>1</td></tr>" in page
    # The ambassador pipeline and the ideas' time to a decision (test_api derives them).
    assert "<tr><th>Confirmed ambassadors</th><td>1</td></tr>" in page
    assert "<tr><th>Share of answers</th><td>33 % (2 / 6)</td></tr>" in page
    assert "Close to the rule (three quarters of each criterion)</th><td>0</td>" in page
    assert ("Shipped: 1. Decided in the period: 2; time from new to a decision: "
            "median 120.0 min, 90th percentile 2880.0 min.") in page
    # Nothing the CSP would block: no inline style, no inline script.
    assert not re.search(r"\sstyle=", page)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert "unsafe-inline" not in resp.headers["Content-Security-Policy"]


def test_in_french_and_with_a_bad_date(app, history, login):
    browser = login(app.test_client(), history.users["mod"])
    page = browser.get("/admin/analytics?from=2026-11-23&to=2026-11-30",
                       headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Questions posées" in page and "Questions asked" not in page
    assert "<tr><th>Part des réponses</th>" in page
    assert "délai entre « nouvelle » et une décision : médiane 120.0 min" in page
    resp = browser.get("/admin/analytics?from=23/11/2026")
    assert resp.status_code == 400
    assert 'id="from-errors"' in resp.get_data(as_text=True)


def test_members_get_a_404_and_guests_are_asked_to_sign_in(app, history, login):
    member = login(app.test_client(), history.users["bob"])
    assert member.get("/admin/analytics").status_code == 404
    guest = app.test_client().get("/admin/analytics")
    assert guest.status_code == 303 and "/login" in guest.headers["Location"]
