"""Imports merged with curated facts: matching, conflicts, overrides, robustness, re-runs."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from stewardgraph import Settings, StewardGraph
from stewardgraph.cli import main
from stewardgraph.errors import ImportRefused
from stewardgraph.loaders.imports import norm, url_key

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
CURATED = """
organizations:
  - {id: cncf, name: Cloud Native Computing Foundation, kind: foundation, aliases: [CNCF], sources: [{url: "https://example.org/cncf", kind: primary}]}
  - {id: alibaba, name: Alibaba Cloud, kind: company, sources: [{url: "https://example.org/alibaba", kind: primary}]}
  - {id: google, name: Google, kind: company, sources: [{url: "https://example.org/google", kind: primary}]}
projects:
  - {id: kubernetes, name: Kubernetes, repository: "https://github.com/kubernetes/kubernetes", sources: [{url: "https://example.org/k8s", kind: primary}]}
stewardships:
  - {project: kubernetes, steward: google, role: owner, start: 2014, end: 2016-03, sources: [https://example.org/k8s]}
  - {project: kubernetes, steward: cncf, role: host-foundation, start: 2016-03, sources: [https://example.org/k8s]}
events:
  - {id: k8s-graduates, type: graduation, date: GRADUATION, date_kind: announcement, project: kubernetes, to: cncf,
     sources: [https://example.org/k8s]}
"""


def graph_with(tmp_path: Path, *, graduation: str = "2018-03-06", aliases: str | None = None) -> StewardGraph:
    curated = tmp_path / "curated"
    curated.mkdir(exist_ok=True)
    (curated / "facts.yaml").write_text(CURATED.replace("GRADUATION", graduation))
    extra: dict[str, object] = {}
    if aliases is not None:
        (tmp_path / "aliases.yaml").write_text(aliases)
        extra["aliases_file"] = tmp_path / "aliases.yaml"
    return StewardGraph(Settings(data_dir=tmp_path / "data", curated_dir=curated, **extra))  # type: ignore[arg-type]


def names(graph: StewardGraph) -> list[str]:
    return [str(r["name"]) for r in graph.select("SELECT ?name WHERE { ?p a sg:Project ; rdfs:label ?name } ORDER BY ?name").rows]


def test_import_matches_curated_entities_and_adds_the_rest(tmp_path: Path) -> None:
    graph = graph_with(tmp_path)
    graph.build()
    summary = graph.import_source("cncf", FIXTURES / "cncf" / "landscape.yml", commit="abc123", as_of="2026-08")
    report = summary.reports[0]
    assert names(graph) == ["Akri", "Brigade", "Kubernetes", "Open Policy Agent (OPA)"]  # one Kubernetes
    assert report.conflicts == []  # 2016-03 and 2016-03-10 agree; curated graduation kept
    assert report.ambiguous == []
    assert any("2021-02-30" in p for p in report.problems) and any("emeritus" in p for p in report.problems)
    history = graph.run("project-history", {"project": "Kubernetes"}).rows
    assert [(r["date"], r["event_type"]) for r in history] == [("2016-03-10", "incubation"), ("2018-03-06", "graduation")]
    brigade = graph.run("project-history", {"project": "Brigade"}).rows
    assert [(r["date"], r["event_type"], r["from_steward"], r["to_steward"]) for r in brigade] == [
        ("2019-03-12", "incubation", None, "Cloud Native Computing Foundation"),  # it entered the sandbox
        ("2022-06-14", "archival", "Cloud Native Computing Foundation", None),
    ]
    assert "https://github.com/cncf/landscape/blob/abc123/landscape.yml" in history[0]["sources"]
    members = {r["member"]: r for r in graph.run("foundation-members", {"foundation": "CNCF"}).rows}
    assert members["Alibaba Cloud"]["tier"] == "platinum"  # matched to the curated organization
    kinds = graph.select("""SELECT ?kind (COUNT(*) AS ?n) WHERE { ?e sg:dateKind/skos:notation ?kind } GROUP BY ?kind ORDER BY ?kind""").rows
    assert {r["kind"] for r in kinds} >= {"vote"}
    graph.close()


def test_curated_facts_win_and_the_conflict_is_reported(tmp_path: Path) -> None:
    graph = graph_with(tmp_path, graduation="2018-03-07")
    graph.build()
    report = graph.import_source("cncf", FIXTURES / "cncf" / "landscape.yml").reports[0]
    assert len(report.conflicts) == 1
    assert "graduation of 'kubernetes' on 2018-03-06 (vote); kept the curated 2018-03-07" in report.conflicts[0]
    history = graph.run("project-history", {"project": "Kubernetes"}).rows
    assert [r["date"] for r in history if r["event_type"] == "graduation"] == ["2018-03-07"]
    graph.close()


def test_the_override_file_wins_over_matching(tmp_path: Path) -> None:
    aliases = "overrides:\n  - {source: cncf, kind: project, name: Kubernetes, id: null}\n"
    graph = graph_with(tmp_path, aliases=aliases)
    graph.build()
    graph.import_source("cncf", FIXTURES / "cncf" / "landscape.yml")
    assert names(graph).count("Kubernetes") == 2
    graph.close()


def test_reimport_gives_the_same_graph(tmp_path: Path) -> None:
    graph = graph_with(tmp_path)
    graph.build()
    graph.import_source("cncf", FIXTURES / "cncf" / "landscape.yml", commit="c", as_of="2026-08")
    first = {str(q) for q in ox.parse(graph.export("nquads"), format=ox.RdfFormat.N_QUADS)}
    graph.import_source("cncf", FIXTURES / "cncf" / "landscape.yml", commit="c", as_of="2026-08")
    second = {str(q) for q in ox.parse(graph.export("nquads"), format=ox.RdfFormat.N_QUADS)}
    strip = {q for q in first if "accessed" not in q}  # the access date is the day of the run
    assert strip == {q for q in second if "accessed" not in q}
    graph.close()


def test_a_structurally_wrong_file_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    graph = graph_with(tmp_path)
    graph.build()
    before = graph.export("nquads")
    with pytest.raises(ImportRefused, match="not_a_landscape.yml"):
        graph.import_source("cncf", FIXTURES / "cncf" / "not_a_landscape.yml")
    assert graph.export("nquads") == before
    graph.close()


def test_build_includes_configured_importers(tmp_path: Path) -> None:
    graph = graph_with(tmp_path)
    settings = graph.settings.model_copy(update={"imports": "cncf", "import_dir": tmp_path / "snapshots"})
    (tmp_path / "snapshots").mkdir()
    (tmp_path / "snapshots" / "cncf_landscape.yml").write_text((FIXTURES / "cncf" / "landscape.yml").read_text())
    built = StewardGraph(settings)
    summary = built.build()
    assert [r.source for r in summary.reports] == ["cncf"] and summary.reports[0].created >= 3
    assert "cncf import" in [f.file for f in summary.files]
    graphs = [r["graph"] for r in built.stats()["graphs"].rows]
    assert "https://w3id.org/stewardgraph/graph/import/cncf" in graphs
    built.close()


def test_a_precise_imported_date_refines_a_coarse_curated_one(tmp_path: Path) -> None:
    graph = graph_with(tmp_path, graduation="2018")
    settings = graph.settings.model_copy(update={"imports": "cncf", "import_dir": tmp_path / "snapshots"})
    (tmp_path / "snapshots").mkdir()
    (tmp_path / "snapshots" / "cncf_landscape.yml").write_text((FIXTURES / "cncf" / "landscape.yml").read_text())
    built = StewardGraph(settings)
    report = built.build().reports[0]
    assert report.conflicts == []
    assert sorted(str(r) for r in report.refinements if r.refines) == [
        "event of 'kubernetes' (graduation): 2018 refined to 2018-03-06",
        "stewardship of 'kubernetes' (cncf): 2016-03 refined to 2016-03-10",
    ]
    history = built.run("project-history", {"project": "Kubernetes"}).rows
    graduation = next(r for r in history if r["event_type"] == "graduation")
    assert graduation["date"] == "2018-03-06"  # the precise date, citing both sources
    curated, imported = sorted(graduation["sources"].split())
    assert curated == "https://example.org/k8s" and imported.startswith("https://github.com/cncf/landscape/blob/")
    [host] = built.run("steward-at", {"project": "Kubernetes", "date": "2016-03-10"}).rows
    assert (host["steward"], host["since"]) == ("Cloud Native Computing Foundation", "2016-03-10")
    assert built.run("steward-at", {"project": "Kubernetes", "date": "2016-03-09"}).rows[0]["steward"] == "Google"
    built.close()


def test_cli_import_prints_the_merge_report(tmp_path: Path) -> None:
    graph = graph_with(tmp_path)
    graph.build()
    graph.close()
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), "--curated-dir", str(tmp_path / "curated"),
                                       "import", "cncf", str(FIXTURES / "cncf" / "landscape.yml")])
    assert result.exit_code == 0, result.stderr
    assert "merge report" in result.output and "cncf" in result.output
    assert "bad record" in result.stderr
    refused = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), "import", "cncf",
                                        str(FIXTURES / "cncf" / "not_a_landscape.yml")])
    assert refused.exit_code == 1 and "not_a_landscape.yml" in refused.stderr


def test_matching_keys() -> None:
    assert norm("Node-Red") == norm("Node-RED") and norm("Kubernetes (K8s)") == "kubernetes"
    assert url_key("https://www.github.com/a/b.git/") == url_key("http://github.com/a/b") == "github.com/a/b"


def test_another_foundations_landscape_is_refused(tmp_path: Path) -> None:
    graph = graph_with(tmp_path)
    graph.build()
    before = graph.export("nquads")
    with pytest.raises(ImportRefused, match="is not the PyTorch Foundation landscape: it has no 'PyTorch Members' or 'PyTorch Projects' category"):
        graph.import_source("pytorch", FIXTURES / "cncf" / "landscape.yml")
    assert graph.export("nquads") == before
    graph.close()


def test_organizations_match_without_their_legal_form(tmp_path: Path) -> None:
    graph = graph_with(tmp_path)
    graph.build()
    landscape = (FIXTURES / "cncf" / "landscape.yml").read_text().replace("Alibaba Cloud (member)", "Alibaba Cloud, Inc. (member)")
    (tmp_path / "landscape.yml").write_text(landscape)
    graph.import_source("cncf", tmp_path / "landscape.yml")
    members = [r["member"] for r in graph.run("foundation-members", {"foundation": "CNCF"}).rows]
    assert "Alibaba Cloud" in members and not any("Inc." in str(m) for m in members)
    graph.close()


def test_a_build_without_the_import_says_it_drops_it(tmp_path: Path) -> None:
    graph = graph_with(tmp_path)
    graph.build()
    assert graph.build().dropped_imports == []
    graph.import_source("cncf", FIXTURES / "cncf" / "landscape.yml")
    assert graph.build().dropped_imports == ["cncf"]
    graph.close()
