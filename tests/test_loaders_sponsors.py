"""The foundations directory merged into the graph: foundations matched or created with their
identity, sponsors matched by web domain or name, new sponsors reported, fiscal sponsorships."""

from __future__ import annotations

from pathlib import Path

from stewardgraph import Settings, StewardGraph
from stewardgraph.loaders.imports import Report

FIXTURE = Path(__file__).parent / "fixtures" / "imports" / "fossfoundation" / "good"
CURATED = """
organizations:
  - {id: numfocus, name: NumFOCUS, kind: foundation, homepage: "https://numfocus.org/", sources: [{url: "https://example.org/nf", kind: primary}]}
  - {id: google, name: Google, kind: company, sources: [{url: "https://example.org/g", kind: primary}]}
  - {id: bloomberg, name: Bloomberg, kind: company, domains: [bloomberg.com], sources: [{url: "https://example.org/b", kind: primary}]}
  - {id: spi-curated, name: Software in the Public Interest, kind: foundation, aliases: [SPI], sources: [{url: "https://example.org/spi", kind: primary}]}
"""


def import_directory(tmp_path: Path, curated_text: str = CURATED) -> tuple[StewardGraph, Report]:
    """The curated facts built, then the fixture directory imported into them."""
    curated = tmp_path / "curated"
    curated.mkdir()
    (curated / "facts.yaml").write_text(curated_text)
    graph = StewardGraph(Settings(data_dir=tmp_path / "data", curated_dir=curated, imports=""))
    graph.build()
    (report,) = graph.import_source("fossfoundation", FIXTURE, commit="f6befeef", as_of="2025-11").reports
    return graph, report


def imported(tmp_path: Path) -> StewardGraph:
    graph, report = import_directory(tmp_path)
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
    assert domains == set()  # matched by name only: the domain is not taken as Google's
    graph.close()


def test_a_domain_sponsor_does_not_take_a_namesake_with_a_domain_of_its_own(tmp_path: Path) -> None:
    """switch.com is not SWITCH of switch.ch; block.science is not Block of block.xyz."""
    graph, report = import_directory(tmp_path, CURATED.replace(
        '  - {id: google, name: Google, kind: company, sources: [{url: "https://example.org/g", kind: primary}]}',
        '  - {id: google, name: Google, kind: company, domains: [google.de], sources: [{url: "https://example.org/g", kind: primary}]}'))
    assert "google.com" in report.new_sponsors
    sponsors = {r["sponsor"] for r in graph.run("foundation-sponsors", {"foundation": "NumFOCUS"}).rows}
    assert "google.com" in sponsors and "Google" not in sponsors
    graph.close()


def test_new_sponsors_are_reported_and_fiscal_sponsorships_recorded(tmp_path: Path) -> None:
    graph, report = import_directory(tmp_path)
    assert {"posit.co", "snowflake.com", "aws.amazon.com", "moore.org"} <= set(report.new_sponsors)
    assert "bloomberg.com" not in report.new_sponsors and "google.com" not in report.new_sponsors
    numpy = graph.run("steward-at", {"project": "NumPy", "date": "2025-12-01"}).rows
    assert numpy == [{"steward": "NumFOCUS", "role": "fiscal-sponsor", "since": "2025-11", "until": None,
                      "organization": "https://w3id.org/stewardgraph/id/organization/numfocus"}]
    graph.close()


def test_a_foundation_on_its_own_list_is_no_sponsor_and_levels_stay_apart() -> None:
    from stewardgraph.importers import ImportedOrganization, ImportedSponsorship, ImportResult, Location, Upstream
    from stewardgraph.loaders.imports import Known, map_import
    from stewardgraph.records import Organization, PartialDate, Sponsorship

    day = PartialDate(2024, 9, 26)

    def listed(sponsor: str, level: str, kind: str = "cash") -> ImportedSponsorship:
        return ImportedSponsorship(sponsor, "cncf", level, 1, kind, None, day,  # type: ignore[arg-type]
                                   Location("data/sponsorships/cncf.json", sponsor, "first"))

    cncf = ImportedOrganization("cncf", "CNCF", Location("sponsorships/cncf.md", "cncf"), domains=("cncf.io",))
    result = ImportResult("fossfoundation", "", Upstream("u", "o/r", "", "c", "t", "p"), (), (), (), (cncf,),
                          (listed("cncf.io", "Silver"), listed("acme.example", "Platinum"),
                           listed("acme.example", "Platinum", "in-kind"), listed("acme.example", "金牌"),
                           listed("acme.example", "银牌")))
    mapping = map_import(result, Known(), overrides=[], as_of=PartialDate(2025, 11))
    sponsorships = [r for r in mapping.records if isinstance(r, Sponsorship)]
    assert len(sponsorships) == 4 and len({s.slug for s in sponsorships}) == 4  # none lost to a shared id
    assert any("'cncf.io' is the funded organization itself" in p for p in mapping.report.problems)
    assert [r.name for r in mapping.records if isinstance(r, Organization)] == ["CNCF", "acme.example"]
