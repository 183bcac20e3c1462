"""The README documents every setting, command and named query (after datasette's test_docs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stewardgraph import Settings
from stewardgraph.cli import main
from stewardgraph.queries import Catalogue
from stewardgraph.resources import resource_dir

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_documented(field: str) -> None:
    assert f"`STEWARDGRAPH_{field.upper()}`" in README


@pytest.mark.parametrize("command", sorted(main.commands))  # type: ignore[attr-defined]
def test_every_command_is_documented(command: str) -> None:
    assert f"`stewardgraph {command}" in README


@pytest.mark.parametrize("name", [q.name for q in Catalogue.load(resource_dir("queries"))])
def test_every_named_query_is_documented(name: str) -> None:
    assert f"| `{name}` |" in README


def test_readme_examples_are_filled_in() -> None:
    assert "EXAMPLE_" not in README
