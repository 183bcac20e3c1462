"""The facade: build, swap, export, resolve."""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from stewardgraph import Settings, StewardGraph
from stewardgraph.errors import ParameterError, QueryTimeout, StoreError, TooLarge, ValidationFailed
from stewardgraph.vocab import ID, SG


def _quads(data: bytes, fmt: ox.RdfFormat) -> set[str]:
    quads = list(ox.parse(data, format=fmt))
    assert not any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object))
    return {str(q) for q in quads}


@pytest.mark.parametrize(
    "fmt", [("nquads", ox.RdfFormat.N_QUADS), ("trig", ox.RdfFormat.TRIG), ("jsonld", ox.RdfFormat.JSON_LD)]
)
def test_export_then_reimport_is_isomorphic(loaded: StewardGraph, settings: Settings, fmt: tuple[str, ox.RdfFormat]) -> None:
    name, rdf_format = fmt
    original = _quads(loaded.export("nquads"), ox.RdfFormat.N_QUADS)
    exported = loaded.export(name)
    # re-import into a fresh store, then compare everything it holds
    fresh = StewardGraph(settings)
    fresh.store.load(b"".join(f"{q} .\n".encode() for q in ox.parse(exported, format=rdf_format)))
    assert _quads(fresh.export("nquads"), ox.RdfFormat.N_QUADS) == original
    graphs = {q.graph_name.value for q in ox.parse(exported, format=rdf_format)}
    assert "https://w3id.org/stewardgraph/graph/curated/facts" in graphs
    assert "https://w3id.org/stewardgraph/graph/ontology" in graphs


@pytest.mark.parametrize(("fmt", "rdf_format"), [("turtle", ox.RdfFormat.TURTLE), ("ntriples", ox.RdfFormat.N_TRIPLES)])
def test_triple_exports_merge_the_graphs(loaded: StewardGraph, fmt: str, rdf_format: ox.RdfFormat) -> None:
    merged = {str(t) for t in ox.parse(loaded.export(fmt), format=rdf_format)}
    union = {
        str(ox.Triple(q.subject, q.predicate, q.object))
        for q in ox.parse(loaded.export("nquads"), format=ox.RdfFormat.N_QUADS)
    }
    assert len(merged) > 100
    assert merged == union  # no blank nodes, so equal sets mean isomorphic graphs
    assert isomorphic(Graph().parse(data=loaded.export(fmt), format="turtle" if fmt == "turtle" else "nt"),
                      Graph().parse(data=loaded.export("ntriples"), format="nt"))


def test_one_named_graph_per_file(loaded: StewardGraph) -> None:
    table = loaded.stats()["graphs"]
    assert [row["graph"] for row in table.rows] == [
        "https://w3id.org/stewardgraph/graph/curated/facts",
        "https://w3id.org/stewardgraph/graph/curated/organizations",
        "https://w3id.org/stewardgraph/graph/ontology",
    ]
    result = loaded.select(
        "SELECT ?g WHERE { GRAPH ?g { <https://w3id.org/stewardgraph/id/organization/acme> a sg:Company } }"
    )
    assert result.rows == [{"g": "https://w3id.org/stewardgraph/graph/curated/organizations"}]


def test_iris_are_deterministic(loaded: StewardGraph) -> None:
    assert loaded.query(f"ASK {{ <{ID['project/widget']}> a sg:Project }}") is True
    assert loaded.query(f"ASK {{ <{ID['stewardship/widget--acme--2015']}> sg:project <{ID['project/widget']}> }}") is True
    assert loaded.query(f"ASK {{ <{ID['event/widget-donated']}> sg:datePrecision time:unitDay }}") is True


def test_persistent_store_survives_reopening(disk_settings: Settings) -> None:
    first = StewardGraph(disk_settings)
    first.build()
    first.close()
    again = StewardGraph(disk_settings)
    assert [r["steward"] for r in again.run("steward-at", {"project": "widget", "date": "2016"}).rows] == ["Acme Widgets"]
    again.close()


def test_failed_build_leaves_previous_graph_queryable(disk_settings: Settings, write_yaml) -> None:  # type: ignore[no-untyped-def]
    graph = StewardGraph(disk_settings)
    graph.build()
    before = graph.export("nquads")
    broken = write_yaml(bad="projects:\n  - {id: x, name: X, sources: [https://example.org], colour: red}\n")
    with pytest.raises(ValidationFailed):
        graph.build(broken)
    assert graph.export("nquads") == before
    graph.close()
    reopened = StewardGraph(disk_settings)
    assert reopened.run("project-history", {"project": "widget"}).rows
    assert reopened.export("nquads") == before
    reopened.close()


def test_rebuild_replaces_the_graph(disk_settings: Settings, write_yaml) -> None:  # type: ignore[no-untyped-def]
    graph = StewardGraph(disk_settings)
    graph.build()
    small = write_yaml(only="organizations:\n  - {id: solo, name: Solo, kind: company, sources: [{url: \"https://example.org/s\", kind: primary}]}\n")
    graph.build(small)
    assert graph.query("ASK { ?p a sg:Project }") is False
    assert graph.query("ASK { ?o rdfs:label 'Solo' }") is True
    graph.build()
    generations = [g for g in disk_settings.store_dir.glob("gen-*") if g.is_dir()]
    assert len(generations) == 2  # the current one, and the previous one for readers still on it
    copies = sorted(disk_settings.store_dir.glob("gen-*.nq"))  # for workers that hold the graph in memory
    assert [c.name for c in copies] == sorted(f"{g.name}.nq" for g in generations)
    graph.close()


def test_query_before_any_build_says_what_to_do(disk_settings: Settings) -> None:
    with pytest.raises(StoreError, match="run 'stewardgraph build'"):
        StewardGraph(disk_settings).run("foundation-tree")


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("project", "widget", "project/widget"),
        ("project", "Widget", "project/widget"),
        ("project", "WIDGETS", "project/widget"),
        ("project", str(ID["project/gizmo"]), "project/gizmo"),
        ("organization", "acme corp", "organization/acme"),
        ("foundation", "wf", "organization/widget-foundation"),
        ("entity", "Gadget", "project/gadget"),
        ("entity", "Globex", "organization/globex"),
    ],
)
def test_resolve_by_id_name_or_alias(loaded: StewardGraph, kind: str, value: str, expected: str) -> None:
    assert loaded.resolve(kind, value).value == str(ID[expected])


def test_resolve_refuses_what_is_not_of_the_kind(loaded: StewardGraph) -> None:
    with pytest.raises(ParameterError, match="no foundation has the id, name or alias 'acme'"):
        loaded.resolve("foundation", "acme")


def test_row_cap_flags_truncation(settings: Settings) -> None:
    graph = StewardGraph(settings.model_copy(update={"row_cap": 3}))
    graph.build()
    result = graph.select("SELECT ?s WHERE { ?s ?p ?o }")
    assert len(result.rows) == 3 and result.truncated
    assert SG.Project  # the namespace is importable and closed


def test_library_queries_on_disk_stop_at_the_time_limit(disk_settings: Settings) -> None:
    graph = StewardGraph(disk_settings.model_copy(update={"query_timeout": 1.0}))
    try:
        graph.build()
        assert graph.run("foundation-tree").rows  # the worker has started
        started = time.monotonic()
        with pytest.raises(QueryTimeout, match="ran out of time after 1 s"):
            graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
        assert time.monotonic() - started < 3
        assert graph.run("foundation-tree").rows  # and a fresh worker answers
    finally:
        graph.close()


def test_a_long_list_of_values_is_not_a_long_query(loaded: StewardGraph) -> None:
    # the size limit is for the text clients send; a named query binds any number of values
    many = [f"https://w3id.org/stewardgraph/id/project/p{i}" for i in range(3_000)]
    widget = "https://w3id.org/stewardgraph/id/project/widget"
    found = loaded.run("page-labels", {"terms": [*many, widget]}).rows
    assert found == [{"term": widget, "label": "Widget"}]
    with pytest.raises(TooLarge):
        loaded.query("SELECT * WHERE { VALUES ?x { " + " ".join(f"<{iri}>" for iri in many) + " } }")
