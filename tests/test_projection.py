"""The RDF -> property-graph projection, without a database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox

from stewardgraph import StewardGraph
from stewardgraph.projection import LABELS, RELATIONSHIPS, mapping_table, project

DOCS = Path(__file__).resolve().parent.parent / "docs" / "neo4j-mapping.md"


def test_labels_and_relationships_match_the_rdf_counts(loaded: StewardGraph) -> None:
    projection = loaded.projection()
    for iri, label in LABELS.items():
        expected = loaded.select(
            f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a <{iri}> }} FILTER(?g != <https://w3id.org/stewardgraph/graph/ontology>) }}"
        ).rows[0]["n"]
        assert projection.label_counts().get(label, 0) == expected, label
    by_type: dict[str, int] = {}
    for predicate, (kind, _) in RELATIONSHIPS.items():
        n = loaded.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{ ?s <{predicate}> ?o }} }}").rows[0]["n"]
        by_type[kind] = by_type.get(kind, 0) + int(str(n))
    assert projection.relationship_counts() == {k: v for k, v in by_type.items() if v}


def test_nodes_carry_uri_name_dates_and_precision(loaded: StewardGraph) -> None:
    nodes = loaded.projection().nodes
    donation = nodes["https://w3id.org/stewardgraph/id/event/widget-donated"]
    assert donation.labels == {"Resource", "Event"}
    assert donation.properties["date"] == dt.date(2020, 6, 15) and donation.properties["date_precision"] == "day"
    assert donation.properties["type"] == "donation" and donation.properties["location"] == "Example City"
    relicensed = nodes["https://w3id.org/stewardgraph/id/event/gizmo-relicensed"]
    assert relicensed.properties["date"] == dt.date(2021, 3, 1) and relicensed.properties["date_precision"] == "month"
    acme = nodes["https://w3id.org/stewardgraph/id/organization/acme"]
    assert acme.labels == {"Resource", "Organization", "Company"}
    assert acme.properties == {"uri": acme.uri, "name": "Acme Corp", "aliases": ["Acme", "Acme Widgets"]}
    assert nodes["http://spdx.org/licenses/BUSL-1.1"].properties["name"] == "BUSL-1.1"
    assert all(n.properties.get("uri") and n.properties.get("name") for n in nodes.values())


def test_citations_keep_their_graph_and_the_ontology_is_left_out(loaded: StewardGraph) -> None:
    projection = loaded.projection()
    cites = [r for r in projection.relationships if r.type == "CITES"]
    assert {r.properties["graph"] for r in cites} == {
        "https://w3id.org/stewardgraph/graph/curated/facts",
        "https://w3id.org/stewardgraph/graph/curated/organizations",
    }
    assert not any("ns#" in uri for uri in projection.nodes)


def test_default_graph_quads_are_ignored() -> None:
    quad = ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                   ox.NamedNode("https://w3id.org/stewardgraph/ns#Project"), ox.DefaultGraph())
    assert project([quad]).nodes == {}


def test_mapping_document_is_current() -> None:
    assert DOCS.read_text(encoding="utf-8") == mapping_table()
