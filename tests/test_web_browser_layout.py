"""Where things are drawn, in a real browser (Chromium, as in tests/test_web_browser.py): the
timeline's year ticks line up with its bars, and the neighbourhood graph uses the space it has
without its node labels running into each other. A page that asks for a URL outside the service
or logs a console error fails, as everywhere (`tab.clean()`)."""

from __future__ import annotations

from itertools import combinations
from typing import Any
from urllib.parse import urlencode

import pytest

from .browsing import Watched

PHONE, DESKTOP = {"width": 375, "height": 740}, {"width": 1280, "height": 900}
# A bigger graph: 27 nodes and 30 edges of the fixture data, drawn by the SPARQL page.
LINKS = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o . FILTER(isIRI(?o)) } ORDER BY ?s ?p ?o LIMIT 30"


def _box(locator: Any) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None, locator
    return dict(box)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_timeline_ticks_sit_where_the_bars_put_their_years(tab: Watched, viewport: dict[str, int]) -> None:
    page = tab.page
    page.set_viewport_size(viewport)
    page.goto(tab.base + "/id/project/widget")
    bars = page.locator(".timeline .period .bar")
    # Acme Widgets held it from 2015, the Widget Foundation from 2020-06-15: two points of the scale.
    x2015, x2020 = _box(bars.nth(0))["x"], _box(bars.nth(1))["x"]
    per_year = (x2020 - x2015) / (5 + 5 / 12 + 14 / 365)
    assert per_year > 10
    track = _box(page.locator(".timeline .period .track").first)
    ticks = page.locator(".timeline .axis span:not(:has(*))")  # the years
    assert ticks.count() >= 2
    for i in range(ticks.count()):
        tick = ticks.nth(i)
        box = _box(tick)
        centre, year = box["x"] + box["width"] / 2, int(tick.inner_text())
        assert abs(centre - (x2015 + (year - 2015) * per_year)) <= 2, (year, centre, x2015, per_year)
        assert track["x"] - 1 <= centre <= track["x"] + track["width"] + 1, (year, centre, track)
        assert box["y"] >= track["y"], (year, box, track)  # under the bars
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    tab.clean()


@pytest.mark.parametrize("path", ["/id/project/widget", "/id/project/gizmo", "/sparql?" + urlencode({"query": LINKS})],
                         ids=["widget", "gizmo", "sparql"])
def test_the_graph_spreads_out_and_its_labels_do_not_overlap(tab: Watched, path: str) -> None:
    page = tab.page
    page.goto(tab.base + path)
    graph = page.locator("figure.graph svg")
    graph.wait_for()
    labels = graph.locator(".node text")
    assert labels.count() >= 3
    boxes = [_box(labels.nth(i)) for i in range(labels.count())]
    for a, b in combinations(boxes, 2):
        apart = (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                 or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])
        assert apart, (a, b)
    dots = [_box(dot) for dot in graph.locator(".node circle, .node rect").all()]
    xs = [d["x"] + d["width"] / 2 for d in dots]
    ys = [d["y"] + d["height"] / 2 for d in dots]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    assert width > 0 and height >= 0.3 * width, (width, height)  # not a flat strip
    tab.clean()
