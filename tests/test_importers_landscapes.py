"""The landscape registry: each entry's foundation, hosted statuses and members, over a small
fixture in the shape of its landscape.yml (adding a landscape adds a case here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stewardgraph.config import SOURCES
from stewardgraph.importers import IMPORTERS, ImportRefused
from stewardgraph.importers.landscapes import LANDSCAPES
from stewardgraph.records import PartialDate

FIXTURES = Path(__file__).parent / "fixtures" / "imports"

CASES = {
    # source: (foundation, [(project, status, [(stage, date)])], [(member, tier)])
    "finos": ("finos", [
        ("Accessibility Theme Builder", "incubating", [("incubating", "2023-10-03")]),
        ("MessageML Utilities", "graduated", [("incubating", "2017-05-19"), ("graduated", "2020-01-02")]),
    ], []),
    "lfenergy": ("lf-energy", [
        ("CoMPAS", "incubating", [("incubating", "2020-05-05")]),
        ("EVerest", "early-adoption", [("sandbox", "2021-10-12"), ("early-adoption", None)]),
    ], [("Alliander", "strategic"), ("Carbon Co-op", "associate")]),
    "aswf": ("academy-software-foundation", [
        ("MaterialX", "graduated", [("incubating", "2021-04-21"), ("graduated", "2024-09-23")]),
        ("MoonRay", "sandbox", [("sandbox", "2026-02-26")]),
    ], [("Autodesk", "premier")]),
}


@pytest.mark.parametrize("source", sorted(CASES))
def test_a_registered_landscape_gives_its_hosted_projects_and_members(source: str) -> None:
    foundation, projects, members = CASES[source]
    result = IMPORTERS[source].read(FIXTURES / source / "landscape.yml")
    assert (result.source, result.foundation) == (source, foundation)
    assert sorted((p.name, p.status, [(s.stage, str(s.date) if s.date else None) for s in p.stages])
                  for p in result.projects) == projects  # SIGs and working groups are no projects
    assert [(m.name, m.tier) for m in result.members] == members  # the foundation's own member category only
    assert result.problems == ()


def test_every_landscape_is_registered_once_and_imported_in_order() -> None:
    assert set(LANDSCAPES) <= set(IMPORTERS) and tuple(IMPORTERS) == SOURCES
    assert all(importer is IMPORTERS[name] for name, importer in LANDSCAPES.items())


def test_another_foundations_landscape_is_refused() -> None:
    with pytest.raises(ImportRefused, match="is not the LF Energy landscape: it has no 'LF Energy Member' category"):
        IMPORTERS["lfenergy"].read(FIXTURES / "aswf" / "landscape.yml")


def test_dates_keep_their_precision() -> None:
    result = IMPORTERS["finos"].read(FIXTURES / "finos" / "landscape.yml")
    assert result.projects[0].stages[0].date == PartialDate(2017, 5, 19)
