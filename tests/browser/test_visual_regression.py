"""The main pages look as approved: screenshots compared with tests/browser/approved/.

Each role's main pages, in English and French, 1280 and 390 px wide, against the fixed
community of showcase.py (fixed names, numbers and dates), animations and the caret off.
A page fails when more than 0.5 % of its pixels moved by more than a faint shade; the
difference image is written to a temporary folder named in the failure. To approve new
looks: ``UPDATE_SCREENSHOTS=1 pytest tests/browser/test_visual_regression.py``, look at
the PNGs in git's diff, commit them.
"""

from __future__ import annotations

import os
import tempfile
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from tests.browser import showcase

pytestmark = pytest.mark.browser

APPROVED = Path(__file__).resolve().parent / "approved"
WIDTHS = {"wide": (1280, 800), "phone": (390, 844)}
LANGS = {"en": "en-GB", "fr": "fr-FR"}
SHADE = 24          # a channel moved by more than this counts as a changed pixel
MAX_CHANGED = 0.005  # share of changed pixels a page may have (anti-aliasing noise)
TALLEST = 3000       # px: below that, a long page's screenshot adds bytes, not checks

# role -> (who signs in, [(name, path)]). Kept small: each line is 4 screenshots.
MATRIX = {
    "guest": (None, [("home", "/"), ("thread", "thread:Sync stops with error E1042 after the update"),
                     ("search", "/search?q=invoices")]),
    "member": ("alice", [("leaderboard", "/leaderboard?period=all"), ("profile", "/users/alice")]),
    "employee": ("emma", [("triage", "/triage")]),
    "admin": ("odile", [("admin", "/admin")]),
}


def changed_share(approved: Image.Image, shot: Image.Image) -> tuple[float, Image.Image]:
    """The share of pixels that moved by more than SHADE, and a picture of them."""
    if approved.size != shot.size:
        # A different height is a layout change: compare over the larger canvas.
        size = (max(approved.width, shot.width), max(approved.height, shot.height))
        approved, shot = (_on_canvas(approved, size), _on_canvas(shot, size))
    diff = ImageChops.difference(approved.convert("RGB"), shot.convert("RGB"))
    mask = diff.convert("L").point(lambda v: 255 if v > SHADE else 0)
    changed = sum(mask.histogram()[255:])
    picture = Image.composite(Image.new("RGB", shot.size, (230, 0, 60)),
                              shot.convert("RGB").point(lambda v: 150 + v * 100 // 255), mask)
    return changed / (shot.width * shot.height), picture


def _on_canvas(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    canvas = Image.new("RGB", size, (255, 0, 255))
    canvas.paste(image.convert("RGB"), (0, 0))
    return canvas


def take(page, url: str) -> Image.Image:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")
    png = page.screenshot(full_page=True, animations="disabled", caret="hide", scale="css")
    image = Image.open(BytesIO(png))
    if image.height > TALLEST:
        image = image.crop((0, 0, image.width, TALLEST))
    return image


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(showcase.PASSWORD)
    page.locator("form.stacked-form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/login" not in url)


def screenshots(live_server, new_page, threads: dict[str, int]):
    """Yields (name, image) for the whole matrix."""
    for role, (username, pages) in MATRIX.items():
        for lang, locale in LANGS.items():
            page = new_page(locale=locale, timezone_id="Europe/Paris",
                            viewport={"width": 1280, "height": 800}, reduced_motion="reduce")
            if username:
                sign_in(page, live_server, username)
            for width_name, (width, height) in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": height})
                for name, path in pages:
                    if path.startswith("thread:"):
                        path = f"/threads/{threads[path[7:]]}"
                    yield f"{role}-{name}-{lang}-{width_name}", take(page, live_server + path)


def test_main_pages_look_as_approved(app, db, live_server, new_page):
    threads = showcase.build(app)
    update = os.environ.get("UPDATE_SCREENSHOTS") == "1"
    out = Path(tempfile.mkdtemp(prefix="screenshots-"))
    failures, seen = [], set()
    for name, shot in screenshots(live_server, new_page, threads):
        seen.add(name)
        target = APPROVED / f"{name}.png"
        if update:
            APPROVED.mkdir(exist_ok=True)
            shot.convert("RGB").save(target, optimize=True)
            continue
        if not target.exists():
            shot.save(out / f"{name}.png")
            failures.append(f"{name}: no approved screenshot (new one at {out / name}.png; "
                            "UPDATE_SCREENSHOTS=1 approves)")
            continue
        share, picture = changed_share(Image.open(target), shot)
        if share > MAX_CHANGED:
            picture.save(out / f"{name}-diff.png")
            shot.save(out / f"{name}.png")
            failures.append(f"{name}: {share:.2%} of pixels changed; diff at "
                            f"{out / name}-diff.png, new screenshot at {out / name}.png")
    stale = {p.stem for p in APPROVED.glob("*.png")} - seen
    if update:
        for name in stale:
            (APPROVED / f"{name}.png").unlink()
        pytest.skip(f"approved {len(seen)} screenshots in {APPROVED}")
    assert len(seen) >= 20, sorted(seen)
    assert not stale, f"approved screenshots no page takes any more: {sorted(stale)}"
    assert not failures, "\n".join(failures)
