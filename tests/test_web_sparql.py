"""The SPARQL 1.1 Protocol endpoint, in-process."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from stewardgraph import StewardGraph
from stewardgraph.namespaces import PREFIXES
from stewardgraph.vocab import TERMS
from stewardgraph.web import create_app
from stewardgraph.web.editor import graph_data
from stewardgraph.web.html import local

from .conftest import build_store, service_settings

SELECT = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?name WHERE { ?p a <https://w3id.org/stewardgraph/ns#Project> ; rdfs:label ?name } ORDER BY ?name"
NAMES = ["Gadget", "Gizmo", "OpenGizmo", "Widget"]
CONSTRUCT = "CONSTRUCT { ?p a <https://w3id.org/stewardgraph/ns#Project> } WHERE { ?p a <https://w3id.org/stewardgraph/ns#Project> }"
JSON = "application/sparql-results+json"


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return [b["name"]["value"] for b in response.json()["results"]["bindings"]]


def test_get_post_form_and_post_direct_agree(client: TestClient) -> None:
    assert names(client.get("/sparql", params={"query": SELECT}, headers={"Accept": JSON})) == NAMES
    assert names(client.post("/sparql", data={"query": SELECT}, headers={"Accept": JSON})) == NAMES
    direct = client.post("/sparql", content=SELECT, headers={"Content-Type": "application/sparql-query", "Accept": JSON})
    assert names(direct) == NAMES


def test_default_and_named_graph_uris(client: TestClient) -> None:
    orgs = "https://w3id.org/stewardgraph/graph/curated/organizations"
    facts = "https://w3id.org/stewardgraph/graph/curated/facts"
    assert names(client.get("/sparql", params={"query": SELECT, "default-graph-uri": orgs})) == []
    assert names(client.get("/sparql", params={"query": SELECT, "default-graph-uri": facts})) == NAMES
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.get("/sparql", params={"query": query, "named-graph-uri": [orgs]})
    assert [b["g"]["value"] for b in response.json()["results"]["bindings"]] == [orgs]


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.4, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("*/*", JSON),
        ("text/*", "text/csv"),
        ("", JSON),
    ],
)
def test_select_content_negotiation(client: TestClient, accept: str, media: str) -> None:
    response = client.get("/sparql", params={"query": SELECT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)


def test_result_formats_carry_the_same_rows(client: TestClient) -> None:
    xml = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "application/sparql-results+xml"}).text
    assert xml.count("<literal>") == 4 and "<literal>OpenGizmo</literal>" in xml
    rows = list(csv.reader(io.StringIO(client.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/csv"}).text)))
    assert rows == [["name"], *[[n] for n in NAMES]]
    tsv = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/tab-separated-values"}).text
    assert tsv.splitlines() == ["?name", *[f'"{n}"' for n in NAMES]]


def test_ask(client: TestClient) -> None:
    assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json() == {"head": {}, "boolean": True}
    xml = client.get("/sparql", params={"query": "ASK { <urn:x> ?p ?o }"}, headers={"Accept": "application/sparql-results+xml"}).text
    assert "<boolean>false</boolean>" in xml


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/n-quads", ox.RdfFormat.N_QUADS),
        ("application/trig", ox.RdfFormat.TRIG),
    ],
)
def test_construct_formats(client: TestClient, accept: str, rdf_format: ox.RdfFormat) -> None:
    response = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
    assert len(list(ox.parse(response.content, format=rdf_format))) == 4


def test_not_acceptable(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/turtle"})
    assert response.status_code == 406
    assert response.json()["error"]["type"] == "NotAcceptable"
    assert client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": JSON}).status_code == 406


def test_format_and_output_parameters_are_tolerated(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": SELECT, "format": "csv", "output": "csv"}, headers={"Accept": "*/*"})
    assert response.headers["content-type"].startswith("text/csv")
    response = client.get("/sparql", params={"query": SELECT, "format": "json"}, headers={"Accept": "text/csv"})
    assert response.headers["content-type"].startswith("text/csv")  # a specific Accept header wins
    response = client.get("/sparql", params={"query": SELECT, "format": "application/sparql-results+json"})
    assert names(response) == NAMES
    response = client.get("/sparql", params={"query": SELECT, "output": "nonsense"}, headers={"Accept": "text/csv"})
    assert response.headers["content-type"].startswith("text/csv")


def test_malformed_query_gives_parser_message_and_position(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT ?x WHERE {\n  ?x ?y }"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "QuerySyntaxError"
    assert (error["line"], error["column"]) == (2, 9)
    assert error["message"] == "malformed query at line 2, column 9: expected var before '}'"


def test_service_description(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    g = {str(t) for t in ox.parse(response.content, format=ox.RdfFormat.TURTLE)}
    assert any("sparql-service-description#SPARQL11Query" in t for t in g)
    assert not any("SPARQL11Update" in t for t in g)
    triples = [t for t in ox.parse(response.content, format=ox.RdfFormat.TURTLE) if t.predicate.value == "http://rdfs.org/ns/void#triples"]
    total = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}).json()
    assert str(total["results"]["bindings"][0]["n"]["value"]) in {t.object.value for t in triples}
    jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert jsonld.status_code == 200 and json.loads(jsonld.text)


def test_browser_gets_a_page(client: TestClient) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = client.get("/sparql", headers={"Accept": accept})
    assert page.headers["content-type"].startswith("text/html") and "<form" in page.text
    results = client.get("/sparql", params={"query": SELECT}, headers={"Accept": accept})
    assert results.headers["content-type"].startswith("text/html") and "<td>OpenGizmo</td>" in results.text


def test_cors_and_preflight(client: TestClient) -> None:
    simple = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://yasgui.example"})
    assert simple.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"},
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_update_is_refused_when_no_token_is_configured(client: TestClient) -> None:
    insert = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    for response in (
        client.post("/sparql", data={"update": insert}),
        client.post("/sparql", content=insert, headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer guess"}),
    ):
        assert response.status_code == 403
        assert response.json()["error"]["message"] == "updates are disabled: this service is read-only"
    assert client.get("/sparql", params={"query": "ASK { <urn:a> ?p ?o }"}).json()["boolean"] is False
    assert client.get("/sparql", params={"update": insert}).status_code == 400


def test_update_with_the_configured_token(tmp_path: Path) -> None:
    settings = service_settings(build_store(tmp_path), update_token="s3cret")
    insert = "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }"
    with TestClient(create_app(settings)) as app:
        wrong = app.post("/sparql", data={"update": insert}, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 403
        assert app.post("/sparql", data={"update": insert}).status_code == 403
        assert app.get("/sparql", params={"query": "ASK { <urn:a> ?p ?o }"}).json()["boolean"] is False
        ok = app.post("/sparql", data={"update": insert}, headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200
        assert app.get("/sparql", params={"query": "ASK { <urn:a> ?p ?o }"}).json()["boolean"] is True
        description = app.get("/sparql", headers={"Accept": "application/n-triples"}).text
        assert "SPARQL11Update" in description


def test_unsupported_body_and_missing_query(client: TestClient) -> None:
    assert client.post("/sparql", content="x", headers={"Content-Type": "text/plain"}).status_code == 415
    missing = client.post("/sparql", data={"other": "x"})
    assert missing.status_code == 400 and missing.json()["error"]["parameter"] == "query"


def test_timeout_parameter_is_checked(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "ASK {}", "timeout": "soon"})
    assert response.status_code == 400 and response.json()["error"]["parameter"] == "timeout"


def test_row_cap_is_signalled(tmp_path: Path, served_dir: Path) -> None:
    with TestClient(create_app(service_settings(served_dir, row_cap=3))) as app:
        response = app.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert len(response.json()["results"]["bindings"]) == 3
        assert response.headers["x-stewardgraph-truncated"] == "true"
        whole = app.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"})
        assert "x-stewardgraph-truncated" not in whole.headers


def test_our_prefixes_are_predeclared(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT ?f WHERE { ?f a sg:Foundation } ORDER BY ?f"})
    assert [b["f"]["value"].rsplit("/", 1)[-1] for b in response.json()["results"]["bindings"]] == [
        "cloud-foundation", "umbrella-foundation", "widget-foundation"
    ]


@pytest.mark.parametrize(
    ("accept", "rows_of"),
    [
        (JSON, lambda body: len(json.loads(body)["results"]["bindings"])),
        ("application/sparql-results+xml", lambda body: body.count(b"<result>")),
        ("text/csv", lambda body: len(list(csv.reader(io.StringIO(body.decode())))) - 1),
        ("text/tab-separated-values", lambda body: body.count(b"\n") - 1),
    ],
)
def test_the_row_cap_holds_in_every_results_format(served_dir: Path, accept: str, rows_of) -> None:  # type: ignore[no-untyped-def]
    """Results are written by Oxigraph itself under a LIMIT of the cap plus one; a result that
    reaches it is cut to the cap and flagged, whatever LIMIT or OFFSET the query had."""
    with TestClient(create_app(service_settings(served_dir, row_cap=3))) as app:
        for query, rows, truncated in (
            ("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o", 3, True),
            ("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 100 OFFSET 5", 3, True),
            ("SELECT * WHERE { ?s ?p ?o } LIMIT 3", 3, False),
            ("SELECT * WHERE { ?s ?p ?o } LIMIT 2", 2, False),
            ("SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 10 } }", 3, True),
        ):
            response = app.get("/sparql", params={"query": query}, headers={"Accept": accept})
            assert response.status_code == 200, response.text
            assert rows_of(response.content) == rows, query
            assert ("x-stewardgraph-truncated" in response.headers) is truncated, query
    with TestClient(create_app(service_settings(served_dir, row_cap=10))) as app:
        ordered = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
        page = app.get("/sparql", params={"query": ordered + " LIMIT 3 OFFSET 5"}, headers={"Accept": JSON})
        start = app.get("/sparql", params={"query": ordered + " LIMIT 8"}, headers={"Accept": JSON})
        assert page.json()["results"]["bindings"] == start.json()["results"]["bindings"][5:8]


# -- the editor page -----------------------------------------------------------------------------

HTML = {"Accept": "text/html"}
ID = "https://w3id.org/stewardgraph/id/"


class Tags(HTMLParser):
    """The attributes of every tag of a page, and the text inside the elements named in ``inside``."""

    def __init__(self, page: str, inside: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inside = inside
        self.open: list[str] = []
        self.text = {name: "" for name in inside}
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.inside:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1] == tag:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        for tag in self.open:
            self.text[tag] += data

    def first(self, tag: str) -> dict[str, str | None]:
        return next(attrs for name, attrs in self.tags if name == tag)

    def sources(self) -> list[str]:
        return [str(a.get("src") or a.get("href")) for t, a in self.tags
                if t == "script" or (t == "link" and a.get("rel") == "stylesheet")]


def drawn(client: TestClient, query: str) -> tuple[dict, Tags]:  # type: ignore[type-arg]
    response = client.get("/sparql", params={"query": query}, headers=HTML)
    assert response.status_code == 200, response.text
    tags = Tags(response.text, inside=("figcaption", "tbody"))
    return json.loads(str(tags.first("figure")["data-graph"])), tags


def test_the_editor_page_gives_its_script_the_prefixes_and_our_terms(client: TestClient) -> None:
    tags = Tags(client.get("/sparql", headers=HTML).text)
    area = tags.first("textarea")
    assert json.loads(str(area["data-prefixes"])) == PREFIXES
    assert json.loads(str(area["data-terms"])) == TERMS
    assert "data-error-line" not in area
    cm = "/static/vendor/codemirror/"
    assert tags.sources() == ["/static/site.css", cm + "codemirror.css", cm + "show-hint.css", "/static/app.js",
                              cm + "codemirror.js", cm + "sparql.js", cm + "show-hint.js", cm + "matchbrackets.js",
                              "/static/editor.js"]  # the editor's scripts after CodeMirror's, no graph.js here
    for source in tags.sources():
        assert client.get(source).status_code == 200, source
    assert client.get(cm + "LICENSE").text.startswith("MIT License")
    versions = client.get("/static/vendor/VERSIONS").text.splitlines()
    assert [line for line in versions if line.startswith("codemirror ")] == ["codemirror 5.65.21"]
    home = Tags(client.get("/", headers=HTML).text)
    assert home.sources() == ["/static/site.css", "/static/app.js"]  # other pages load none of it


def test_a_syntax_error_gives_the_editor_its_line_and_column(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT ?x WHERE {\n  ?x ?y }"}, headers=HTML)
    assert response.status_code == 400
    area = Tags(response.text).first("textarea")
    assert (area["data-error-line"], area["data-error-column"]) == ("2", "9")
    refused = client.get("/sparql", params={"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}, headers=HTML)
    assert refused.status_code == 400 and "data-error-line" not in Tags(refused.text).first("textarea")


def test_a_construct_result_becomes_graph_data_with_its_fallback(client: TestClient) -> None:
    query = ("CONSTRUCT { ?p a sg:Project ; rdfs:label ?name ; sg:license ?license } "
             "WHERE { ?p a sg:Project ; rdfs:label ?name OPTIONAL { ?p sg:license ?license } FILTER(?name IN ('Widget', 'Gadget')) }")
    data, tags = drawn(client, query)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes[ID + "project/widget"] == {"id": ID + "project/widget", "label": "Widget",
                                            "href": "/id/project/widget", "kind": "project"}
    assert nodes[ID + "project/gadget"]["label"] == "Gadget"
    term = "https://w3id.org/stewardgraph/ns#Project"
    page = local(term) if local(term).startswith("/") else None  # where the service shows it, if it does
    assert nodes[term] == {"id": term, "label": "sg:Project", "href": page, "kind": "other"}
    assert nodes["http://spdx.org/licenses/Apache-2.0"]["href"] is None
    assert len(nodes) == 4  # Widget, Gadget, sg:Project and Widget's licence: the labels name nodes
    assert sorted((e["source"].rsplit("/", 1)[-1], e["label"], e["target"].rsplit("/", 1)[-1]) for e in data["edges"]) == [
        ("gadget", "rdf:type", "ns#Project"), ("widget", "rdf:type", "ns#Project"),
        ("widget", "sg:license", "Apache-2.0")]
    assert "4 nodes and 3 edges." in tags.text["figcaption"]
    assert tags.text["tbody"].count("rdfs:label") == 2  # the table has every triple
    assert "/static/graph.js" in tags.sources()


def test_graph_kinds_come_from_types_or_our_iri_paths(client: TestClient) -> None:
    data, _ = drawn(client, "CONSTRUCT { ?o a ?t } WHERE { ?o a sg:Foundation ; a ?t } ")
    kinds = {n["id"].rsplit("/", 1)[-1]: n["kind"] for n in data["nodes"]}
    assert kinds["widget-foundation"] == "foundation"  # a foundation is an organization too: the narrower wins
    data, _ = drawn(client, "CONSTRUCT { ?s sg:steward ?o } WHERE { ?s sg:steward ?o }")
    labels = {n["label"]: n["kind"] for n in data["nodes"]}
    # the result gives no labels: the graph's name them, in words for a stewardship
    assert labels["Acme Corp"] == "organization"
    assert labels["Acme Widgets (owner) for Widget, 2015 – 2020-06-15"] == "other"
    # an IRI of ours that the graph does not know goes by its path
    ghost = drawn(client, "CONSTRUCT { <https://w3id.org/stewardgraph/id/organization/nobody> a sg:Organization } WHERE {}")[0]
    assert [n["label"] for n in ghost["nodes"]] == ["organization/nobody", "sg:Organization"]


def test_literals_are_leaves_and_json_is_escaped_in_the_attribute(client: TestClient) -> None:
    tricky = r"""a \"quote\", <b>bold</b> & 'apostrophe'"""  # as a SPARQL string
    query = f'CONSTRUCT {{ <urn:x> rdfs:comment "{tricky}", "same" . <urn:y> rdfs:comment "same" }} WHERE {{}}'
    response = client.get("/sparql", params={"query": query}, headers=HTML)
    assert "<b>bold" not in response.text
    data = json.loads(str(Tags(response.text).first("figure")["data-graph"]))
    literals = [n for n in data["nodes"] if n["kind"] == "literal"]
    assert sorted(n["label"] for n in literals) == ['a "quote", <b>bold</b> & \'apostrophe\'', "same", "same"]
    assert len({n["id"] for n in literals}) == 3  # one leaf each, even for equal values
    assert sorted(n["label"] for n in data["nodes"] if n["kind"] != "literal") == ["urn:x", "urn:y"]


def test_a_large_result_is_drawn_capped_and_said_so(client: TestClient) -> None:
    data, tags = drawn(client, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert len(data["nodes"]) == 150
    kept = {n["id"] for n in data["nodes"]}
    assert data["edges"] and all(e["source"] in kept and e["target"] in kept for e in data["edges"])
    caption = tags.text["figcaption"]
    total = int(caption.split(" of ")[1].split(" nodes")[0].replace(",", ""))
    assert total > 150 and f"150 nodes and {len(data['edges']):,} edges" in caption


def test_graph_data_of_blank_nodes_and_a_small_cap() -> None:
    blank, p = ox.BlankNode("b1"), ox.NamedNode("http://purl.org/dc/terms/relation")
    triples = [ox.Triple(ox.NamedNode(ID + "project/widget"), p, blank),
               ox.Triple(blank, p, ox.NamedNode("https://example.org/far")),
               ox.Triple(ox.NamedNode("https://example.org/far"), p, ox.Literal("x"))]
    data, total = graph_data(triples, cap=2)
    assert total == 4
    assert [(n["id"], n["label"], n["kind"]) for n in data["nodes"]] == [
        (ID + "project/widget", "project/widget", "project"), ("_:b1", "_:b1", "other")]
    assert data["edges"] == [{"source": ID + "project/widget", "target": "_:b1", "label": "dcterms:relation"}]


def test_select_results_name_iris_in_words(client: TestClient) -> None:
    query = "SELECT ?p ?l WHERE { ?p sg:license ?l } ORDER BY ?p"
    page = client.get("/sparql", params={"query": query}, headers=HTML).text
    assert 'title="https://w3id.org/stewardgraph/id/project/widget">Widget</a>' in page  # ours, by label
    assert 'title="http://spdx.org/licenses/Apache-2.0">Apache-2.0</a>' in page  # a licence by its SPDX id
    members = client.get("/sparql", params={"query": "SELECT ?m WHERE { ?m sg:tier ?t }"}, headers=HTML).text
    assert ">Globex: general member of Widget Foundation, 2020-07 – 2022-01-01</a>" in members


def test_the_editor_offers_the_catalogue_as_examples(client: TestClient, loaded: StewardGraph) -> None:
    page = client.get("/sparql", headers=HTML).text
    offered = {html.unescape(text): parse_qs(urlparse(html.unescape(href)).query)["query"][0]
               for href, text in re.findall(r'<li><a href="(/sparql\?query=[^"]*)">([^<]*)</a></li>', page)}
    public = {q.title for q in loaded.catalogue.public()}
    assert public <= set(offered)  # every public query, its parameters bound to an example
    steward_at = offered[loaded.catalogue.get("steward-at").title]
    assert "VALUES" in steward_at and "<https://w3id.org/stewardgraph/id/project/pytorch>" in steward_at
    assert client.get("/sparql", params={"query": steward_at}, headers=HTML).status_code == 200
