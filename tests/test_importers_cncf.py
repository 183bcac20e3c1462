"""The CNCF importer over a small landscape in the shape of cncf/landscape's landscape.yml."""

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

FIXTURES = Path(__file__).parent / "fixtures" / "imports" / "cncf"
LANDSCAPE = FIXTURES / "landscape.yml"


def at(item: str, field: str | None = None) -> Location:
    return Location("landscape.yml", item, field)


def test_only_items_with_a_project_status_are_hosted() -> None:
    result = IMPORTERS["cncf"].read(LANDSCAPE)
    assert (result.source, result.foundation) == ("cncf", "cncf")
    # Nomad has no `project:`, Tetragon only an `accepted` date: neither is hosted.
    assert [p.name for p in result.projects] == [
        "Kubernetes", "Open Policy Agent (OPA)", "Akri", "Brigade",
    ]  # fmt: skip


def test_a_project_with_its_votes() -> None:
    kubernetes = IMPORTERS["cncf"].read(LANDSCAPE).projects[0]
    assert kubernetes == ImportedProject(
        name="Kubernetes",
        location=at("Kubernetes"),
        homepage="https://kubernetes.io/",
        repository="https://github.com/kubernetes/kubernetes",
        status="graduated",
        stages=(
            # accepted on the incubating date: accepted straight into incubation
            StageEvent("incubating", PartialDate(2016, 3, 10), "vote", at("Kubernetes", "extra.accepted")),
            StageEvent("graduated", PartialDate(2018, 3, 6), "vote", at("Kubernetes", "extra.graduated")),
        ),
        description="Production-grade container orchestration",
    )


def test_accepted_before_incubation_means_the_sandbox() -> None:
    projects = {p.name: p for p in IMPORTERS["cncf"].read(LANDSCAPE).projects}
    assert [(e.stage, str(e.date)) for e in projects["Akri"].stages] == [("sandbox", "2021-09-14")]
    assert [(e.stage, str(e.date)) for e in projects["Brigade"].stages] == [
        ("sandbox", "2019-03-12"), ("archived", "2022-06-14"),
    ]  # fmt: skip
    assert projects["Brigade"].status == "archived"


def test_a_bad_date_leaves_the_stage_undated_and_is_reported() -> None:
    result = IMPORTERS["cncf"].read(LANDSCAPE)
    opa = result.projects[1]
    assert opa.aliases == ("Open Policy Agent", "OPA")
    assert [(e.stage, e.date) for e in opa.stages] == [
        ("sandbox", PartialDate(2018, 3, 29)), ("incubating", PartialDate(2019, 4, 2)),
        ("graduated", None),
    ]  # fmt: skip
    assert ImportProblem(
        at("Open Policy Agent (OPA)", "extra.graduated"),
        "'2021-02-30' is not a real day: 2021-02 has 28 days",
    ) in result.problems


def test_members_with_their_tiers() -> None:
    assert IMPORTERS["cncf"].read(LANDSCAPE).members == (
        # "joined" is kept by the month: YYYY-MM-01 becomes YYYY-MM
        ImportedMember("Alibaba Cloud", "platinum", at("Alibaba Cloud (member)"),
                       PartialDate(2017, 5), "month-of-record", "https://us.alibabacloud.com/"),
        ImportedMember("Adyen", "platinum", at("Adyen (member)"),
                       PartialDate(2026, 5, 15), "month-of-record", "https://www.adyen.com"),
        ImportedMember("Boeing", "end-user", at("Boeing (contributor)"),
                       None, "month-of-record", "https://www.boeing.com/"),
    )  # fmt: skip


def test_bad_records_are_problems_and_the_rest_imports() -> None:
    assert [str(p) for p in IMPORTERS["cncf"].read(LANDSCAPE).problems] == [
        "landscape.yml: item 'Open Policy Agent (OPA)', field 'extra.graduated': "
        "'2021-02-30' is not a real day: 2021-02 has 28 days",
        "landscape.yml: item 'Kubernetes': listed again (in Orchestration & Management / "
        "Service Mesh); the first entry is kept",
        "landscape.yml: item 'Mystery', field 'project': unknown project status 'emeritus' "
        "(expected one of archived, graduated, incubating, sandbox)",
        "landscape.yml: item 'Orchestration & Management / Service Mesh #5', field 'name': "
        "a hosted project without a name",
        "landscape.yml: item 'Boeing (contributor)', field 'joined': '2021-13-01' has no month 13",
        "landscape.yml: item 'Non-Public Organization Bear (supporter)', "
        "field 'unnamed_organization': an anonymous member; not imported",
        "landscape.yml: item 'Shiny Corp (member)', field 'subcategory': "
        "unknown membership tier 'Diamond'",
    ]


def test_upstream_cites_what_was_read() -> None:
    upstream = IMPORTERS["cncf"].read(LANDSCAPE, commit="153d699b").upstream
    assert upstream.url == str(LANDSCAPE)
    assert (upstream.repository, upstream.path, upstream.commit) == (
        "cncf/landscape", "landscape.yml", "153d699b",
    )  # fmt: skip
    assert upstream.publisher == "Cloud Native Computing Foundation"
    assert IMPORTERS["cncf"].default_url == (
        "https://raw.githubusercontent.com/cncf/landscape/master/landscape.yml"
    )


def test_a_file_that_is_not_a_landscape_is_refused() -> None:
    with pytest.raises(ImportRefused, match="^not_a_landscape.yml is not a landscape: "
                       "no top-level 'landscape' list$") as caught:  # fmt: skip
        IMPORTERS["cncf"].read(FIXTURES / "not_a_landscape.yml")
    assert caught.value.status == 400
