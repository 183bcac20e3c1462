"""The foundations directory merged into the graph: foundations matched or created with their
identity, sponsors matched by web domain or name, new sponsors reported, fiscal sponsorships."""

from __future__ import annotations

from pathlib import Path

from stewardgraph import Settings, StewardGraph

FIXTURE = Path(__file__).parent / "fixtures" / "imports" / "fossfoundation" / "good"
CURATED = """
organizations:
  - {id: numfocus, name: NumFOCUS, kind: foundation, homepage: "https://numfocus.org/", sources: [https://example.org/nf]}
  - {id: google, name: Google, kind: company, sources: [https://example.org/g]}
  - {id: bloomberg, name: Bloomberg, kind: company, domains: [bloomberg.com], sources: [https://example.org/b]}
  - {id: spi-curated, name: Software in the Public Interest, kind: foundation, aliases: [SPI], sources: [https://example.org/spi]}
"""


def imported(tmp_path: Path) -> StewardGraph:
    curated = tmp_path / "curated"
    curated.mkdir()
    (curated / "facts.yaml").write_text(CURATED)
    graph = StewardGraph(Settings(data_dir=tmp_path / "data", curated_dir=curated, imports=""))
    graph.build()
    summary = graph.import_source("fossfoundation", FIXTURE, commit="f6befeef", as_of="2025-11")
    (report,) = summary.reports
    assert report.ambiguous == [] and report.conflicts == []
    return graph


def test_a_known_foundation_gets_its_identity_and_a_new_one_is_made(tmp_path: Path) -> None:
    graph = imported(tmp_path)
    facts = {(str(r["p"]).rsplit("/", 1)[-1].rsplit("#", 1)[-1], str(r["o"])) for r in graph.select(
        "SELECT ?p ?o WHERE { <https://w3id.org/stewardgraph/id/organization/numfocus> ?p ?o }").rows}
    assert {("legalName", "NumFOCUS, Inc."), ("taxID", "45-4547709"), ("addressCountry", "US"),
            ("sameAs", "http://www.wikidata.org/entity/Q54449592"), ("webDomain", "numfocus.org"),
            ("nonprofitStatus", "https://schema.org/Nonprofit501c3"), ("fiscalHosting", "direct")} <= facts
    labels = [r["n"] for r in graph.select(
        "SELECT ?n WHERE { <https://w3id.org/stewardgraph/id/organization/numfocus> rdfs:label ?n }").rows]
    assert labels == ["NumFOCUS"]  # one node, one name
    # SPI matched the curated organization by its alias; Debian is new, and fiscally hosted by it
    hosts = graph.select("""SELECT ?name ?host WHERE { ?o sg:fiscalHost ?h ; rdfs:label ?name .
                            ?h rdfs:label ?host }""").rows
    assert hosts == [{"name": "Debian", "host": "Software in the Public Interest"}]
    graph.close()


def test_sponsors_meet_the_organizations_they_are(tmp_path: Path) -> None:
    graph = imported(tmp_path)
    rows = graph.run("foundation-sponsors", {"foundation": "NumFOCUS"}).rows
    by_sponsor = {r["sponsor"]: r for r in rows}
    # bloomberg.com is the curated Bloomberg (by domain), google.com the curated Google (by name)
    assert by_sponsor["Bloomberg"]["level"] == "principal" and by_sponsor["Bloomberg"]["rank"] == 1
    assert by_sponsor["Bloomberg"]["amount_usd"] == 100000
    assert by_sponsor["Google"]["rank"] == 2
    assert by_sponsor["aws.amazon.com"]["kind"] == "in-kind"
    assert by_sponsor["moore.org"]["rank"] is None  # grants are unranked
    domains = {r["d"] for r in graph.select(
        "SELECT ?d WHERE { <https://w3id.org/stewardgraph/id/organization/google> sg:webDomain ?d }").rows}
    assert domains == {"google.com"}  # learnt from the list, now an identifier of Google
    graph.close()


def test_new_sponsors_are_reported_and_fiscal_sponsorships_recorded(tmp_path: Path) -> None:
    curated = tmp_path / "curated"
    curated.mkdir()
    (curated / "facts.yaml").write_text(CURATED)
    graph = StewardGraph(Settings(data_dir=tmp_path / "data", curated_dir=curated, imports=""))
    graph.build()
    (report,) = graph.import_source("fossfoundation", FIXTURE, commit="f6befeef", as_of="2025-11").reports
    assert {"posit.co", "snowflake.com", "aws.amazon.com", "moore.org"} <= set(report.new_sponsors)
    assert "bloomberg.com" not in report.new_sponsors and "google.com" not in report.new_sponsors
    numpy = graph.run("steward-at", {"project": "NumPy", "date": "2025-12-01"}).rows
    assert numpy == [{"steward": "NumFOCUS", "role": "fiscal-sponsor", "since": "2025-11", "until": None}]
    graph.close()
