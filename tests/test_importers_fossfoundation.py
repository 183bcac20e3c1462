"""The fossfoundation importer over a small copy of Punderthings/fossfoundation, and the real one.

The fixture's prose (descriptions, body text, a prose founding date, level benefits, a scraper
error) all carry the word SENTINEL, which must never reach the result.
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

import httpx
import pytest

from stewardgraph.importers import base
from stewardgraph.importers.base import (
    ImportedOrganization,
    ImportedProject,
    ImportedSponsorship,
    ImportProblem,
    ImportRefused,
    ImportResult,
    ImportUnavailable,
    Location,
    Upstream,
)
from stewardgraph.importers.fossfoundation import LISTS_READ, importer, directory_date
from stewardgraph.records import PartialDate

GOOD = Path(__file__).parent / "fixtures" / "imports" / "fossfoundation" / "good"
RAW = "https://raw.githubusercontent.com/Punderthings/fossfoundation/main/"


@cache
def result() -> ImportResult:
    return importer.read(GOOD, commit="f6befeef")


def org(file: str, identifier: str, name: str, **fields: object) -> ImportedOrganization:
    return ImportedOrganization(identifier, name, Location(file, identifier), **fields)


def test_the_result_cites_the_repository() -> None:
    found = result()
    assert (found.source, found.foundation, found.members) == ("fossfoundation", "", ())
    assert found.upstream == Upstream(
        url=str(GOOD),
        repository="Punderthings/fossfoundation",
        path="",
        commit="f6befeef",
        title="FOSS Foundations directory (Punderthings/fossfoundation)",
        publisher="Punderthings",
    )
    assert importer.name == "fossfoundation"
    assert importer.default_url == RAW


def test_foundations_and_the_recipients_of_programmes_are_organizations() -> None:
    assert result().organizations == (
        org("foundations/numfocus.md", "numfocus", "NumFOCUS",
            legal_name="NumFOCUS, Inc.", homepage="https://numfocus.org/", founded=PartialDate(2012),
            country="US", nonprofit_status="Nonprofit501c3", tax_id="45-4547709",
            wikidata="Q54449592", fiscal_hosting="direct", domains=("numfocus.org",)),
        org("foundations/spi.md", "spi", "SPI",
            legal_name="Software in the Public Interest", homepage="https://www.SPI-inc.org/",
            founded=PartialDate(1997, 6, 16), country="US", nonprofit_status="Nonprofit501c3",
            tax_id="113390208", wikidata="Q685777", fiscal_hosting="direct", domains=("spi-inc.org",)),
        # identified by its front matter, not its file name; "UK" is GB; a prose date, a bad
        # QID and an unknown kind of fiscal hosting are left out
        org("foundations/tidewater_org.md", "tidewater", "Tidewater Foundation",
            legal_name="THE TIDEWATER FOUNDATION C.I.C.", homepage="https://www.tidewater.example/about/",
            country="GB", nonprofit_status="CommunityInterestCompany"),  # a page, not a site: no domain
        # a programme whose recipient has no foundation file (an SPI project), fiscally hosted by SPI
        org("sponsorships/debian.md", "debian", "Debian", fiscal_host="spi", is_foundation=False),
    )  # fmt: skip


def sponsorship(
    sponsor: str, recipient: str, key: str, level: str, rank: int | None, amount: int | None,
    listed: PartialDate, kind: str = "cash",
) -> ImportedSponsorship:  # fmt: skip
    where = Location(f"data/sponsorships/{recipient}.json", sponsor, key)
    return ImportedSponsorship(sponsor, recipient, level, rank, kind, amount, listed, where)


def test_every_listed_sponsor_on_every_level_is_a_sponsorship() -> None:
    read_in_2025, static = PartialDate(2025, 9, 11), PartialDate(2024, 1, 12)
    assert result().sponsorships == (
        # the amounts of a programme the directory estimates ("estimate at 1001") are left out;
        # no parseDate in the list: the day of the programme's staticmap
        sponsorship("credativ.de", "debian", "first", "Partner", 1, None, static),
        sponsorship("hetzner.com", "debian", "first", "Partner", 1, None, static),  # listed as www.hetzner.com
        # listed twice on one level: once; an empty entry is no sponsor
        sponsorship("bloomberg.com", "numfocus", "first", "principal", 1, 100000, read_in_2025),
        sponsorship("posit.co", "numfocus", "first", "principal", 1, 100000, read_in_2025),
        sponsorship("google.com", "numfocus", "second", "sustaining", 2, 50000, read_in_2025),
        sponsorship("snowflake.com", "numfocus", "community", "platinum", None, 1000, read_in_2025),
        sponsorship("aws.amazon.com", "numfocus", "firstinkind", "in-kind principal", 1, None, read_in_2025,
                    kind="in-kind"),
        # a level the programme does not define: its key, no amount
        sponsorship("moore.org", "numfocus", "grants", "grants", None, None, read_in_2025),
        # an amount in euros is no amount in dollars; no date in either file: the snapshot's
        sponsorship("gandi.net", "spi", "first", "Partner", 1, None, LISTS_READ),
    )  # fmt: skip
    assert LISTS_READ == PartialDate(2024, 9, 26)


def project(file: str, identifier: str, name: str, steward: str, homepage: str | None,
            repository: str | None = None) -> ImportedProject:  # fmt: skip
    return ImportedProject(
        name, Location(f"data/projects-{file}.csv", identifier), homepage=homepage,
        repository=repository, status="hosted", steward=steward, role="fiscal-sponsor",
    )  # fmt: skip


def test_the_projects_of_the_three_fiscal_sponsors() -> None:
    assert result().projects == (
        project("numfocus", "numpy", "NumPy", "numfocus", "http://www.numpy.org/"),
        project("numfocus", "pymc", "PyMC", "numfocus", "https://github.com/pymc-devs/pymc/",
                "https://github.com/pymc-devs/pymc"),
        project("spi", "debian", "Debian", "spi", "https://www.debian.org/"),
        project("spi", "tux4kids", "Tux4Kids", "spi", "https://github.com/tux4kids"),  # an account, no repository
        project("sfc", "linuxxia", "Linux XIA", "sfc", "https://github.com/AltraMayor/XIA-for-Linux/wiki",
                "https://github.com/AltraMayor/XIA-for-Linux"),
        project("sfc", "git", "Git", "sfc", "https://git-scm.com/"),
        project("sfc", "inkscape", "Inkscape", "sfc", None),
    )  # fmt: skip
    assert "Apache HTTP Server" not in {p.name for p in result().projects}, "the ASF's list is not read"


def test_bad_records_are_problems() -> None:
    tide = Location("foundations/tidewater_org.md", "tidewater")
    numfocus = "data/sponsorships/numfocus.json"
    assert result().problems == (
        ImportProblem(Location("foundations/nameless.md", "nameless", "commonName"), "no commonName; left out"),
        ImportProblem(tide.at("foundingDate"), "not a date (YYYY, YYYY-MM, YYYY-MM-DD, YYYYMMDD or "
                                               "'27 November 1997'); left out"),
        ImportProblem(tide.at("wikidataId"), "'wikidata:Q4242' is not a Wikidata QID (Q and digits); left out"),
        ImportProblem(tide.at("fiscalHost"),
                      "'sometimes' is not a kind of fiscal hosting (direct, indirect or full); left out"),
        ImportProblem(Location(numfocus, "#2", "second"),
                      "not a web domain or slug (a name or a page path); left out"),
        ImportProblem(Location(numfocus, "#2", "community"),
                      "an error of the upstream scraper, not a sponsor; left out"),
        ImportProblem(Location("sponsorships/tidewater.md", "tidewater"),
                      "no sponsor list data/sponsorships/tidewater.json"),
        ImportProblem(Location("data/sponsorships/orphan.json", "orphan"),
                      "no sponsorships/ file for this list; left out"),
        ImportProblem(Location("data/projects-numfocus.csv", "nameless", "commonName"), "no commonName; left out"),
        ImportProblem(Location("data/projects-sfc.csv", "git", "parentOrganization"),
                      "'conservancy' is no foundation of the directory; the list's own, 'sfc', is kept"),
    )  # fmt: skip


def test_no_prose_reaches_the_result() -> None:
    assert "SENTINEL" in (GOOD / "data" / "projects-spi.csv").read_text(encoding="utf-8")
    assert "SENTINEL" not in repr(result())
    assert all(p.description is None for p in result().projects)


@pytest.mark.parametrize(
    ("written", "date"),
    [
        (2012, PartialDate(2012)), ("2007-05", PartialDate(2007, 5)),
        ("2007-05-09", PartialDate(2007, 5, 9)), ("20221114", PartialDate(2022, 11, 14)),
        ("27 November 1997", PartialDate(1997, 11, 27)), ("04 february 2006", PartialDate(2006, 2, 4)),
        ("", None), (None, None),
    ],
)  # fmt: skip
def test_founding_dates_keep_their_precision(written: object, date: PartialDate | None) -> None:
    problems: list[ImportProblem] = []
    assert directory_date(written, Location("f.md", "x", "foundingDate"), problems) == date
    assert problems == []


@pytest.mark.parametrize("written", ["created in Delaware in February 2004", "2021-13", "31 Smarch 2001"])
def test_a_founding_date_that_is_no_date_is_a_problem(written: str) -> None:
    problems: list[ImportProblem] = []
    assert directory_date(written, Location("f.md", "x", "foundingDate"), problems) is None
    assert len(problems) == 1 and "Delaware" not in problems[0].message  # prose is never quoted


def test_a_copy_with_the_upstream_directory_names_reads_the_same(tmp_path: Path) -> None:
    for name in ("foundations", "sponsorships", "data"):
        shutil.copytree(GOOD / name, tmp_path / f"_{name}")
    copy = importer.read(tmp_path, commit="f6befeef")
    assert [o.location.file for o in copy.organizations] == [
        "_foundations/numfocus.md", "_foundations/spi.md", "_foundations/tidewater_org.md", "_sponsorships/debian.md",
    ]  # fmt: skip
    assert [s.location.file for s in copy.sponsorships][:1] == ["_data/sponsorships/debian.json"]
    assert [(o.identifier, o.founded) for o in copy.organizations] == [
        (o.identifier, o.founded) for o in result().organizations
    ]
    assert [(s.sponsor, s.level, s.amount) for s in copy.sponsorships] == [
        (s.sponsor, s.level, s.amount) for s in result().sponsorships
    ]
    assert [(p.name, p.steward) for p in copy.projects] == [(p.name, p.steward) for p in result().projects]


def test_what_is_not_the_repository_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sponsorships").mkdir()
    with pytest.raises(ImportRefused, match=rf"^{tmp_path.name} is not the fossfoundation repository: "
                                            r"no foundations/ directory$"):  # fmt: skip
        importer.read(tmp_path)
    with pytest.raises(ImportRefused, match="not a directory"):
        importer.read(GOOD / "data" / "projects-spi.csv")
    with pytest.raises(ImportUnavailable, match="no such directory"):
        importer.read(tmp_path / "missing")


def serve(root: Path) -> httpx.MockTransport:
    """The raw files of a repository whose copy at ``root`` lost the leading underscores."""

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/Punderthings/fossfoundation/main/")
        file = root.joinpath(*(part.removeprefix("_") for part in path.split("/")))
        return httpx.Response(200, content=file.read_bytes()) if file.is_file() else httpx.Response(404)

    return httpx.MockTransport(handle)


def test_a_url_is_read_by_the_index_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "transport", serve(GOOD))
    remote = importer.read(RAW)
    assert remote.upstream.url == RAW
    # list.json names the foundation of tidewater_org.md by its identifier: there is no such file
    assert [o.location.file for o in remote.organizations] == [
        "_foundations/numfocus.md", "_foundations/spi.md", "_sponsorships/debian.md",
    ]  # fmt: skip
    assert ImportProblem(Location("_foundations/tidewater.md", "tidewater"), "listed, but no such file") in (
        remote.problems
    )
    # the programmes are those org-funding.json counts: tidewater is not among them
    assert [(s.recipient, s.sponsor, s.amount, s.listed) for s in remote.sponsorships] == [
        (s.recipient, s.sponsor, s.amount, s.listed) for s in result().sponsorships
    ]
    assert len(remote.projects) == len(result().projects)
    assert "SENTINEL" not in repr(remote)


def test_a_url_without_a_list_of_foundations_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(base, "transport", serve(tmp_path))
    with pytest.raises(ImportRefused, match="no _foundations/list.json .*give a local copy of the repository"):
        importer.read(RAW)


# -- the real snapshot ---------------------------------------------------------------------------


def _snapshot() -> Path | None:
    for candidate in (
        Path(__file__).resolve().parents[2] / "shared" / "datasets" / "fossfoundation",
        Path("/work/shared/datasets/fossfoundation"),
    ):
        if candidate.is_dir():
            return candidate
    return None


SNAPSHOT = _snapshot()


@pytest.mark.skipif(
    SNAPSHOT is None, reason="no shared/datasets/fossfoundation next to the project (the directory's snapshot)"
)
def test_the_real_snapshot() -> None:
    assert SNAPSHOT is not None
    found = importer.read(SNAPSHOT, commit="f6befeef")
    ids = {o.identifier for o in found.organizations}
    foundations = [o for o in found.organizations if o.location.file.startswith("foundations/")]
    # 87 foundation files (the README's 88 counts list.json); lpi_org.md is "lpi"
    assert len(foundations) == 87 and {"lpi", "djangoevents", "ow2_org"} <= ids
    assert sum(o.wikidata is not None for o in foundations) == 70
    by_id = {o.identifier: o for o in found.organizations}
    assert (by_id["matrix"].country, by_id["matrix"].founded) == ("GB", PartialDate(2018, 10, 29))
    assert (by_id["kde"].founded, by_id["osgeo"].founded) == (PartialDate(1997, 11, 27), PartialDate(2006, 2, 4))
    assert by_id["eclipse"].founded is None
    assert by_id["asf"].domains == ("apache.org",)
    # the recipients of programmes without a foundation file: LF and SPI projects
    assert ids - {o.identifier for o in foundations} == {
        "adelielinux", "archlinux", "ardupilot", "aswf", "cd", "cncf", "debian", "finos", "graphql",
        "hyperledger", "jsfoundation", "lfai", "lfenergy", "openmainframe", "openssf",
    }  # fmt: skip
    recipients = {s.recipient for s in found.sponsorships}
    assert len(recipients) >= 30 and recipients <= ids
    assert ImportedSponsorship(
        "bloomberg.com", "numfocus", "principal", 1, "cash", 100000, PartialDate(2025, 9, 11),
        Location("data/sponsorships/numfocus.json", "bloomberg.com", "first"),
    ) in found.sponsorships  # fmt: skip
    assert all(s.amount is None or s.amount > 0 for s in found.sponsorships)
    counts = {steward: sum(p.steward == steward for p in found.projects) for steward in ("numfocus", "spi", "sfc")}
    assert counts == {"numfocus": 59, "spi": 41, "sfc": 42}
    assert len(found.projects) == 142
    assert all(p.steward in ids and p.description is None for p in found.projects)
    # Bad records are few, apart from two lists of names and member-page paths.
    noisy = {"data/sponsorships/openstack.json", "data/sponsorships/fsfe.json"}
    others = [str(p) for p in found.problems if p.location.file not in noisy]
    assert len(others) <= 10, others
