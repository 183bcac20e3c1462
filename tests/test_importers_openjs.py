"""The OpenJS importer over a small stage-history CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from stewardgraph.importers import IMPORTERS, ImportRefused
from stewardgraph.importers.base import ImportedProject, ImportProblem, Location, StageEvent
from stewardgraph.records import PartialDate

FIXTURES = Path(__file__).parent / "fixtures" / "imports" / "openjs"


def row(item: str, field: str) -> Location:
    return Location("stages.csv", item, field)


def projects() -> dict[str, ImportedProject]:
    return {p.name: p for p in IMPORTERS["openjs"].read(FIXTURES / "stages.csv").projects}


def test_stage_runs_become_proxy_dated_stages() -> None:
    assert projects()["AMP"] == ImportedProject(
        name="AMP",
        location=Location("stages.csv", "AMP"),
        status="hosted",
        stages=(  # growth then at-large are both "hosted": one event
            StageEvent("incubating", PartialDate(2019, 10, 10), "proxy", row("AMP (row 2)", "first_seen")),
            StageEvent("hosted", PartialDate(2020, 7, 2), "proxy", row("AMP (row 3)", "first_seen")),
        ),
    )  # fmt: skip


def test_names_that_differ_in_case_are_one_project() -> None:
    node_red = projects()["Node-RED"]
    assert (node_red.aliases, node_red.status) == (("Node-Red",), "hosted")
    assert [(e.stage, str(e.date)) for e in node_red.stages] == [("hosted", "2019-06-24")]


def test_status_is_the_stage_still_listed_at_the_end() -> None:
    found = projects()
    assert {name: p.status for name, p in found.items()} == {
        "AMP": "hosted", "Node-RED": "hosted", "Libuv": None, "Chassis": "archived",
        "Lit": "incubating", "Dojo": "hosted",
    }  # fmt: skip
    assert [(e.stage, str(e.date)) for e in found["Chassis"].stages] == [
        ("retired", "2019-06-24"), ("archived", "2024-04-18"),
    ]  # fmt: skip


def test_bad_rows_are_problems() -> None:
    result = IMPORTERS["openjs"].read(FIXTURES / "stages.csv")
    assert result.problems == (
        ImportProblem(row("Dojo (row 13)", "first_seen"),
                      "'2026-02-31' is not a real day: 2026-02 has 28 days"),
        ImportProblem(row("Webpack (row 14)", "stage"),
                      "unknown stage 'legendary' (expected one of incubating, incubation, growth, "
                      "at-large, impact, feature-complete, emeritus, archived)"),
        ImportProblem(row("(row 15)", "project"), "no project name"),
    )  # fmt: skip
    assert (result.source, result.foundation, result.members) == ("openjs", "openjs-foundation", ())
    assert result.upstream.repository == "openjs-foundation/cross-project-council"


def test_a_csv_with_other_columns_is_refused() -> None:
    with pytest.raises(ImportRefused, match="^wrong_header.csv is not an OpenJS stage history: "
                       "expected the columns project, stage, first_seen, last_seen; "
                       "found name, project_status, "):  # fmt: skip
        IMPORTERS["openjs"].read(FIXTURES / "wrong_header.csv")
