"""The facts kept from each import: a stable file, read back exactly, refused when malformed,
rewritten by `stewardgraph import`, and what changed in stewardship between two versions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from stewardgraph import Settings, StewardGraph
from stewardgraph.cli import main
from stewardgraph.errors import ImportRefused
from stewardgraph.importers import IMPORTERS, kept
from stewardgraph.importing import snapshots
from stewardgraph.records import PartialDate
from stewardgraph.resources import resource_dir
from tests.test_loaders_imports import CURATED

FIXTURES = Path(__file__).parent / "fixtures"
LANDSCAPE = FIXTURES / "imports" / "cncf" / "landscape.yml"
SHIPPED = resource_dir("data") / "imports"
MONTH = PartialDate.parse("2026-08")


def test_a_kept_file_reads_back_as_the_canonical_result(tmp_path: Path) -> None:
    result = IMPORTERS["cncf"].read(LANDSCAPE, commit="abc123")
    path = tmp_path / "cncf.jsonl"
    kept.write(path, result, MONTH)
    back = kept.read(path)
    expected = kept.canonical(result)
    assert back.as_of == MONTH
    assert back.result.projects == expected.projects and back.result.members == expected.members
    assert back.result.problems == expected.problems and back.result.problems  # bad records stay counted
    assert back.result.upstream.url == "https://github.com/cncf/landscape/blob/abc123/landscape.yml"
    assert all(p.description is None for p in back.result.projects)  # no upstream prose
    assert "Production-grade" not in path.read_text()


def test_a_kept_file_is_stable_one_record_per_line(tmp_path: Path) -> None:
    result = IMPORTERS["cncf"].read(LANDSCAPE, commit="abc123")
    reordered = result.__class__(result.source, result.foundation, result.upstream, result.projects[::-1],
                                 result.members[::-1], result.problems[::-1])
    assert kept.dumps(result, MONTH) == kept.dumps(reordered, MONTH)
    lines = kept.dumps(result, MONTH).splitlines()
    assert len(lines) == 1 + len(result.projects) + len(result.members) + len(result.problems)
    assert json.loads(lines[0])["upstream"]["commit"] == "abc123"


@pytest.mark.parametrize("source", sorted(IMPORTERS))
def test_the_shipped_kept_files_read_and_rewrite_byte_for_byte(source: str) -> None:
    path = SHIPPED / f"{source}.jsonl"
    found = kept.read(path)
    assert found.result.source == source and found.result.projects
    assert found.result.upstream.commit == snapshots()[source]["commit"]
    assert kept.dumps(found.result, found.as_of) == path.read_text(encoding="utf-8")
    assert path.stat().st_size < 1_000_000


def test_another_sources_facts_are_refused(tmp_path: Path) -> None:
    kept.write(tmp_path / "cdf.jsonl", IMPORTERS["cncf"].read(LANDSCAPE), MONTH)
    with pytest.raises(ImportRefused, match=r"cdf\.jsonl, line 1: the facts of 'cncf', not of 'cdf'"):
        kept.read(tmp_path / "cdf.jsonl")


@pytest.mark.parametrize(("line", "message"), [
    ("not json", r"cncf\.jsonl, line 2: not JSON"),
    ('{"member": "Acme", "file": "f.yml", "kind": "vote"}', r"cncf\.jsonl, line 2: field 'tier' is missing"),
    ('{"project": "X", "file": "f.yml", "stages": [{"stage": "sandbox", "kind": "vote", "date": "2021-13"}]}',
     r"cncf\.jsonl, line 2: .*2021-13"),
    ('{"something": 1}', r"cncf\.jsonl, line 2: neither a project"),
])
def test_a_malformed_kept_file_is_refused_with_its_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "cncf.jsonl"
    kept.write(path, IMPORTERS["cncf"].read(LANDSCAPE), MONTH)
    head = path.read_text().splitlines()[0]
    path.write_text(head + "\n" + line + "\n")
    with pytest.raises(ImportRefused, match=message):
        kept.read(path)


def _changed_landscape(tmp_path: Path) -> Path:
    """The fixture landscape a month later: Akri graduates, Brigade is gone, a new project and a
    new member arrive, and Alibaba Cloud moves from platinum to gold."""
    text = LANDSCAPE.read_text()
    text = text.replace("""            name: Akri
            homepage_url: https://docs.akri.sh
            project: "sandbox"
            extra:
              accepted: '2021-09-14'""", """            name: Akri
            homepage_url: https://docs.akri.sh
            project: "incubating"
            extra:
              accepted: '2021-09-14'
              incubating: '2026-09-02'""")
    text = text.replace("""          - item:
            name: Brigade
            homepage_url: https://brigade.sh/
            project: archived
            extra:
              accepted: '2019-03-12'
              archived: '2022-06-14'
""", """          - item:
            name: Newcomer
            homepage_url: https://newcomer.example/
            project: sandbox
            extra:
              accepted: '2026-09-01'
""")
    assert "Newcomer" in text and "incubating: '2026-09-02'" in text
    path = tmp_path / "landscape.yml"
    path.write_text(text)
    return path


def test_changes_between_two_versions(tmp_path: Path) -> None:
    old = IMPORTERS["cncf"].read(LANDSCAPE)
    new = IMPORTERS["cncf"].read(_changed_landscape(tmp_path))
    found = kept.changes(old, new)
    assert found.projects_added == [{"name": "Newcomer", "status": "sandbox"}]
    assert found.projects_removed == [{"name": "Brigade", "status": "archived"}]
    assert [(c["name"], c["before"], c["after"], c["date"]) for c in found.stage_changes] == [
        ("Akri", "sandbox", "incubating", "2026-09-02")]
    assert kept.changes(old, old).empty()


def test_changes_in_sponsors_and_members() -> None:
    old = IMPORTERS["cncf"].read(LANDSCAPE)
    members = list(old.members)
    moved = next(m for m in members if m.name == "Alibaba Cloud")
    dropped = members[-1]
    assert dropped.name != moved.name
    new = old.__class__(old.source, old.foundation, old.upstream, old.projects,
                        tuple([m.__class__(m.name, "gold" if m is moved else m.tier, m.location, m.joined,
                                           m.date_kind, m.homepage) for m in members[:-1]]
                              + [moved.__class__("Acme Newco", "silver", moved.location)]), old.problems)
    found = kept.changes(old, new)
    assert found.members_added == [{"name": "Acme Newco", "tier": "silver"}]
    assert found.members_dropped == [{"name": dropped.name, "tier": dropped.tier}]
    assert found.members_moved == [{"name": "Alibaba Cloud", "before": moved.tier, "after": "gold"}]
    assert "~ member Alibaba Cloud: platinum → gold" in found.lines()


def _curated(tmp_path: Path) -> Path:
    directory = tmp_path / "curated"
    directory.mkdir()
    (directory / "facts.yaml").write_text(CURATED.replace("GRADUATION", "2018-03-06"))
    return directory


def test_import_rewrites_the_kept_facts_and_reports_the_changes(tmp_path: Path) -> None:
    """As a maintainer refreshes a source: import, import a newer file, publish the changelog."""
    kept_dir, curated = tmp_path / "kept", _curated(tmp_path)
    base = ["--data-dir", str(tmp_path / "data"), "--curated-dir", str(curated)]
    env = {"STEWARDGRAPH_KEPT_DIR": str(kept_dir)}
    runner = CliRunner()
    assert runner.invoke(main, [*base, "build"], env=env).exit_code == 0
    first = runner.invoke(main, [*base, "import", "cncf", str(LANDSCAPE), "--commit", "aaa111", "--as-of", "2026-08"],
                          env=env)
    assert first.exit_code == 0, first.output
    assert "no kept version before this one" in first.output
    assert '"commit": "aaa111"' in (kept_dir / "cncf.jsonl").read_text()
    changelog = tmp_path / "changes.json"
    second = runner.invoke(main, [*base, "import", "cncf", str(_changed_landscape(tmp_path)), "--commit", "bbb222",
                                  "--as-of", "2026-09", "--changes", str(changelog)], env=env)
    assert second.exit_code == 0, second.output
    assert "cncf: 3 changes in stewardship since the kept version" in second.output  # as the README shows
    assert "+ project Newcomer (sandbox)" in second.output and "- project Brigade" in second.output
    assert "~ project Akri: sandbox → incubating on 2026-09-02" in second.output
    document = json.loads(changelog.read_text())
    assert document["before"]["commit"] == "aaa111" and document["after"] == {
        "repository": "cncf/landscape", "path": "landscape.yml", "commit": "bbb222", "as_of": "2026-09"}
    assert [p["name"] for p in document["projects_added"]] == ["Newcomer"]
    assert kept.read(kept_dir / "cncf.jsonl").result.upstream.commit == "bbb222"
    # the store was updated too, and a build from the kept facts gives the same projects
    graph = StewardGraph(Settings(data_dir=tmp_path / "data", curated_dir=curated))
    try:
        imported = {r["name"] for r in graph.select(
            "SELECT ?name WHERE { GRAPH <https://w3id.org/stewardgraph/graph/import/cncf> "
            "{ ?p a sg:Project ; rdfs:label ?name } }").rows}
    finally:
        graph.close()
    assert "Newcomer" in imported and "Brigade" not in imported
    rebuilt = StewardGraph(Settings(in_memory=True, curated_dir=curated, imports="cncf", kept_dir=kept_dir))
    try:
        rebuilt.build()
        again = {r["name"] for r in rebuilt.select(
            "SELECT ?name WHERE { GRAPH <https://w3id.org/stewardgraph/graph/import/cncf> "
            "{ ?p a sg:Project ; rdfs:label ?name } }").rows}
    finally:
        rebuilt.close()
    assert again == imported


def test_a_refused_import_leaves_the_kept_facts_alone(tmp_path: Path) -> None:
    kept_dir = tmp_path / "kept"
    graph = StewardGraph(Settings(data_dir=tmp_path / "data", curated_dir=_curated(tmp_path), kept_dir=kept_dir))
    try:
        graph.build()
        graph.import_source("cncf", LANDSCAPE, commit="aaa111")
        before = (kept_dir / "cncf.jsonl").read_bytes()
        with pytest.raises(ImportRefused):
            graph.import_source("cncf", FIXTURES / "imports" / "cncf" / "not_a_landscape.yml")
    finally:
        graph.close()
    assert (kept_dir / "cncf.jsonl").read_bytes() == before


def _datasets() -> Path | None:
    for candidate in (Path(__file__).resolve().parents[2] / "shared" / "datasets", Path("/work/shared/datasets")):
        if candidate.is_dir():
            return candidate
    return None


@pytest.mark.skipif(_datasets() is None, reason="no shared/datasets folder next to the project (foundation snapshots)")
@pytest.mark.parametrize("source", sorted(IMPORTERS))
def test_the_shipped_kept_files_are_what_the_snapshots_give(source: str) -> None:
    datasets = _datasets()
    assert datasets is not None
    known = snapshots()[source]
    result = IMPORTERS[source].read(datasets / known["file"], commit=known["commit"])
    assert kept.dumps(result, PartialDate.parse(known["as_of"])) == (SHIPPED / f"{source}.jsonl").read_text()


def test_changes_in_sponsors_and_a_directory_round_trip(tmp_path: Path) -> None:
    """Sponsors added, dropped and moved between levels; organizations and sponsorships kept."""
    from stewardgraph.importers import ImportedOrganization, ImportedSponsorship, ImportResult, Location, Upstream

    up = Upstream("u", "Punderthings/fossfoundation", "", "abc", "t", "p")
    day = PartialDate(2025, 9, 11)

    def listed(sponsor: str, level: str, rank: int | None) -> ImportedSponsorship:
        return ImportedSponsorship(sponsor, "numfocus", level, rank, "cash", 1000, day,
                                   Location("data/sponsorships/numfocus.json", sponsor, "first"))

    foundation = ImportedOrganization("numfocus", "NumFOCUS", Location("foundations/numfocus.md", "numfocus"),
                                      legal_name="NumFOCUS, Inc.", wikidata="Q54449592", domains=("numfocus.org",),
                                      fiscal_host=None)
    old = ImportResult("fossfoundation", "", up, (), (), (), (foundation,),
                       (listed("google.com", "sustaining", 2), listed("ibm.com", "principal", 1)))
    new = ImportResult("fossfoundation", "", up, (), (), (), (foundation,),
                       (listed("google.com", "principal", 1), listed("posit.co", "principal", 1)))
    found = kept.changes(old, new)
    assert found.sponsors_added == [{"sponsor": "posit.co", "recipient": "numfocus", "level": "principal"}]
    assert found.sponsors_dropped == [{"sponsor": "ibm.com", "recipient": "numfocus", "level": "principal"}]
    assert found.sponsors_moved == [{"sponsor": "google.com", "recipient": "numfocus", "before": "sustaining",
                                     "after": "principal"}]
    path = tmp_path / "fossfoundation.jsonl"
    kept.write(path, new, MONTH)
    back = kept.read(path).result
    assert back.organizations == (foundation,) and back.sponsorships == kept.canonical(new).sponsorships


def test_an_unreadable_kept_file_is_replaced_by_the_import(tmp_path: Path) -> None:
    """A merge conflict in a kept file does not stop the import that repairs it."""
    kept_dir = tmp_path / "kept"
    kept_dir.mkdir()
    (kept_dir / "cncf.jsonl").write_text("<<<<<<< HEAD\n")
    graph = StewardGraph(Settings(data_dir=tmp_path / "data", curated_dir=_curated(tmp_path), kept_dir=kept_dir))
    try:
        graph.build()
        (report,) = graph.import_source("cncf", LANDSCAPE, commit="aaa111").reports
    finally:
        graph.close()
    assert any("could not be read, so they are replaced" in p for p in report.problems)
    assert kept.read(kept_dir / "cncf.jsonl").result.upstream.commit == "aaa111"
