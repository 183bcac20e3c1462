"""The list pages in a real browser (issue 10, lists): facets with counts that filter, filters
in force that come off, column headers that sort, pages that keep all of it, and the same list
as CSV. Every test ends with `tab.clean()`: nothing outside the service, no console error."""

from __future__ import annotations

from typing import Any

from .browsing import Watched
from .conftest import LiveServer


def _first_cells(tab: Watched) -> list[str]:
    return [text.strip() for text in tab.page.locator("table tbody tr td:first-child").all_inner_texts()]


def test_a_facet_value_filters_the_projects_and_its_chip_removes_the_filter(tab: Watched) -> None:
    page = tab.page
    page.goto(tab.base + "/projects")
    assert _first_cells(tab) == ["Gadget", "Gizmo", "OpenGizmo", "Widget"]
    assert "1–4 of 4" in page.locator("main").inner_text()
    foundations = page.locator("aside.facets details[data-facet=foundation] li")
    assert foundations.all_inner_texts()[0].split() == ["Umbrella", "Foundation", "3"]  # with the foundations under it
    foundations.get_by_role("link", name="Widget Foundation").click()
    page.wait_for_url("**/projects?foundation=widget-foundation")
    assert _first_cells(tab) == ["Widget"]
    assert "1–1 of 1" in page.locator("main").inner_text()
    years = page.locator("aside.facets details[data-facet=year] li").all_inner_texts()
    assert [y.split() for y in years] == [["2020", "1"]]  # the facets count what the filter keeps
    chip = page.get_by_role("link", name="foundation: Widget Foundation")
    assert chip.is_visible()
    chip.click()
    page.wait_for_url("**/projects")
    assert len(_first_cells(tab)) == 4
    tab.clean()


def test_facets_add_up_and_the_year_narrows_the_events(tab: Watched) -> None:
    page = tab.page
    page.goto(tab.base + "/events")
    page.locator("aside.facets details[data-facet=type]").get_by_role("link", name="donation").click()
    page.wait_for_url("**/events?type=donation")
    assert [c for c in page.locator("table tbody tr td:nth-child(2)").all_inner_texts()] == ["donation", "donation"]
    page.locator("aside.facets details[data-facet=year]").get_by_role("link", name="2019").click()
    page.wait_for_url("**/events?type=donation&year=2019")
    assert _first_cells(tab) == ["2019-01-10"]
    chips = page.locator("ul.chips li").all_inner_texts()
    assert [c.split(" ×")[0] for c in chips] == ["type: donation", "year: 2019"]
    tab.clean()


def test_a_column_header_sorts_both_ways_and_paging_keeps_the_order(tab: Watched) -> None:
    page = tab.page
    page.goto(tab.base + "/projects?limit=3")
    header = page.locator("thead th").filter(has_text="project")
    assert header.get_attribute("aria-sort") == "ascending"
    header.get_by_role("link").click()
    page.wait_for_url("**sort=-name**")
    assert _first_cells(tab) == ["Widget", "OpenGizmo", "Gizmo"]
    assert page.locator("thead th").filter(has_text="project").get_attribute("aria-sort") == "descending"
    page.get_by_role("link", name="next").click()
    page.wait_for_url("**offset=3**")
    assert "sort=-name" in page.url
    assert _first_cells(tab) == ["Gadget"] and "4–4 of 4" in page.locator("main").inner_text()
    page.locator("thead th").filter(has_text="project").get_by_role("link").click()  # back to name order, page one
    page.wait_for_url("**sort=name**")
    assert "offset" not in page.url and _first_cells(tab) == ["Gadget", "Gizmo", "OpenGizmo"]
    tab.clean()


def test_the_csv_link_gives_the_same_list(tab: Watched) -> None:
    page = tab.page
    page.goto(tab.base + "/projects?foundation=UF&sort=-name")
    assert _first_cells(tab) == ["Widget", "OpenGizmo", "Gadget"]
    with page.expect_download() as started:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = started.value
    assert "format=csv" in download.url and "foundation=UF" in download.url and "sort=-name" in download.url
    with open(download.path(), encoding="utf-8") as saved:
        rows = saved.read().strip().splitlines()
    assert [row.split(",")[0] for row in rows] == ["project", "Widget", "OpenGizmo", "Gadget"]
    json_link = page.get_by_role("link", name="JSON", exact=True).get_attribute("href") or ""
    listed = page.request.get(tab.base + json_link).json()  # a path, like every link of the page
    assert [p["name"] for p in listed["items"]] == ["Widget", "OpenGizmo", "Gadget"] and listed["total"] == 3
    tab.clean()


def test_organizations_from_the_menu_by_kind_and_name(tab: Watched) -> None:
    page = tab.page
    page.goto(tab.base + "/")
    page.locator("nav[aria-label=Main]").get_by_role("link", name="organizations").click()
    page.wait_for_url("**/organizations")
    assert len(_first_cells(tab)) == 5
    page.locator("aside.facets details[data-facet=kind]").get_by_role("link", name="company").click()
    page.wait_for_url("**/organizations?kind=company")
    assert _first_cells(tab) == ["Acme Corp", "Globex"]
    page.locator("#organization-q").fill("glob")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url("**q=glob**")
    assert "kind=company" in page.url and _first_cells(tab) == ["Globex"]  # the search keeps the filter
    page.goto(tab.base + "/organizations?sort=-projects")
    assert _first_cells(tab)[:3] == ["Cloud Foundation", "Umbrella Foundation", "Widget Foundation"]
    page.get_by_role("link", name="Umbrella Foundation").first.click()
    page.wait_for_url("**/id/organization/umbrella-foundation")
    tab.clean()


def test_list_pages_with_facets_fit_a_phone(browser: Any, live: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    for path in ("/projects?foundation=UF", "/events", "/organizations?kind=foundation"):
        page.goto(live.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, (path, width)
        assert page.locator("aside.facets").is_visible()
        # the facets not in force are folded, so that the first rows show on the first screen
        folded = page.locator("aside.facets details:not([open])")
        assert folded.count() >= 1, path
        assert page.locator(".rows table").bounding_box()["y"] < 740, path  # type: ignore[index]
    projects = page.locator("aside.facets details[data-facet=foundation]")
    page.goto(live.url + "/projects?foundation=UF")
    assert projects.get_attribute("open") is not None  # in force: open, showing the chosen value
    year = page.locator("aside.facets details[data-facet=year]")
    assert year.get_attribute("open") is None
    year.locator("summary").click()
    assert year.get_by_role("link").first.is_visible()
    context.close()
