from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from stewardgraph import Settings, StewardGraph

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """In memory, over the small fictional fixture dataset."""
    return Settings(in_memory=True, data_dir=tmp_path / "data", curated_dir=FIXTURES / "curated")


@pytest.fixture
def disk_settings(tmp_path: Path) -> Settings:
    """On disk in a temporary directory, over the fixture dataset."""
    return Settings(data_dir=tmp_path / "data", curated_dir=FIXTURES / "curated")


@pytest.fixture
def graph(settings: Settings) -> Iterator[StewardGraph]:
    graph = StewardGraph(settings)
    yield graph
    graph.close()


@pytest.fixture
def loaded(graph: StewardGraph) -> StewardGraph:
    graph.build()
    return graph


@pytest.fixture
def write_yaml(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write curated YAML files into a fresh directory and return their paths."""
    directory = tmp_path / "curated"
    directory.mkdir()

    def write(**files: str) -> list[Path]:
        paths = []
        for name, text in files.items():
            path = directory / f"{name}.yaml"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        return paths

    return write
