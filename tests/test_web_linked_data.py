"""Resolvable IRIs and the ontology, with content negotiation."""

from __future__ import annotations

import html
import json
import re

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

WIDGET = "https://w3id.org/stewardgraph/id/project/widget"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_turtle(client: TestClient) -> None:
    response = client.get("/id/project/widget", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
    assert {t.subject.value for t in triples} == {WIDGET}
    assert ("http://www.w3.org/2000/01/rdf-schema#label", "Widget") in {(t.predicate.value, t.object.value) for t in triples}


def test_jsonld_with_a_published_context(client: TestClient) -> None:
    response = client.get("/id/project/widget", headers={"Accept": "application/ld+json"})
    document = response.json()
    assert document["@id"] == WIDGET and document["name"] == "Widget"
    assert document["@context"] == "https://w3id.org/stewardgraph/context.jsonld"  # stable, not this host's
    assert response.headers["link"].startswith("<http://testserver/context.jsonld>")  # the copy served here
    context = client.get("/context.jsonld").json()
    # expanding with the published context gives the same triples as Turtle
    inline = json.dumps({**document, "@context": context["@context"]}).encode()
    from_jsonld = {str(t) for t in ox.parse(inline, format=ox.RdfFormat.JSON_LD)}
    turtle = client.get("/id/project/widget", headers={"Accept": "text/turtle"}).content
    assert from_jsonld == {str(t) for t in ox.parse(turtle, format=ox.RdfFormat.TURTLE)}


def test_plain_json_gets_json_ld(client: TestClient) -> None:
    response = client.get("/id/project/widget", headers={"Accept": "application/json"})
    assert response.headers["content-type"].startswith("application/ld+json")
    assert "@context" in response.json()


def test_html_page_for_browsers(client: TestClient) -> None:
    page = client.get("/id/project/widget", headers={"Accept": BROWSER})
    assert page.headers["content-type"].startswith("text/html")
    text = page.text
    assert "<h1>Widget</h1>" in text
    assert 'href="/id/organization/acme"' in text  # related entities link to this server
    assert "Stewards" in text and "Events" in text and "2020-06-15" in text
    assert "https://example.org/widget" in text  # sources


def test_event_and_stewardship_pages_name_parties_as_they_were(client: TestClient) -> None:
    ACME = "https://w3id.org/stewardgraph/id/organization/acme"  # noqa: N806
    # Acme Widgets was renamed Acme Corp on 2019-05-01
    for path, named in (("/id/event/widget-created", "Acme Widgets"), ("/id/stewardship/widget--acme--2015", "Acme Widgets"),
                        ("/id/event/widget-donated", "Acme Corp")):
        facts = client.get(path, headers={"Accept": BROWSER}).text.split("<h2", 1)[0]
        assert f'href="/id/organization/acme" title="{ACME}">{named}</a>' in facts, path
    # a date's precision and a nonprofit status are words, not prefixed names
    created = client.get("/id/event/widget-created", headers={"Accept": BROWSER}).text
    assert 'title="time:unitYear">year</a>' in created


@pytest.mark.parametrize("path", ["/id/organization/widget-foundation", "/id/event/widget-donated",
                                  "/id/stewardship/widget--acme--2015"])
def test_every_kind_resolves(client: TestClient, path: str) -> None:
    assert client.get(path, headers={"Accept": BROWSER}).status_code == 200
    assert client.get(path, headers={"Accept": "application/n-triples"}).status_code == 200


def test_pages_without_a_label_are_titled_in_words(client: TestClient) -> None:
    titles = {path: re.search(r"<h1>(.*?)</h1>", client.get(path, headers={"Accept": BROWSER}).text)[1]  # type: ignore[index]
              for path in ("/id/stewardship/widget--acme--2015", "/id/membership/globex--widget-foundation--2020-07")}
    assert titles == {"/id/stewardship/widget--acme--2015": "Acme Widgets (owner) for Widget, 2015 – 2020-06-15",
                      "/id/membership/globex--widget-foundation--2020-07":
                          "Globex: general member of Widget Foundation, 2020-07 – 2022-01-01"}
    found = client.get("/sparql", params={"query": 'SELECT ?s WHERE { ?s dcterms:title "Acme gives Widget away" }'},
                       headers={"Accept": "application/sparql-results+json"}).json()
    source = found["results"]["bindings"][0]["s"]["value"].removeprefix("https://w3id.org/stewardgraph")
    assert "<h1>Acme gives Widget away</h1>" in client.get(source, headers={"Accept": BROWSER}).text


def test_unknown_entities_are_404(client: TestClient) -> None:
    assert client.get("/id/project/nothing").status_code == 404
    assert client.get("/id/planet/earth").json()["error"]["type"] == "NotFound"
    for path in ("/id/project/nothing", "/no/such/page", "/queries/nothing"):
        page = client.get(path, headers={"accept": "text/html"})
        assert (page.status_code, page.headers["content-type"].split(";")[0]) == (404, "text/html"), path
        assert "<title>Not found" in page.text and 'href="/search"' in page.text


def test_ontology_as_turtle_and_html(client: TestClient) -> None:
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert len(list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE))) > 300
    html = client.get("/ontology", headers={"Accept": BROWSER}).text
    assert 'id="StewardshipEvent"' in html and "doap:Project" in html and "umbrella-expansion" in html
    assert client.get("/ns", follow_redirects=False).headers["location"] == "/ontology"


def test_openapi_documents_every_endpoint(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/sparql", "/queries", "/queries/{name}", "/projects", "/projects/{id}", "/organizations/{id}",
                 "/events", "/search", "/id/{kind}/{slug}", "/ontology", "/context.jsonld"):
        assert path in spec["paths"], path
    # examples come from the real data
    assert "Linux Foundation" in json.dumps(spec["paths"]["/projects"])
    assert "pytorch" in json.dumps(spec["paths"]["/projects/{id}"])
    assert "PyTorch" in json.dumps(spec["paths"]["/sparql"])
    assert client.get("/docs").status_code == 200


def test_long_sections_are_capped_on_the_page_but_not_in_the_rdf(client: TestClient,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from stewardgraph.web import entity_page

    monkeypatch.setattr(entity_page, "PER_PROPERTY", 1)
    monkeypatch.setattr(entity_page, "LIST_CAP", 1)
    turtle = client.get("/id/organization/widget-foundation", headers={"Accept": "text/turtle"}).content
    types = [t for t in ox.parse(turtle, format=ox.RdfFormat.TURTLE)
             if t.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"]
    assert len(types) > 1  # more than the page will show
    page = client.get("/id/organization/widget-foundation", headers={"Accept": BROWSER}).text
    assert f"and {len(types) - 1:,} more" in page
    section = page[page.index("<h2>Sponsors</h2>"):]
    section = section[:section.index("</table>")]
    assert "the first 1 of 3" in section and section.count("<tbody><tr>") == 1 and "</tr><tr>" not in section
    members = page[page.index("<h2>Members</h2>"):page.index("<h2>Board seats</h2>")]
    assert "The first 1 of 2" in members and "Acme Corp" in members and "Globex" not in members
    board = page[page.index("<h2>Board seats</h2>"):]
    assert "Acme Corp" in board[:board.index("</table>")]
    events = page[page.index("<h2>Events</h2>"):]
    assert "The first 1 of 2" in events and events[:events.index("</table>")].count("/id/event/") == 1


def test_a_project_page_gives_its_license_history_and_fork_lineage(client: TestClient) -> None:
    gizmo = client.get("/id/project/gizmo", headers={"Accept": BROWSER}).text
    history = gizmo[gizmo.index("<h2>License history</h2>"):]
    assert "2021-03" in history and "from Apache-2.0 to BUSL-1.1" in " ".join(
        re.sub(r"<[^>]+>", " ", history[:history.index("</ol>")]).split())
    lineage = " ".join(re.sub(r"<[^>]+>", " ", gizmo[gizmo.index("<h2>Fork lineage</h2>"):]).split())
    assert lineage.startswith("Fork lineage OpenGizmo forked from it on 2021-04-02, after Gizmo's relicensing of "
                              "2021-03 to BUSL-1.1")
    fork = " ".join(re.sub(r"<[^>]+>", " ", client.get("/id/project/opengizmo", headers={"Accept": BROWSER}).text).split())
    assert "forked from Gizmo on 2021-04-02" in fork
    assert 'href="/id/project/gizmo"' in client.get("/id/project/opengizmo", headers={"Accept": BROWSER}).text
    widget = client.get("/id/project/widget", headers={"Accept": BROWSER}).text
    assert "Its license is Apache-2.0; no relicensing is recorded" in widget and "<h2>Fork lineage</h2>" not in widget
    gadget = client.get("/id/project/gadget", headers={"Accept": BROWSER}).text
    assert "Its license is not recorded; no relicensing is recorded" in gadget


def test_a_project_page_carries_its_neighbourhood_as_a_graph(client: TestClient) -> None:
    page = client.get("/id/project/widget", headers={"Accept": BROWSER}).text
    found = re.search(r'<figure class="graph" data-graph="([^"]*)"', page)
    assert found is not None
    graph = json.loads(html.unescape(found.group(1)))
    assert {n["label"]: n["kind"] for n in graph["nodes"]} == {
        "Widget": "project", "Acme Widgets": "organization", "Widget Foundation": "foundation"}
    assert {(e["source"].rsplit("/", 1)[1], e["label"]) for e in graph["edges"]} == {
        ("acme", "owner 2015–2020"), ("widget-foundation", "host foundation 2020–now")}
    assert "The links as a list" in page  # and readable without scripts


def test_entity_pages_name_properties_in_words(client: TestClient) -> None:
    page = client.get("/id/project/widget", headers={"Accept": BROWSER}).text
    assert '<a href="http://www.w3.org/2004/02/skos/core#altLabel" title="skos:altLabel">also known as</a>' in page
    assert '<a href="/ontology#created" title="sg:created">created</a>' in page  # our terms resolve here
    assert ">skos:altLabel<" not in page and ">rdfs:label<" not in page and ">rdf:type<" not in page
    assert '?format=ttl">Turtle</a>' in page


def test_an_entity_in_a_format_named_by_a_parameter(client: TestClient) -> None:
    turtle = client.get("/id/project/widget", params={"format": "ttl"}, headers={"Accept": BROWSER})
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert client.get("/id/project/widget", params={"format": "jsonld"}).json()["name"] == "Widget"
    bad = client.get("/id/project/widget", params={"format": "pdf"})
    assert bad.status_code == 400 and bad.json()["error"]["parameter"] == "format"


def _section(page: str, title: str) -> str:
    """The words of one section of a page, from its heading to the next."""
    start = page.index(f"<h2>{title}</h2>")
    end = page.find("<h2>", start + 4)
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(page[start:end if end > 0 else None])).split())


def test_a_foundation_page_gives_its_family_projects_members_and_board(client: TestClient) -> None:
    page = client.get("/id/organization/widget-foundation", headers={"Accept": BROWSER}).text
    assert _section(page, "Parent and child organizations") == "Parent and child organizations part of Umbrella Foundation"
    assert "Widget host foundation 2020-06-15 now" in _section(page, "Projects")
    members = _section(page, "Members")
    assert "Acme Corp premier board seat 2020-06-15 now" in members  # renamed from Acme Widgets in 2019
    assert "Globex general 2020-07 2022-01-01" in members
    assert "Globex" not in _section(page, "Board seats") and "Acme Corp" in _section(page, "Board seats")
    umbrella = client.get("/id/organization/umbrella-foundation", headers={"Accept": BROWSER}).text
    assert _section(umbrella, "Parent and child organizations").endswith("over Cloud Foundation , Widget Foundation")


def test_a_company_page_gives_what_it_holds_sits_on_and_funds(client: TestClient) -> None:
    page = client.get("/id/organization/acme", headers={"Accept": BROWSER}).text
    assert "Widget owner 2015 2020-06-15" in _section(page, "Projects")
    assert "Widget Foundation premier board seat 2020-06-15 now" in _section(page, "Member of")
    assert "Widget Foundation Diamond cash 50,000 2024-09-26" in _section(page, "Sponsorships it gives")
    assert "2020-06-15 donation Widget Acme" in _section(page, "Events")
    facts = page[:page.index("<h2>")]
    assert ">sponsor<" not in facts and ">funder<" not in facts  # listed in a section, not among the facts


def test_every_kind_an_entity_page_links_to_resolves(client: TestClient) -> None:
    for path in ("/id/project/widget", "/id/organization/acme", "/id/organization/widget-foundation",
                 "/id/project/gizmo"):
        page = client.get(path, headers={"Accept": BROWSER}).text
        for target in set(re.findall(r'href="(/id/[^"#?]+)"', page)):
            assert client.get(target, headers={"Accept": BROWSER}).status_code == 200, (path, target)
    event = client.get("/id/event/widget-created", headers={"Accept": BROWSER}).text
    assert "2015-01-01" not in event  # the day that orders a year-only date is not shown


def test_events_read_as_sentences(client: TestClient) -> None:
    widget = client.get("/id/project/widget", headers={"Accept": BROWSER}).text
    assert '>creation</a> by <a href="/id/organization/acme">' in widget  # not "creation to Acme"
    fork = client.get("/id/event/opengizmo-forked", headers={"Accept": BROWSER}).text
    assert "<h1>OpenGizmo forked from Gizmo (2021-04-02)</h1>" in fork
