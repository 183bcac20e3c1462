"""The CD Foundation importer over a small landscape in the shape of cdfoundation's."""

from __future__ import annotations

from pathlib import Path

import pytest

from stewardgraph.importers import IMPORTERS, ImportRefused
from stewardgraph.importers.base import ImportProblem, Location, StageEvent

FIXTURES = Path(__file__).parent / "fixtures" / "imports" / "cdf"


def at(item: str, field: str | None = None) -> Location:
    return Location("landscape.yml", item, field)


def test_status_only_projects_and_members() -> None:
    result = IMPORTERS["cdf"].read(FIXTURES / "landscape.yml")
    assert (result.source, result.foundation) == ("cdf", "cd-foundation")
    assert [(p.name, p.status, p.stages) for p in result.projects] == [
        ("Jenkins", "graduated", (StageEvent("graduated", None, "vote", at("Jenkins", "project")),)),
        ("Tekton", "incubating", (StageEvent("incubating", None, "vote", at("Tekton", "project")),)),
    ]  # fmt: skip
    assert [(m.name, m.tier, m.homepage) for m in result.members] == [
        ("Capital One", "end-user", "https://www.capitalone.com/about/"),
        ("CircleCI", "general", "https://circleci.com/"),
    ]  # fmt: skip


def test_bad_items_are_located_by_position() -> None:
    assert IMPORTERS["cdf"].read(FIXTURES / "landscape.yml").problems == (
        ImportProblem(at("CI & Pipeline Orchestration / Continuous Integration #4"), "not a mapping"),
        ImportProblem(at("CDF Members / General #2", "name"), "a member without a name"),
    )  # fmt: skip


def test_a_yaml_list_is_not_a_landscape() -> None:
    with pytest.raises(ImportRefused, match="^empty.yml is not a landscape"):
        IMPORTERS["cdf"].read(FIXTURES / "empty.yml")
