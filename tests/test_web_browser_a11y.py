"""Accessibility in a real browser: axe-core's WCAG 2 A and AA rules (contrast among them) find
nothing on the main pages, and the keyboard reaches and shows what it focuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from .browsing import Watched

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PAGES = ["/", "/id/project/widget", "/id/project/gizmo", "/id/organization/widget-foundation", "/id/organization/acme",
         "/projects", "/events", "/queries", "/queries/steward-at?project=Widget&date=2016", "/sparql",
         "/sparql?query=SELECT+%3Fs+WHERE+%7B+%3Fs+a+sg%3AProject+%7D", "/search?q=widg", "/ontology"]


@pytest.mark.parametrize("path", PAGES)
def test_no_wcag_violations(tab: Watched, path: str) -> None:
    page = tab.page
    page.goto(tab.base + path)
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async () => (await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})).violations")
    assert [(v["id"], v["nodes"][0]["target"], v["nodes"][0]["failureSummary"]) for v in found] == []
    tab.clean()


def test_the_keyboard_reaches_the_menu_and_the_search_with_a_visible_focus(tab: Watched) -> None:
    page = tab.page
    page.goto(tab.base + "/")
    assert page.evaluate("document.activeElement.id") == "q"  # the home page starts in its search box
    page.goto(tab.base + "/id/project/widget")
    reached = []
    for _ in range(10):
        page.keyboard.press("Tab")
        reached.append(page.evaluate(
            "() => { const e = document.activeElement; const s = getComputedStyle(e);"
            " return [e.tagName, e.textContent.trim() || e.id, s.outlineStyle, s.outlineWidth]; }"))
    names = [r[1] for r in reached]
    assert names[:3] == ["StewardGraph", "projects", "events"] and "SPARQL" in names, names
    assert all(style != "none" and width != "0px" for _, _, style, width in reached), reached
    page.locator("nav a", has_text="events").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")  # follows the focused link
    assert page.url == tab.base + "/events"
    tab.clean()
