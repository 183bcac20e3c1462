"""The shipped curated data: it validates, and it answers the questions it promises to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from stewardgraph import Settings, StewardGraph
from stewardgraph.resources import resource_dir

FOUNDING_BOARD = {"AMD", "Amazon Web Services", "Google", "Meta Platforms", "Microsoft", "NVIDIA"}


@pytest.fixture(scope="module")
def real() -> Iterator[StewardGraph]:
    graph = StewardGraph(Settings(in_memory=True))
    graph.build()
    yield graph
    graph.close()


def select(graph: StewardGraph, sparql: str) -> list[dict[str, Any]]:
    return graph.select(sparql).rows


def test_pytorch_history(real: StewardGraph) -> None:
    rows = real.run("project-history", {"project": "PyTorch"}).rows
    move = [r for r in rows if r["date"] == "2022-09-12"]
    assert len(move) == 1
    assert move[0]["event_type"] == "donation"
    assert (move[0]["from_steward"], move[0]["to_steward"]) == ("Meta Platforms", "PyTorch Foundation")
    assert all(url.startswith("https://") for url in move[0]["sources"].split())
    assert rows[0]["date"] == "2016" and rows[0]["event_type"] == "creation"


@pytest.mark.parametrize(("date", "steward"), [("2021-01-01", "Facebook"), ("2022-01-01", "Meta Platforms"),
                                               ("2023-01-01", "PyTorch Foundation")])
def test_pytorch_steward_at_names_the_steward_as_it_was(real: StewardGraph, date: str, steward: str) -> None:
    rows = real.run("steward-at", {"project": "pytorch", "date": date}).rows
    assert [r["steward"] for r in rows] == [steward]


def test_a_former_name_leads_to_the_same_node(real: StewardGraph) -> None:
    [then] = real.run("steward-at", {"project": "pytorch", "date": "2021-01-01"}).rows
    meta = "https://w3id.org/stewardgraph/id/organization/meta"
    assert then["organization"] == meta
    assert real.run("company-handovers", {"company": "Facebook"}).rows == real.run("company-handovers", {"company": meta}).rows
    named = select(real, f"SELECT ?name WHERE {{ <{meta}> rdfs:label ?name }}")
    assert [r["name"] for r in named] == ["Meta Platforms"]


def test_pytorch_foundation_board_and_host(real: StewardGraph) -> None:
    board = real.run("foundation-board", {"foundation": "PyTorch Foundation", "date": "2022-09-12"}).rows
    assert {r["member"] for r in board} >= FOUNDING_BOARD
    assert all(r["since"] == "2022-09-12" for r in board if r["member"] in FOUNDING_BOARD)
    tree = {r["foundation"]: r for r in real.run("foundation-tree").rows}
    assert tree["PyTorch Foundation"]["parent"] == "Linux Foundation"
    assert tree["Cloud Native Computing Foundation"]["parent"] == "Linux Foundation"


def test_pytorch_foundation_takes_in_more_projects(real: StewardGraph) -> None:
    rows = select(real, """
        SELECT ?project ?date WHERE {
          ?e sg:eventType/skos:notation "donation" ; sg:toSteward/rdfs:label "PyTorch Foundation" ;
             sg:project/rdfs:label ?project ; sg:date ?date .
        } ORDER BY ?project""")
    found = {r["project"]: r["date"] for r in rows}
    assert found["vLLM"].startswith("2025-05") and found["DeepSpeed"].startswith("2025-05")
    assert found["Ray"].startswith("2025-10")
    lf = real.run("foundation-projects", {"foundation": "Linux Foundation", "date": "2026-01-01"}).rows
    assert {"PyTorch", "vLLM", "DeepSpeed", "Ray", "Kubernetes"} <= {r["project"] for r in lf}


def test_a_foundation_is_named_as_it_was(real: StewardGraph) -> None:
    then = real.run("foundation-projects", {"foundation": "LF AI & Data", "date": "2019-06-01"}).rows
    assert then and {r["host"] for r in then} <= {"LF AI Foundation", "LF Deep Learning Foundation"}
    now = real.run("foundation-projects", {"foundation": "LF AI & Data", "date": "2025-06-01"}).rows
    assert "LF AI & Data Foundation" in {r["host"] for r in now}


def test_a_coarse_curated_date_takes_the_import_s_precision_and_cites_both() -> None:
    graph = StewardGraph(Settings(in_memory=True, imports="apache", kept_dir=resource_dir("data") / "imports"))
    graph.build()
    rows = graph.run("project-history", {"project": "Apache Spark"}).rows
    graph.close()
    [incubation] = [r for r in rows if r["event_type"] == "incubation"]
    assert incubation["date"] == "2013-06"
    sources = incubation["sources"].split()
    assert any("mail-archives.apache.org" in url or "lists.apache.org" in url for url in sources)  # the vote, curated
    assert any(url.startswith("https://github.com/apache/") for url in sources)  # the Apache record, imported


def test_the_curated_data_is_broad_and_sourced(real: StewardGraph) -> None:
    from stewardgraph.loaders.curated import curated_files, read_curated
    from stewardgraph.loaders.rules import figures

    found = figures(read_curated(curated_files(real.settings.curated_dir), real.ontology.vocabularies).records)
    assert found.events >= 400 and found.foundations >= 40
    assert found.primary_share >= 0.8
    assert found.years is not None and found.years[0] <= 1998 and found.years[1] == 2026


def test_enough_events_across_foundations_and_decades(real: StewardGraph) -> None:
    events = select(real, """
        SELECT ?e ?day ?g WHERE { GRAPH ?g { ?e a sg:StewardshipEvent ; sg:day ?day } }""")
    others = [e for e in events if not e["g"].endswith("/curated/pytorch")]
    assert len(others) >= 60
    years = sorted(int(e["day"][:4]) for e in events)
    assert 1990 <= years[0] < 2000 and years[-1] == 2026
    foundations = select(real, """
        SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE {
          ?e a sg:StewardshipEvent ; sg:toSteward|sg:fromSteward|sg:aboutOrganization ?f . ?f a sg:Foundation }""")
    assert foundations[0]["n"] >= 8


def test_relicensings_that_led_to_forks(real: StewardGraph) -> None:
    pairs = {(r["project"], r["fork"]) for r in real.run("relicensing-forks").rows}
    assert {("Elasticsearch", "OpenSearch"), ("Terraform", "OpenTofu"), ("Redis", "Valkey")} <= pairs


def test_month_precision_is_kept(real: StewardGraph) -> None:
    rows = select(real, """
        SELECT (COUNT(*) AS ?n) WHERE { ?e sg:date ?d ; sg:datePrecision time:unitMonth .
                                        FILTER(DATATYPE(?d) = xsd:gYearMonth) }""")
    assert rows[0]["n"] > 0
    assert select(real, """
        SELECT (COUNT(*) AS ?n) WHERE { ?e sg:date ?d ; sg:datePrecision time:unitMonth .
                                        FILTER(DATATYPE(?d) != xsd:gYearMonth) }""")[0]["n"] == 0


def test_every_fact_cites_a_source(real: StewardGraph) -> None:
    unsourced = select(real, """
        SELECT ?s WHERE {
          VALUES ?c { sg:Project sg:Organization sg:Stewardship sg:Membership sg:StewardshipEvent }
          ?s a ?c . FILTER NOT EXISTS { ?s sg:source/sg:url ?u } }""")
    assert unsourced == []


def test_no_alias_is_a_bare_legal_form() -> None:
    """`aliases: [Airbnb, Inc.]` is YAML for two aliases; "Inc." would match every Inc."""
    import yaml

    from stewardgraph.loaders.imports import org_norm

    for path in sorted(resource_dir("data/curated").glob("*.yaml")):
        for record in (yaml.safe_load(path.read_text()) or {}).get("organizations", []):
            for alias in record.get("aliases", []):
                assert org_norm(alias) not in ("", "inc", "llc", "ltd", "co", "corp"), (path.name, record["id"], alias)
