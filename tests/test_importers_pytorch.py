"""The PyTorch Foundation importer over a small landscape in the shape of pytorch-fdn's."""

from __future__ import annotations

from pathlib import Path

import pytest

from stewardgraph.importers import IMPORTERS, ImportRefused
from stewardgraph.importers.base import (
    ImportedMember,
    ImportedProject,
    ImportProblem,
    Location,
    StageEvent,
)
from stewardgraph.records import PartialDate

FIXTURES = Path(__file__).parent / "fixtures" / "imports" / "pytorch"


def at(item: str, field: str | None = None) -> Location:
    return Location("landscape.yml", item, field)


def test_only_the_foundations_own_projects_are_hosted() -> None:
    # torchtext is marked `project: archived` in the ecosystem part: not hosted.
    result = IMPORTERS["pytorch"].read(FIXTURES / "landscape.yml")
    assert (result.source, result.foundation) == ("pytorch", "pytorch-foundation")
    assert result.projects == (
        ImportedProject(
            name="PyTorch", location=at("PyTorch"), homepage="https://pytorch.org/",
            repository="https://github.com/pytorch/pytorch", status="hosted",
            stages=(StageEvent("hosted", PartialDate(2022, 9, 7), "vote",
                               at("PyTorch", "extra.accepted")),),
            description="Tensors and dynamic neural networks in Python",
        ),
        ImportedProject(
            name="vLLM", location=at("vLLM"), homepage="https://docs.vllm.ai/",
            repository="https://github.com/vllm-project/vllm", status="hosted",
            stages=(StageEvent("hosted", None, "vote", at("vLLM", "extra.accepted")),),
        ),
    )  # fmt: skip
    assert result.problems == (
        ImportProblem(at("vLLM", "extra.accepted"),
                      "'next spring' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"),
    )  # fmt: skip


def test_member_tiers_are_categories_and_role_suffixes_go() -> None:
    members = IMPORTERS["pytorch"].read(FIXTURES / "landscape.yml").members
    assert members == (
        ImportedMember("Advanced Micro Devices (AMD)", "platinum",
                       at("Advanced Micro Devices (AMD) (member)"),
                       date_kind="month-of-record", homepage="https://amd.com/"),
        ImportedMember("Columbia University", "associate", at("Columbia University (member)"),
                       date_kind="month-of-record", homepage="https://www.columbia.edu/"),
    )  # fmt: skip


def test_invalid_yaml_is_refused() -> None:
    with pytest.raises(ImportRefused, match="^broken.yml is not valid YAML: "):
        IMPORTERS["pytorch"].read(FIXTURES / "broken.yml")
