"""The search page: results name their space, filters fold behind a button on a phone."""

from __future__ import annotations

import re


def test_results_show_the_space_name_not_its_slug(app, make_space, make_thread, drain):
    space = make_space(slug="torrefaction-maison", name="Torréfaction à la maison")
    make_thread(space=space, title="Which roasting curve for a washed Ethiopian?")
    drain()
    html = app.test_client().get("/search?q=roasting").get_data(as_text=True)
    link = re.search(r'<a class="space-link" href="/spaces/torrefaction-maison">([^<]+)</a>', html)
    assert link and link.group(1) == "Torréfaction à la maison"


def test_filters_are_folded_until_one_is_used(app, make_space, make_thread, drain):
    make_thread(space=make_space(slug="roasting"), title="Roasting at home without smoke")
    drain()
    html = app.test_client().get("/search?q=roasting").get_data(as_text=True)
    details = re.search(r'<details class="search-filter-toggle"[^>]*>', html).group(0)
    assert " open" not in details
    assert '<summary class="button button-secondary button-small">Filters</summary>' in html
    # The words stay outside the fold; the space filter is inside it.
    assert html.index('id="search-q"') < html.index("<details") < html.index('id="search-space"')
    filtered = app.test_client().get("/search?q=roasting&kind=idea").get_data(as_text=True)
    assert re.search(r'<details class="search-filter-toggle"[^>]* open>', filtered)
