"""Every importer over the real foundation data snapshots in the shared datasets folder.

The snapshots live next to the project (``../shared/datasets``), never inside it; without
them these tests are skipped, saying why.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from stewardgraph.importers import IMPORTERS, ImportedProject, ImportResult
from stewardgraph.importers.base import TIERS
from stewardgraph.records import PartialDate


def _datasets() -> Path | None:
    for candidate in (
        Path(__file__).resolve().parents[2] / "shared" / "datasets",
        Path("/work/shared/datasets"),
    ):
        if candidate.is_dir():
            return candidate
    return None


DATASETS = _datasets()
pytestmark = pytest.mark.skipif(
    DATASETS is None, reason="no shared/datasets folder next to the project (foundation snapshots)"
)
FILES = {
    "cncf": "cncf_landscape.yml",
    "apache": "apache",
    "lfai": "lfai_data_landscape.yml",
    "pytorch": "pytorch_landscape.yml",
    "cdf": "cdf_landscape.yml",
    "openjs": "openjs_project_stage_history.csv",
}


def _commit(file: str) -> str | None:
    """The upstream commit the datasets README names for a snapshot file, if any."""
    assert DATASETS is not None
    readme = (DATASETS / "README.md").read_text(encoding="utf-8")
    for line in readme.splitlines():
        if line.startswith(f"| `{file}") and (found := re.search(r", ([0-9a-f]{7,40})\b", line)):
            return found.group(1)
    return None


@cache
def result(source: str) -> ImportResult:
    assert DATASETS is not None
    return IMPORTERS[source].read(DATASETS / FILES[source], commit=_commit(FILES[source]))


def by_name(source: str) -> dict[str, ImportedProject]:
    return {p.name: p for p in result(source).projects}


def stages(project: ImportedProject) -> list[tuple[str, str, str]]:
    return [(e.stage, str(e.date), e.date_kind) for e in project.stages]


@pytest.mark.parametrize("source", sorted(FILES))
def test_every_snapshot_imports_sensibly(source: str) -> None:
    imported = result(source)
    assert imported.source == source
    assert imported.upstream.url.endswith(FILES[source])
    names = [p.name.casefold() for p in imported.projects]
    assert len(names) == len(set(names)), "one project per name"
    for project in imported.projects:
        dated = [e.date.first_day() for e in project.stages if e.date is not None]
        assert dated == sorted(dated), project.name
        assert project.status is None or project.stages, project.name
    assert all(m.tier in TIERS for m in imported.members)
    # Bad records are few: nothing systematically misread.
    assert len(imported.problems) <= 0.05 * (len(imported.projects) + len(imported.members))


def test_cncf() -> None:
    assert result("cncf").upstream.commit == "153d699b"
    kubernetes = by_name("cncf")["Kubernetes"]
    assert kubernetes.status == "graduated"
    assert ("graduated", "2018-03-06", "vote") in stages(kubernetes)
    assert stages(kubernetes)[0] == ("incubating", "2016-03-10", "vote")
    projects = result("cncf").projects
    assert len(projects) > 150
    assert {p.status for p in projects} == {"sandbox", "incubating", "graduated", "archived"}
    # Ecosystem entries are not hosted: NGINX; Tetragon (a Cilium subproject with an
    # `accepted` date but no `project:`); Monocle (`extra.project`, an LF AI & Data project).
    assert not {"NGINX", "Tetragon", "Monocle"} & set(by_name("cncf"))
    members = result("cncf").members
    assert len(members) > 300
    assert {"platinum", "gold", "silver", "end-user", "academic", "nonprofit"} <= {
        m.tier for m in members
    }
    assert not any(m.name.endswith("(member)") for m in members)


def test_apache_kafka_incubated_then_graduated() -> None:
    kafka = by_name("apache")["Apache Kafka"]
    assert "Kafka" in kafka.aliases
    assert stages(kafka)[0] == ("incubating", "2011-07", "month-of-record")
    assert {("graduated", "2012-10"), ("established", "2012-10")} & {
        (stage, date) for stage, date, _ in stages(kafka)
    }
    assert kafka.status == "established"
    assert all(e.date is None or e.date.precision == "month" for e in kafka.stages)
    counts = {s: sum(p.status == s for p in result("apache").projects)
              for s in ("incubating", "established", "retired", "graduated")}  # fmt: skip
    assert counts["established"] > 150
    assert 5 < counts["incubating"] < 100
    assert counts["retired"] > 100
    assert len(result("apache").projects) > 350


def test_lfai() -> None:
    projects = by_name("lfai")
    assert 30 < len(projects) < 300
    assert projects["ONNX"].status == "graduated"
    assert {p.status for p in projects.values()} <= {"sandbox", "incubating", "graduated", "archived"}
    assert len(result("lfai").members) > 20
    assert "IBM (hosting)" not in {m.name for m in result("lfai").members}


def test_pytorch() -> None:
    projects = by_name("pytorch")
    assert 3 <= len(projects) < 50
    assert stages(projects["PyTorch"]) == [("hosted", "2022-09-07", "vote")]
    assert "Detectron2" not in projects  # an archived ecosystem entry, not hosted
    assert all(p.stages[0].date is not None for p in projects.values())
    assert len(result("pytorch").members) > 20


def test_cdf() -> None:
    projects = by_name("cdf")
    assert 3 <= len(projects) < 60
    assert projects["Jenkins"].status == "graduated"
    assert {m.tier for m in result("cdf").members} >= {"premier", "general"}


def test_openjs() -> None:
    projects = by_name("openjs")
    assert len(projects) > 20
    assert projects["Node.js"].status == "hosted"
    assert projects["Node.js"].stages[0].date == PartialDate(2019, 6, 24)
    assert "Node-Red" in projects["Node-RED"].aliases
    assert {e.date_kind for p in projects.values() for e in p.stages} == {"proxy"}
