"""On a 390 px phone no table cell is narrower than its longest word, and no page scrolls
sideways: wide tables scroll inside their own box instead of breaking words."""

from __future__ import annotations

import pytest

from tests.browser import showcase
from tests.browser.test_visual_regression import sign_in

pytestmark = pytest.mark.browser

# For every visible cell: its content box against the widest of its words in its own font.
SQUEEZED = """() => {
  const canvas = document.createElement('canvas').getContext('2d');
  const out = [];
  for (const cell of document.querySelectorAll('main td, main th')) {
    if (!cell.offsetParent) continue;
    const style = getComputedStyle(cell);
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    for (const el of [cell, ...cell.querySelectorAll(':not(select, option)')]) {
      const s = getComputedStyle(el);
      canvas.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
      for (const node of el.childNodes) {
        if (node.nodeType !== 3) continue;
        for (const word of node.textContent.split(/\\s+/)) {
          if (word && canvas.measureText(word).width > room + 1) out.push(word);
        }
      }
    }
  }
  return out;
}"""


def test_tables_keep_whole_words_on_a_phone(app, db, live_server, new_page):
    showcase.build(app)
    for username, paths in (("alice", ["/users/alice", "/notifications/preferences",
                                       "/leaderboard?period=all"]),
                            ("emma", ["/triage", "/cases"]),
                            ("marc", ["/moderation/audit", "/moderation/words"])):
        for locale in ("en-GB", "fr-FR"):
            page = new_page(locale=locale, viewport={"width": 390, "height": 844})
            sign_in(page, live_server, username)
            for path in paths:
                page.goto(live_server + path)
                assert page.locator("main table").count() > 0 or path == "/moderation/words", path
                assert page.evaluate(SQUEEZED) == [], (locale, path)
                assert page.evaluate("document.documentElement.scrollWidth") <= 390, (locale, path)
