"""The pages in a real browser: Debian's Chromium, driven by Playwright, against `stewardgraph
serve` in a subprocess. A page fails its test if it asks for any URL outside the service or logs
a console error (the `tab` fixture and `Watched` live in tests/browsing.py)."""

from __future__ import annotations

from .browsing import Watched


def test_search_for_a_project_and_open_it(tab: Watched) -> None:
    page = tab.page
    page.goto(tab.base + "/")
    assert "projects" in page.locator("ul.figures").inner_text()
    box = page.get_by_role("combobox")
    assert box.get_attribute("aria-expanded") == "false"
    box.fill("widg")
    option = page.get_by_role("option", name="Widget (project)")
    option.wait_for()
    assert box.get_attribute("aria-expanded") == "true"  # a screen reader hears that the list opened
    option.click()
    page.wait_for_url("**/id/project/widget")
    assert page.locator("h1").inner_text() == "Widget"
    tab.clean()


def test_the_timeline_shows_the_dated_steps(tab: Watched) -> None:
    page = tab.page
    page.goto(tab.base + "/id/project/widget")
    periods = page.locator(".timeline .period")
    assert periods.count() == 2
    first, second = periods.nth(0).inner_text(), periods.nth(1).inner_text()
    assert "Acme Widgets" in first and "2015 – 2020-06-15" in first  # named as it was, at the date's precision
    assert "(Acme Corp today)" in first  # and still recognisable by its name now
    assert "Widget Foundation" in second and "2020-06-15 – now" in second
    steps = page.locator(".timeline .steps li").all_inner_texts()
    assert steps[0].startswith("2015 creation") and any(s.startswith("2020-06-15 donation from Acme Corp") for s in steps)
    bar = periods.nth(0).locator(".bar").bounding_box()
    assert bar is not None and bar["width"] > 10  # drawn, not just listed
    texts = page.locator("main a").all_inner_texts()
    assert not [t for t in texts if "/id/stewardship/" in t]  # a stewardship shows as words, not an IRI
    # named as the timeline names it: the steward as it was called when the stewardship began
    assert "Acme Widgets (owner) for Widget, 2015 – 2020-06-15" in texts
    tab.clean()


def test_a_foundation_page_lists_its_sponsors(tab: Watched) -> None:
    page = tab.page
    page.goto(tab.base + "/id/organization/widget-foundation")
    sponsors = page.locator("h2:has-text('Sponsors') ~ table").first
    assert "Diamond" in sponsors.inner_text() and "50,000" in sponsors.inner_text()
    note = page.locator("h2:has-text('Sponsors') + p")
    assert "3 on record" in note.inner_text()
    csv = page.request.get(tab.base + note.get_by_role("link", name="all as CSV").get_attribute("href"))
    assert csv.ok and "Diamond" in csv.text() and len(csv.text().strip().splitlines()) == 4
    years = page.locator("ol.by-year li").all_inner_texts()
    assert years[0].split() == ["2020", "1"]  # Widget, hosted since 2020-06-15
    assert page.locator("ol.by-year li .count-bar").first.bounding_box()["width"] > 10
    tab.clean()


def test_run_a_named_query_from_its_form(tab: Watched) -> None:
    page = tab.page
    page.goto(tab.base + "/queries")
    page.get_by_role("link", name="Steward at a date").click()
    page.wait_for_url("**/queries/steward-at")
    page.locator("#p-project").fill("Widget")
    page.locator("#p-date").fill("2016")
    page.get_by_role("button", name="Run").click()
    page.wait_for_url("**/queries/steward-at?*")
    cells = page.locator("table tbody tr").first.locator("td").all_inner_texts()
    assert cells[:3] == ["Acme Widgets", "owner", "2015"]
    assert page.locator("#p-date").input_value() == "2016"  # the form keeps what was asked
    assert page.get_by_role("link", name="CSV").get_attribute("href").startswith("/queries/steward-at.csv?")
    page.get_by_role("link", name="SPARQL", exact=True).last.click()  # the same question, in the editor
    page.wait_for_url("**/sparql?query=*")
    assert "Acme Widgets" in page.locator("table tbody").inner_text()
    tab.clean()


def test_a_user_error_shows_on_the_form(tab: Watched) -> None:
    page = tab.page
    response = page.goto(tab.base + "/queries/steward-at?project=Nothing&date=2016")
    assert response is not None and response.status == 400
    assert "no project has the id, name or alias 'Nothing'" in page.get_by_role("alert").inner_text()
    assert page.locator("#p-project").input_value() == "Nothing"
    tab.errors = [e for e in tab.errors if "400" not in e]  # the browser logs the page's own status
    tab.clean()


def test_lists_page_through_and_offer_json_and_csv(tab: Watched) -> None:
    page = tab.page
    page.goto(tab.base + "/events?limit=3")
    assert page.locator("table tbody tr").count() == 3
    page.get_by_role("link", name="next").click()
    page.wait_for_url("**offset=3**")
    assert page.locator("table tbody tr").count() >= 1
    assert "format=csv" in (page.get_by_role("link", name="CSV").get_attribute("href") or "")
    tab.clean()


def test_the_api_documentation_works_offline(tab: Watched) -> None:
    page = tab.page
    page.goto(tab.base + "/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "StewardGraph" in page.locator(".swagger-ui .info .title").inner_text()
    page.goto(tab.base + "/redoc")
    page.locator("h1", has_text="StewardGraph").first.wait_for()  # ReDoc drew the API's title
    tab.clean()


def test_pages_fit_a_phone(browser: Any, live: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    for path in ("/", "/id/project/widget", "/queries/steward-at", "/events"):
        page.goto(live.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, (path, width)
    context.close()


SELECT_WIDGETS = "SELECT ?p ?name WHERE { ?p a sg:Project ; rdfs:label ?name } ORDER BY ?name"


def test_run_sparql_in_the_editor_and_follow_an_iri(tab: Watched) -> None:
    page = tab.page
    page.goto(tab.base + "/sparql")
    page.locator("#query").fill(SELECT_WIDGETS)
    page.get_by_role("button", name="Run").click()
    page.wait_for_url("**/sparql?query=*")  # a result has a URL that can be shared
    assert page.locator("table thead").inner_text().split() == ["p", "name"]
    assert page.locator("table tbody tr").count() == 4
    assert page.locator("#query").input_value() == SELECT_WIDGETS
    page.locator("table tbody tr").filter(has_text="Widget").first.locator("a").first.click()
    page.wait_for_url("**/id/project/*")
    assert page.locator("h1").inner_text() in ("Gadget", "Gizmo", "OpenGizmo", "Widget")
    tab.clean()


def test_a_syntax_error_shows_where_and_keeps_the_query(tab: Watched) -> None:
    page = tab.page
    page.goto(tab.base + "/sparql")
    broken = "SELECT ?p WHERE {\n  ?p a sg:Project\n  FILTER(\n}"
    page.locator("#query").fill(broken)
    page.get_by_role("button", name="Run").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "line" in alert.inner_text() and "column" in alert.inner_text()
    assert page.locator("#query").input_value() == broken
    tab.errors = [e for e in tab.errors if "400" not in e]  # the page's own status, logged by the browser
    tab.clean()


def test_a_construct_result_shows_its_triples_and_a_download(tab: Watched) -> None:
    page = tab.page
    page.goto(tab.base + "/sparql")
    page.locator("#query").fill("CONSTRUCT { ?p a sg:Project } WHERE { ?p a sg:Project }")
    page.get_by_role("button", name="Run").click()
    page.wait_for_url("**/sparql?query=*")
    assert "4 triples" in page.locator("main").inner_text()
    assert page.locator("table tbody tr").count() == 4
    download = page.get_by_role("link", name="download as Turtle").get_attribute("href") or ""
    response = page.request.get(tab.base + download)
    assert response.status == 200 and response.headers["content-type"].startswith("text/turtle")
    tab.clean()


def test_a_project_page_draws_its_neighbourhood(tab: Watched) -> None:
    page = tab.page
    page.goto(tab.base + "/id/project/widget")
    graph = page.locator("figure.graph svg")
    graph.wait_for()
    labels = graph.locator("text").all_text_contents()
    assert {"Widget", "Acme Widgets", "Widget Foundation"} <= set(labels)
    page.locator("figure.graph a", has_text="Widget Foundation").first.click()
    page.wait_for_url("**/id/organization/widget-foundation")
    tab.clean()
