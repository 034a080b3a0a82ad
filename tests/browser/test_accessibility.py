"""axe-core finds no serious or critical violation on the main pages.

axe's script comes from the axe-playwright-python package (its axe.min.js, MPL-2.0) and
is evaluated in the page: a <script> tag would be refused by the pages' strict CSP,
which is the point of having one.
"""

from __future__ import annotations

from importlib import resources

import pytest

from tests.browser import showcase
from tests.browser.test_visual_regression import sign_in

pytestmark = pytest.mark.browser

SEVERE = {"serious", "critical"}
# role -> (who signs in, paths); threads are named by title.
PAGES = {
    "guest": (None, ["/", "thread:How do I export my invoices as CSV files?",
                     "/search?q=invoices", "/leaderboard?period=all", "/badges", "/login",
                     "/register", "/tags"]),
    "member": ("alice", ["/users/alice", "/ask", "/notifications", "/notifications/preferences",
                         "/settings"]),
    "employee": ("emma", ["/triage", "thread:Sync stops with error E1042 after the update",
                          "/cases"]),
    # Every page the admin index links to.
    "admin": ("odile", ["/admin", "/moderation", "/admin/spaces", "/admin/users",
                        "/admin/analytics", "/admin/organisations", "/admin/webhooks",
                        "/admin/groups", "/admin/saved-replies", "/admin/settings",
                        "/moderation/words", "/moderation/ambassadors", "/moderation/audit",
                        "/tags"]),
}


def axe_source() -> str:
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text()


def severe_violations(page) -> list[str]:
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       targets: v.nodes.map(n => n.target.join(' '))}));
    }""")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['targets'][:5])}"
            for v in result if v["impact"] in SEVERE]


def test_main_pages_have_no_serious_accessibility_violation(app, db, live_server, new_page):
    threads = showcase.build(app)
    source = axe_source()
    found = {}
    checked = 0
    for role, (username, paths) in PAGES.items():
        # Both languages and both widths, crossed to keep the run short.
        for lang, locale, width in (("en", "en-GB", 1280), ("fr", "fr-FR", 390)):
            page = new_page(locale=locale, viewport={"width": width, "height": 900})
            if username:
                sign_in(page, live_server, username)
            for path in paths:
                if path.startswith("thread:"):
                    path = f"/threads/{threads[path[7:]]}"
                page.goto(live_server + path)
                page.evaluate(source)
                problems = severe_violations(page)
                checked += 1
                if problems:
                    found[f"{role} {lang} {path}"] = problems
    assert checked == 2 * sum(len(paths) for _u, paths in PAGES.values())
    assert found == {}, "\n".join(f"{where}:\n  " + "\n  ".join(p) for where, p in found.items())
