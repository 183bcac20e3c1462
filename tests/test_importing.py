"""The whole graph: curated facts plus every kept import, as a fresh clone builds it; and the
same graph from the upstream snapshots in ../shared/datasets, where they are present."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from stewardgraph import Settings, StewardGraph
from stewardgraph.config import SOURCES
from stewardgraph.building import compile_data, configured_imports
from stewardgraph.importers import IMPORTERS
from stewardgraph.importing import snapshots, spec
from stewardgraph.resources import resource_dir


def _datasets() -> Path | None:
    for candidate in (Path(__file__).resolve().parents[2] / "shared" / "datasets", Path("/work/shared/datasets")):
        if candidate.is_dir():
            return candidate
    return None


DATASETS = _datasets()
needs_datasets = pytest.mark.skipif(DATASETS is None,
                                    reason="no shared/datasets folder next to the project (foundation snapshots)")
ALL = ",".join(SOURCES)
KEPT = resource_dir("data") / "imports"


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StewardGraph]:
    """What `stewardgraph build` makes on a fresh clone: the curated facts and the kept imports."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("full"), imports=ALL, kept_dir=KEPT)
    graph = StewardGraph(settings)
    summary = graph.build()
    assert [r.source for r in summary.reports] == ALL.split(",")
    assert summary.total_triples > 30_000
    yield graph
    graph.close()


def test_a_build_includes_every_kept_import_by_default() -> None:
    assert Settings.model_fields["imports"].default.split(",") == list(IMPORTERS)
    assert Settings.model_fields["kept_dir"].default_factory() == KEPT  # type: ignore[call-arg,misc]
    assert {path.stem for path in KEPT.glob("*.jsonl")} == set(IMPORTERS)


def test_a_missing_kept_file_is_named(tmp_path: Path) -> None:
    from stewardgraph.errors import ImportUnavailable

    graph = StewardGraph(Settings(in_memory=True, imports="cncf", kept_dir=tmp_path))
    with pytest.raises(ImportUnavailable, match=r"no kept facts for 'cncf' at .*cncf\.jsonl"):
        graph.build()


@needs_datasets
def test_the_kept_facts_build_the_graph_the_snapshots_build() -> None:
    graphs = []
    for extra in ({"kept_dir": KEPT}, {"import_dir": DATASETS}):
        graph = StewardGraph(Settings(in_memory=True, imports=ALL, **extra))  # type: ignore[arg-type]
        graphs.append(set(compile_data(graph, imports=configured_imports(graph)).build.nquads().splitlines()))
    assert len(graphs[0]) > 30_000 and graphs[0] == graphs[1]


@needs_datasets
def test_snapshot_specs_cite_their_commit(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, import_dir=DATASETS)
    for source, known in snapshots().items():
        item = spec(settings, source)
        assert item.commit == known["commit"] and str(item.as_of) == known["as_of"]
        assert Path(item.location).exists()


def test_kubernetes_in_cncf(full: StewardGraph) -> None:
    rows = [r for r in full.run("foundation-projects", {"foundation": "CNCF"}).rows if r["project"] == "Kubernetes"]
    assert len(rows) == 1 and str(rows[0]["since"]).startswith("2016")
    history = full.run("project-history", {"project": "Kubernetes"}).rows
    assert ("2018-03-06", "graduation") in {(r["date"], r["event_type"]) for r in history}


def test_kafka_incubated_2011_and_graduated_2012(full: StewardGraph) -> None:
    history = full.run("project-history", {"project": "Apache Kafka"}).rows
    events = {(str(r["date"])[:4], r["event_type"]) for r in history}
    assert ("2011", "incubation") in events and ("2012", "graduation") in events


def test_linux_foundation_includes_sub_foundations(full: StewardGraph) -> None:
    rows = full.run("foundation-projects", {"foundation": "Linux Foundation", "include_sub": "true"}).rows
    hosts = {r["host"] for r in rows}
    assert {"Cloud Native Computing Foundation", "PyTorch Foundation"} <= hosts
    assert {"Kubernetes", "PyTorch", "vLLM"} <= {r["project"] for r in rows}


@pytest.mark.parametrize("name", ["Kubernetes", "Node.js", "Apache Kafka"])
def test_one_real_world_project_is_one_node(full: StewardGraph, name: str) -> None:
    found = full.select(f"""SELECT DISTINCT ?p WHERE {{ ?p a sg:Project ; rdfs:label|skos:altLabel ?n .
                           FILTER(LCASE(STR(?n)) = "{name.lower()}") }}""").rows
    assert len(found) == 1, found


@pytest.mark.parametrize("name", ["Linux Foundation", "Google"])
def test_one_real_world_organization_is_one_node(full: StewardGraph, name: str) -> None:
    found = full.select(f"""SELECT DISTINCT ?o WHERE {{ ?o a sg:Organization ; rdfs:label ?n .
                           FILTER(LCASE(STR(?n)) = "{name.lower()}") }}""").rows
    assert len(found) == 1, found


def test_every_named_query_answers_on_the_full_graph(full: StewardGraph) -> None:
    calls = {
        "project-history": {"project": "Kubernetes"}, "steward-at": {"project": "Apache Kafka", "date": "2013"},
        "foundation-projects": {"foundation": "Apache Software Foundation", "date": "2020"},
        "foundation-members": {"foundation": "CNCF"}, "foundation-sponsors": {"foundation": "NumFOCUS"},
        "transfers": {"from_date": "2020", "to_date": "2021"},
        "foundation-board": {"foundation": "PyTorch Foundation"}, "company-handovers": {"company": "Google"},
        "relicensing-forks": {}, "foundation-tree": {}, "unhosted-projects": {}, "entity-sources": {"entity": "Kubernetes"},
    }
    for named in full.catalogue.public():
        assert full.run(named.name, calls[named.name]).rows, named.name


def test_every_foundation_with_its_identity(full: StewardGraph) -> None:
    foundations = full.select("""SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a sg:Foundation }""").rows[0]["n"]
    assert foundations >= 100  # the directory's 88, the programmes' recipients, the curated ones
    lf = {(str(r["p"]).rsplit("/", 1)[-1].rsplit("#", 1)[-1], str(r["o"])) for r in full.select(
        "SELECT ?p ?o WHERE { <https://w3id.org/stewardgraph/id/organization/linux-foundation> ?p ?o }").rows}
    assert ("sameAs", "http://www.wikidata.org/entity/Q858851") in lf and ("addressCountry", "US") in lf
    assert any(p == "legalName" for p, _ in lf) and any(p == "taxID" for p, _ in lf)
    hosted = {(r["org"], r["host"]) for r in full.select("""SELECT ?org ?host WHERE {
        ?o sg:fiscalHost ?h ; rdfs:label ?org . ?h rdfs:label ?host }""").rows}
    assert ("Debian", "Software in the Public Interest") in hosted  # the curated record, matched by the directory
    assert {host for _, host in hosted} <= {"Linux Foundation", "Software in the Public Interest"}


def test_sponsors_are_one_node_with_their_other_roles(full: StewardGraph) -> None:
    """google.com on a sponsor list, "Google LLC" as a CNCF member and the curated Google: one node."""
    numfocus = {r["sponsor"]: r for r in full.run("foundation-sponsors", {"foundation": "NumFOCUS"}).rows}
    assert numfocus["Google"]["level"] == "sustaining" and numfocus["Google"]["amount_usd"] == 50000
    members = {r["member"] for r in full.run("foundation-members", {"foundation": "CNCF"}).rows}
    assert "Google" in members
    google = full.select("""SELECT DISTINCT ?o WHERE { ?o a sg:Organization ; sg:webDomain "google.com" }""").rows
    assert len(google) == 1 and str(google[0]["o"]).endswith("/organization/google")
    assert full.query("""ASK { <https://w3id.org/stewardgraph/id/organization/numfocus> schema:funder
                              <https://w3id.org/stewardgraph/id/organization/google> }""") is True


def test_fiscally_sponsored_projects(full: StewardGraph) -> None:
    numpy = full.run("steward-at", {"project": "NumPy", "date": "2026-01-01"}).rows
    # the curated start (2019-02) stands; the directory's month of record adds no second stewardship
    assert [(r["steward"], r["role"], r["since"]) for r in numpy] == [("NumFOCUS", "fiscal-sponsor", "2019-02")]
    by_sponsor = {name: len(full.run("foundation-projects", {"foundation": name}).rows)
                  for name in ("NumFOCUS", "Software in the Public Interest", "Software Freedom Conservancy")}
    assert by_sponsor["NumFOCUS"] >= 50 and by_sponsor["Software in the Public Interest"] >= 30
    assert by_sponsor["Software Freedom Conservancy"] >= 30


def test_imported_facts_record_their_date_kind_and_source(full: StewardGraph) -> None:
    rows = full.select("""SELECT ?kind (COUNT(*) AS ?n) WHERE {
        GRAPH ?g { ?f sg:dateKind ?k } ?k skos:notation ?kind FILTER(STRSTARTS(STR(?g), "https://w3id.org/stewardgraph/graph/import/"))
      } GROUP BY ?kind ORDER BY ?kind""").rows
    assert {r["kind"] for r in rows} == {"vote", "month-of-record", "proxy"}
    unsourced = full.select("""SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?f a ?c }
        FILTER(STRSTARTS(STR(?g), "https://w3id.org/stewardgraph/graph/import/"))
        FILTER(?c IN (sg:Project, sg:Stewardship, sg:Membership, sg:StewardshipEvent))
        FILTER NOT EXISTS { ?f sg:source ?s } }""").rows
    assert unsourced[0]["n"] == 0


def test_the_service_answers_on_the_full_graph(full: StewardGraph) -> None:
    """Every page within the default time limit on the full graph (a slow query would be a 504)."""
    from fastapi.testclient import TestClient

    from stewardgraph.web import create_app

    settings = full.settings.model_copy(update={"query_timeout": 10.0})
    with TestClient(create_app(settings)) as client:
        for path, accept in [
            ("/id/project/kubernetes", "text/html"), ("/id/organization/cncf", "text/html"),
            ("/id/project/apache-kafka", "application/ld+json"), ("/projects?foundation=Linux%20Foundation", None),
            ("/projects/kubernetes", None), ("/organizations/cncf", None), ("/events?type=graduation", None),
            ("/search?q=kube", None), ("/sparql", "text/turtle"), ("/queries/unhosted-projects", None),
        ]:
            response = client.get(path, headers={"Accept": accept} if accept else {})
            assert response.status_code == 200, (path, response.text[:300])
        cncf = client.get("/organizations/cncf").json()
        assert len(cncf["members_by_tier"]["platinum"]) > 10
        assert any(p["project"]["id"] == "kubernetes" for p in cncf["projects"])


def test_cypher_twins_match_on_the_full_graph(full: StewardGraph, synced: StewardGraph) -> None:
    """The parity of every named query, on the real graph in the session's Neo4j (then put back)."""
    neo = {"neo4j_uri": synced.settings.bolt_uri, "neo4j_password": synced.settings.neo4j_password}
    graph = StewardGraph(full.settings.model_copy(update={**neo, "query_timeout": 60.0}))
    calls = [
        ("project-history", {"project": "Apache Kafka"}), ("steward-at", {"project": "Terraform", "date": "2020"}),
        ("foundation-projects", {"foundation": "Linux Foundation"}), ("foundation-members", {"foundation": "CNCF"}),
        ("transfers", {"from_date": "1990", "to_date": "2030"}), ("foundation-board", {"foundation": "PyTorch Foundation"}),
        ("company-handovers", {"company": "Meta"}), ("relicensing-forks", {}), ("foundation-tree", {}),
        ("unhosted-projects", {"date": "2015"}), ("entity-sources", {"entity": "Linux Foundation"}),
    ]
    try:
        graph.sync_neo4j()
        for name, params in calls:
            sparql, cypher = graph.run(name, params), graph.run(name, params, backend="neo4j")
            assert cypher.rows == sparql.rows, name
            assert sparql.rows, name
    finally:
        graph.close()
        synced.sync_neo4j()
