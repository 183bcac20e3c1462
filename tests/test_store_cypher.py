"""Neo4j for real: sync, counts by type, idempotence, resync, Cypher twins, read-only limits."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import neo4j
import pytest

from stewardgraph import StewardGraph
from stewardgraph.errors import Forbidden, ParameterError, QueryTimeout, StoreError

from .conftest import build_store, service_settings
from .test_web_named_queries import CALLS

MORE_CALLS = [
    ("steward-at", {"project": "widget", "date": "2020-06-15"}),
    ("foundation-projects", {"foundation": "UF"}),
    ("foundation-projects", {"foundation": "umbrella-foundation", "date": "2019-06"}),
    ("foundation-members", {"foundation": "WF"}),
    ("foundation-sponsors", {"foundation": "WF"}),
    ("transfers", {"from_date": "2000", "to_date": "2030", "event_type": "creation"}),
    ("unhosted-projects", {"date": "2018-06"}),
    ("unhosted-projects", {"date": "2015-06"}),
    ("entity-sources", {"entity": "widget-foundation"}),
]


def dump(graph: StewardGraph) -> tuple[list[Any], list[Any]]:
    with graph.cypher_store.driver.session(database=graph.settings.neo4j_database) as session:
        nodes = sorted(
            (sorted(r["labels"]), sorted((k, str(v)) for k, v in r["props"].items()))
            for r in session.run("MATCH (n:Resource) RETURN labels(n) AS labels, properties(n) AS props")
        )
        rels = sorted(
            (r["a"], r["type"], r["b"], sorted((k, str(v)) for k, v in r["props"].items()))
            for r in session.run("MATCH (a)-[r]->(b) RETURN a.uri AS a, type(r) AS type, b.uri AS b, properties(r) AS props")
        )
    return nodes, rels


def test_counts_match_the_rdf_graph_by_type(synced: StewardGraph) -> None:
    projection = synced.projection()
    counts = synced.cypher_store.counts()
    assert counts["nodes"] == projection.label_counts()
    assert counts["nodes"]["Resource"] == len(projection.nodes)
    assert counts["relationships"] == projection.relationship_counts()


def test_dates_are_neo4j_dates_with_their_precision(synced: StewardGraph) -> None:
    with synced.cypher_store.driver.session() as session:
        row = session.run("MATCH (e:Event {uri: 'https://w3id.org/stewardgraph/id/event/gizmo-relicensed'}) "
                          "RETURN e.date AS date, e.date_precision AS precision, e.name AS name").single(strict=True)
    assert isinstance(row["date"], neo4j.time.Date) and row["date"].iso_format() == "2021-03-01"
    assert row["precision"] == "month" and row["name"]


def test_sync_is_idempotent_and_a_resync_removes_what_is_gone(synced: StewardGraph, tmp_path: Path) -> None:
    before = dump(synced)
    synced.sync_neo4j()
    assert dump(synced) == before
    smaller_dir = tmp_path / "smaller"
    smaller = StewardGraph(service_settings(smaller_dir, neo4j_uri=synced.settings.bolt_uri,
                                            neo4j_password=synced.settings.neo4j_password))
    try:
        smaller.build([Path(__file__).parent / "fixtures" / "curated" / "organizations.yaml"])
        counts = smaller.sync_neo4j().counts
        assert "Project" not in counts["nodes"] and "Event" not in counts["nodes"]
        assert counts["nodes"]["Organization"] == 5
        assert "ABOUT" not in counts["relationships"]
    finally:
        smaller.close()
        synced.sync_neo4j()  # back to the full fixture for the other tests
    assert dump(synced) == before


@pytest.mark.parametrize(("name", "params"), CALLS + MORE_CALLS)
def test_cypher_twins_give_identical_rows(synced: StewardGraph, name: str, params: dict[str, str]) -> None:
    sparql = synced.run(name, params, backend="sparql")
    cypher = synced.run(name, params, backend="neo4j")
    assert cypher.columns == sparql.columns
    assert cypher.rows == sparql.rows  # order included


def test_every_named_query_has_a_twin(synced: StewardGraph) -> None:
    assert all(q.cypher for q in synced.catalogue.public())
    assert {name for name, _ in CALLS} == {q.name for q in synced.catalogue.public()}


@pytest.mark.parametrize(
    "query",
    [
        "CREATE (n:Intruder {name: 'x'}) RETURN n",
        "MERGE (n:Intruder {name: 'x'}) RETURN n",
        "MATCH (n:Project) DETACH DELETE n",
        "MATCH (n:Project) SET n.name = 'x' RETURN n",
        "MATCH (n:Project) REMOVE n:Project RETURN n",
        "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
        "CALL db.createLabel('Intruder')",
        "CREATE INDEX intruder FOR (n:Intruder) ON (n.name)",
        "CREATE USER eve SET PASSWORD 'password123'",
        "CALL dbms.killConnections(['bolt-1'])",
    ],
)
def test_writes_are_refused_and_change_nothing(synced: StewardGraph, query: str) -> None:
    before = synced.cypher_store.counts()
    with pytest.raises(Forbidden):
        synced.cypher(query)
    assert synced.cypher_store.counts() == before


def test_read_cypher_rows_graph_and_row_cap(synced: StewardGraph) -> None:
    found = synced.cypher("MATCH (p:Project) RETURN p.name AS name ORDER BY name")
    assert found.rows == [{"name": n} for n in ["Gadget", "Gizmo", "OpenGizmo", "Widget"]] and not found.truncated
    shape = synced.cypher("MATCH (e:Event {type: 'donation'})-[r:TO]->(f) RETURN e, r, f", graph=True).rows[0]
    assert len(shape["relationships"]) == 2 and len(shape["nodes"]) == 4
    assert {n["properties"]["name"] for n in shape["nodes"] if "Foundation" in n["labels"]} == {"Widget Foundation", "Cloud Foundation"}
    capped = StewardGraph(synced.settings.model_copy(update={"row_cap": 2}))
    try:
        result = capped.cypher("MATCH (n:Resource) RETURN n.uri AS uri")
        assert len(result.rows) == 2 and result.truncated
    finally:
        capped.close()


def test_time_limit_stops_the_query(synced: StewardGraph) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        synced.cypher("UNWIND range(1, 5000000000) AS x WITH x WHERE x % 7 = 3 RETURN count(x) AS n", timeout=1)
    assert time.monotonic() - started < 2.5


def test_unreachable_neo4j_is_a_store_error(served_dir: Path) -> None:
    graph = StewardGraph(service_settings(served_dir, neo4j_uri="bolt://127.0.0.1:9", neo4j_password="x"))
    try:
        with pytest.raises(StoreError) as down:
            graph.run("foundation-tree", backend="neo4j")
        # short, with what to do: not the driver's 250 characters of addresses
        assert str(down.value) == ("Neo4j is not reachable at bolt://127.0.0.1:9 (connection refused); "
                                   "check STEWARDGRAPH_NEO4J_URI and that the server runs")
        assert graph.run("foundation-tree").rows  # SPARQL still answers
    finally:
        graph.close()


def test_built_store_helper_is_isolated(tmp_path: Path) -> None:
    assert (build_store(tmp_path) / "store").is_dir()


def test_a_neo4j_only_deployment_resolves_names_in_neo4j(synced: StewardGraph, tmp_path: Path) -> None:
    """No RDF store at all: names and aliases are resolved by the Cypher twins of the internal
    queries resolve-name and is-a."""
    alone = StewardGraph(service_settings(tmp_path / "nothing-built", neo4j_uri=synced.settings.bolt_uri,
                                          neo4j_password=synced.settings.neo4j_password, query_backend="neo4j"))
    try:
        rows = alone.run("steward-at", {"project": "WIDGETS", "date": "2016"}).rows
        assert rows == synced.run("steward-at", {"project": "widget", "date": "2016"}, backend="sparql").rows
        assert alone.run("foundation-board", {"foundation": "WF"}).rows == \
            synced.run("foundation-board", {"foundation": "WF"}, backend="sparql").rows
        with pytest.raises(ParameterError, match="no project has the id, name or alias 'nothing'"):
            alone.run("steward-at", {"project": "nothing"})
        with pytest.raises(ParameterError, match="did you mean 'Widget'"):  # from entity-names' Cypher twin
            alone.run("steward-at", {"project": "Widgit"})
    finally:
        alone.close()
