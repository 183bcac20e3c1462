"""The LF AI & Data importer over a small landscape in the shape of lfai/lfai-landscape's."""

from __future__ import annotations

from pathlib import Path

import pytest

from stewardgraph.importers import IMPORTERS, ImportRefused
from stewardgraph.importers.base import ImportedMember, ImportedProject, Location, StageEvent

FIXTURES = Path(__file__).parent / "fixtures" / "imports" / "lfai"


def at(item: str, field: str | None = None) -> Location:
    return Location("landscape.yml", item, field)


def test_hosted_projects_have_a_status_and_no_dates() -> None:
    result = IMPORTERS["lfai"].read(FIXTURES / "landscape.yml")
    assert (result.source, result.foundation, result.problems) == ("lfai", "lf-ai-data", ())
    assert result.projects == (
        ImportedProject(
            name="ONNX", location=at("ONNX"), homepage="https://onnx.ai/",
            repository="https://github.com/onnx/onnx", status="graduated",
            stages=(StageEvent("graduated", None, "vote", at("ONNX", "project")),),
        ),
        # the file writes "incubation" once, for "incubating"
        ImportedProject(
            name="Elyra", location=at("Elyra"),
            homepage="https://elyra.readthedocs.io/en/latest",
            repository="https://github.com/elyra-ai/elyra", status="incubating",
            stages=(StageEvent("incubating", None, "vote", at("Elyra", "project")),),
        ),
    )  # fmt: skip


def test_members_but_not_hosting_companies() -> None:
    assert IMPORTERS["lfai"].read(FIXTURES / "landscape.yml").members == (
        ImportedMember("NVIDIA Corporation", "premier", at("NVIDIA Corporation"),
                       date_kind="month-of-record", homepage="https://nvidia.com/"),
        ImportedMember("Advanced Micro Devices (AMD)", "associate",
                       at("Advanced Micro Devices (AMD)"), date_kind="month-of-record",
                       homepage="https://amd.com/"),
    )  # fmt: skip


def test_a_category_without_subcategories_is_refused() -> None:
    with pytest.raises(ImportRefused, match="^no_categories.yml is not a landscape: "
                       "category #1 has no 'subcategories' list$"):  # fmt: skip
        IMPORTERS["lfai"].read(FIXTURES / "no_categories.yml")
