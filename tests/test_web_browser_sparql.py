"""The SPARQL editor and the result graph in a real browser (Chromium through Playwright, against
`stewardgraph serve`): highlighting, prefix completion, the error line, the keyboard, a phone's
width, and CONSTRUCT results drawn by static/graph.js. Every test fails on a request outside the
service or a console error (`tab.clean()`, see tests/browsing.py)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from playwright.sync_api import expect

from .browsing import Watched
from .conftest import LiveServer

SKOS = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>"
LABELLED = ("CONSTRUCT { ?p a sg:Project ; rdfs:label ?name } WHERE { ?p a sg:Project ; rdfs:label ?name }")
EDITOR = "document.querySelector('.CodeMirror').CodeMirror"


def editor(page: Any) -> Any:
    """The editor, once editor.js has made it: the place to click and type."""
    page.locator(".CodeMirror").wait_for()
    return page.locator(".CodeMirror")


def value(page: Any) -> str:
    return str(page.evaluate(f"{EDITOR}.getValue()"))


def replace_text(page: Any, text: str) -> None:
    editor(page).click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)


def test_the_editor_highlights_the_query(tab: Watched) -> None:
    page = tab.page
    page.goto(tab.base + "/sparql?query=" + quote("SELECT ?name WHERE { ?p rdfs:label ?name }"))
    code = editor(page)
    assert code.locator(".cm-keyword").all_inner_texts()[:2] == ["SELECT", "WHERE"]
    assert code.locator(".cm-variable-2").all_inner_texts() == ["?name", "?p", "?name"]
    assert code.locator(".cm-atom").all_inner_texts() == ["rdfs:label"]
    assert page.locator("#query").get_attribute("aria-hidden") == "true"  # one query field for a screen reader
    assert page.locator("label[for=query-editor]").inner_text() == "Query"
    assert "Tab and Shift+Tab move on" in page.locator("#query-keys").inner_text()  # shown once it applies
    tab.clean()


def test_completing_a_prefix_declares_it_once(tab: Watched) -> None:
    page = tab.page
    page.goto(tab.base + "/sparql?query=" + quote("SELECT ?s ?l WHERE {\n}"))
    editor(page)
    page.evaluate(f"{EDITOR}.setCursor(1, 0)")
    page.evaluate(f"{EDITOR}.focus()")
    page.keyboard.type("?s sk")
    page.keyboard.press("Control+Space")
    options = page.get_by_role("listbox", name="Completions").get_by_role("option")
    assert options.all_inner_texts() == ["skos:  <http://www.w3.org/2004/02/skos/core#>"]
    page.keyboard.press("Enter")
    assert value(page) == f"{SKOS}\nSELECT ?s ?l WHERE {{\n?s skos:}}"
    page.keyboard.type("prefLabel ?l ; sk")
    page.keyboard.press("Control+Space")
    page.keyboard.press("Enter")
    assert value(page).count("PREFIX skos:") == 1 and "?l ; skos:}" in value(page)
    page.keyboard.press("Backspace")  # back to "skos": offer and declare an sg: term as it is typed
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.keyboard.type("a sg:")
    assert "sg:Project" in options.all_inner_texts()  # the colon opened the list
    page.keyboard.type("Proj")
    expect(options).to_have_text(["sg:Project", "sg:project"])  # the class, and the property (once the list updates)
    page.keyboard.press("Enter")
    assert value(page) == (f"{SKOS}\nPREFIX sg: <https://w3id.org/stewardgraph/ns#>\n"
                           "SELECT ?s ?l WHERE {\n?s skos:prefLabel ?l ; a sg:Project}")
    assert page.locator("#query").input_value() == value(page)  # the form sends what the editor shows
    page.keyboard.press("Control+Enter")
    page.wait_for_url("**/sparql?query=*")
    assert page.locator("table tbody tr").count() == 0 and page.get_by_role("alert").count() == 0
    assert "0 rows" in page.locator("main").inner_text()  # ran: the declarations are well formed
    tab.clean()


def test_a_syntax_error_marks_its_line_and_keeps_the_query(tab: Watched) -> None:
    page = tab.page
    page.goto(tab.base + "/sparql")
    replace_text(page, "SELECT ?x WHERE {\n  ?x ?y }")
    typed = value(page)
    page.get_by_role("button", name="Run").click()
    page.get_by_role("alert").wait_for()
    assert "line 2, column 9" in page.get_by_role("alert").inner_text()
    editor(page)
    assert value(page) == typed and page.locator("#query").input_value() == typed
    marked = page.evaluate(f"[0, 1].map(n => {EDITOR}.lineInfo(n).bgClass)")
    assert marked == [None, "cm-error-line"]
    assert page.locator(".CodeMirror .cm-error-at").inner_text() == "}"
    assert page.locator(".CodeMirror .cm-error-line").bounding_box()["height"] > 5  # drawn
    editor(page).click()
    page.keyboard.type(" ")
    assert page.locator(".CodeMirror .cm-error-line").count() == 0  # an edited query is not the one that failed
    tab.errors = [e for e in tab.errors if "400" not in e]  # the page's own status, logged by the browser
    tab.clean()


def test_the_keyboard_moves_in_and_out_of_the_editor(tab: Watched) -> None:
    page = tab.page
    page.goto(tab.base + "/sparql")
    editor(page)
    page.get_by_text("Query", exact=True).click()  # the label leads to the editor
    assert page.evaluate("document.activeElement.id") == "query-editor"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Run"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == "query-editor"
    before = value(page)
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") != "query-editor" and value(page) == before
    tab.clean()


def test_a_construct_result_is_drawn_as_a_graph(tab: Watched) -> None:
    page = tab.page
    page.goto(tab.base + "/sparql?query=" + quote(LABELLED))
    figure = page.locator("figure.graph")
    nodes = figure.locator("svg .nodes .node")
    nodes.first.wait_for()
    assert "5 nodes and 4 edges" in figure.locator("figcaption").inner_text()
    assert nodes.count() == 5  # four projects and sg:Project; a label names its node, it is no node
    assert figure.locator("svg .edges path[marker-end]").count() == 4
    assert figure.locator("svg .edge-labels text").all_text_contents() == ["rdf:type"] * 4
    assert sorted(figure.locator("svg .node text").all_text_contents()) == [
        "Gadget", "Gizmo", "OpenGizmo", "Widget", "sg:Project"]
    assert figure.locator(".graph-legend li").all_inner_texts() == ["project", "other resource"]
    widget = figure.get_by_role("link", name="Widget (project)")
    assert widget.get_attribute("href") == "/id/project/widget"
    transforms = nodes.evaluate_all("ns => ns.map(n => n.getAttribute('transform'))")
    assert len(set(transforms)) == 5  # laid out apart
    page.reload()
    nodes.first.wait_for()
    assert nodes.evaluate_all("ns => ns.map(n => n.getAttribute('transform'))") == transforms  # the same each time

    node = nodes.filter(has=page.get_by_role("link", name="Widget (project)"))
    circle = node.locator("circle")
    figure.locator("svg").scroll_into_view_if_needed()
    box = circle.bounding_box()
    paths = figure.locator("svg .edges path").evaluate_all("ps => ps.map(p => p.getAttribute('d'))")
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 50, y + 40, steps=5)  # down, so that it stays inside the drawing
    page.mouse.up()
    assert page.url.endswith(quote(LABELLED))  # a drag is not a click
    moved = circle.bounding_box()
    centre = moved["x"] + moved["width"] / 2, moved["y"] + moved["height"] / 2
    assert (round(centre[0] - x), round(centre[1] - y)) == (50, 40)  # it followed the mouse
    after = figure.locator("svg .edges path").evaluate_all("ps => ps.map(p => p.getAttribute('d'))")
    assert sum(a != b for a, b in zip(after, paths)) == 1  # and so did its edge, alone

    turtle = page.get_by_role("link", name="download as Turtle").get_attribute("href") or ""
    response = page.request.get(tab.base + turtle)
    assert response.status == 200 and response.headers["content-type"].startswith("text/turtle")
    assert len(list(ox.parse(response.body(), format=ox.RdfFormat.TURTLE))) == 8

    widget.click()  # the dot
    page.wait_for_url("**/id/project/widget")
    assert page.locator("h1").inner_text() == "Widget"
    page.go_back()
    node.locator("text").click()  # or its label
    page.wait_for_url("**/id/project/widget")
    page.go_back()
    widget.focus()  # a linked node is in the tab order, and opens with Enter
    page.keyboard.press("Enter")
    page.wait_for_url("**/id/project/widget")
    tab.clean()


def test_the_editor_and_the_graph_fit_a_phone(tab: Watched) -> None:
    page = tab.page
    page.set_viewport_size({"width": 375, "height": 740})
    wide = ("SELECT ?project ?name WHERE { ?project a sg:Project ; rdfs:label ?name ; sg:license ?license } "
            "ORDER BY ?name")
    everything = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    for path in ("/sparql", "/sparql?query=" + quote(wide), "/sparql?query=" + quote(everything)):
        page.goto(tab.base + path)
        editor(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
        assert editor(page).bounding_box()["width"] <= 375
    assert page.locator("figure.graph svg").count() == 1
    assert "first 150 of" in page.locator("figure.graph figcaption").inner_text()  # the drawing is capped
    editor(page).click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" s")
    page.keyboard.press("Control+Space")
    hints = page.locator(".CodeMirror-hints")
    hints.wait_for()
    assert hints.bounding_box()["x"] + hints.bounding_box()["width"] <= 375
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    tab.clean()


def test_without_scripts_the_form_and_the_figure_still_work(browser: Any, live: LiveServer) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live.url + "/sparql")
    assert page.locator("#query").is_visible() and page.locator(".CodeMirror").count() == 0
    assert page.locator("#query-keys").is_hidden()  # the editor's keys say nothing about a textarea
    page.locator("#query").fill(LABELLED)
    page.get_by_role("button", name="Run").click()
    page.wait_for_url("**/sparql?query=*")
    figure = page.locator("figure.graph")
    assert "5 nodes and 4 edges" in figure.locator("figcaption").inner_text()
    assert figure.locator("svg").count() == 0
    figure.get_by_text("The 8 triples as a table").click()
    assert figure.locator("table tbody tr").count() == 8
    assert figure.get_by_role("link", name="https://w3id.org/stewardgraph/id/project/widget").count() == 2
    context.close()
