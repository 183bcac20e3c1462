"""POST /cypher and backend=neo4j over HTTP, with Neo4j up and with Neo4j down."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from stewardgraph import StewardGraph
from stewardgraph.cli import main
from stewardgraph.web import create_app

from .conftest import service_settings


@pytest.fixture(scope="module")
def neo_client(synced: StewardGraph) -> Iterator[TestClient]:
    with TestClient(create_app(synced.settings)) as client:
        yield client


def test_cypher_rows(neo_client: TestClient) -> None:
    body = {"query": "MATCH (m)-[:HOLDS]->(:Membership)-[:MEMBER_OF]->(f:Foundation {name: $name}) "
                     "RETURN m.name AS member ORDER BY member", "parameters": {"name": "Widget Foundation"}}
    response = neo_client.post("/cypher", json=body)
    assert response.status_code == 200, response.text
    assert response.json() == {"columns": ["member"], "rows": [{"member": "Acme Corp"}, {"member": "Globex"}], "truncated": False}


def test_cypher_graph_shape(neo_client: TestClient) -> None:
    body = {"query": "MATCH p = (:Event {type: 'donation'})-[:TO]->(:Foundation) RETURN p", "result": "graph"}
    shape = neo_client.post("/cypher", json=body).json()
    assert {r["type"] for r in shape["relationships"]} == {"TO"} and len(shape["relationships"]) == 2
    assert {n["properties"]["name"] for n in shape["nodes"]} >= {"Widget Foundation", "Cloud Foundation"}
    assert all({"id", "labels", "properties"} <= set(n) for n in shape["nodes"])


def test_writes_are_refused_and_change_nothing(neo_client: TestClient) -> None:
    count = {"query": "MATCH (n) RETURN count(n) AS n"}
    before = neo_client.post("/cypher", json=count).json()["rows"]
    for query in ("CREATE (:Intruder)", "MATCH (n) DETACH DELETE n", "MATCH (n:Project) SET n.x = 1",
                  "MERGE (:Intruder)", "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l"):
        response = neo_client.post("/cypher", json={"query": query})
        assert response.status_code == 403, query
        assert response.json()["error"]["type"] == "Forbidden"
    assert neo_client.post("/cypher", json=count).json()["rows"] == before


def test_bad_cypher_and_bad_body(neo_client: TestClient) -> None:
    assert neo_client.post("/cypher", json={"query": "MATCH (n RETURN n"}).status_code == 400
    missing = neo_client.post("/cypher", json={"parameters": {}})
    assert missing.status_code == 400 and missing.json()["error"]["parameter"] == "query"


def test_named_queries_on_neo4j_over_http(neo_client: TestClient, synced: StewardGraph) -> None:
    for name, params in (("steward-at", {"project": "widget", "date": "2016"}), ("project-history", {"project": "widget"})):
        sparql = neo_client.get(f"/queries/{name}", params=params).json()
        cypher = neo_client.get(f"/queries/{name}", params={**params, "backend": "neo4j"}).json()
        assert cypher == sparql and cypher["rows"]
    bad = neo_client.get("/queries/steward-at", params={"project": "widget", "backend": "gremlin"})
    assert bad.status_code == 400 and bad.json()["error"]["parameter"] == "backend"
    # the form page runs on Neo4j too, with the same rows (and no SPARQL link: Cypher ran)
    page = neo_client.get("/queries/steward-at", params={"project": "widget", "date": "2016", "backend": "neo4j"},
                          headers={"Accept": "text/html"}).text
    assert "1 row ·" in page and ">Acme Widgets</td>" in page and "/sparql?query=" not in page


def test_cli_backend_neo4j(synced: StewardGraph) -> None:
    settings = synced.settings
    result = CliRunner().invoke(
        main,
        ["--data-dir", str(settings.data_dir), "query", "--name", "steward-at", "--param", "project=widget",
         "--param", "date=2016", "--backend", "neo4j", "--format", "csv"],
        env={"STEWARDGRAPH_NEO4J_URI": settings.bolt_uri,
             "STEWARDGRAPH_NEO4J_PASSWORD": settings.neo4j_password.get_secret_value()},
    )
    assert result.exit_code == 0, result.stderr
    assert result.output.splitlines() == [  # in 2016 Acme was named Acme Widgets
        "steward,role,since,until,organization",
        "Acme Widgets,owner,2015,2020-06-15,https://w3id.org/stewardgraph/id/organization/acme"]


def test_with_neo4j_down_sparql_answers_and_cypher_paths_are_503(served_dir: Path) -> None:
    settings = service_settings(served_dir, neo4j_uri="bolt://127.0.0.1:9", neo4j_password="whatever")
    with TestClient(create_app(settings)) as client:
        down = client.post("/cypher", json={"query": "RETURN 1 AS one"})
        assert down.status_code == 503
        assert down.json()["error"]["message"].startswith("Neo4j is not reachable at bolt://127.0.0.1:9")
        named = client.get("/queries/foundation-tree", params={"backend": "neo4j"})
        assert named.status_code == 503
        assert client.get("/queries/foundation-tree").status_code == 200
        assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
