"""The SPARQL 1.1 Protocol endpoint, in-process."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from stewardgraph.web import create_app

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
