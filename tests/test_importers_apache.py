"""The Apache importer over a small directory in the shape of projects.apache.org's JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from stewardgraph.importers import IMPORTERS, ImportRefused, ImportUnavailable
from stewardgraph.importers.base import ImportedProject, Location, Stage, StageEvent
from stewardgraph.records import PartialDate

FIXTURES = Path(__file__).parent / "fixtures" / "imports" / "apache"
GOOD = FIXTURES / "good"


def month(file: str, item: str, field: str, stage: Stage, year: int, m: int) -> StageEvent:
    return StageEvent(stage, PartialDate(year, m), "month-of-record", Location(file, item, field))


def projects() -> dict[str, ImportedProject]:
    return {p.name: p for p in IMPORTERS["apache"].read(GOOD).projects}


def test_a_podling_and_its_tlp_are_one_project() -> None:
    assert projects()["Apache Kafka"] == ImportedProject(
        name="Apache Kafka",
        location=Location("committees.json", "kafka"),
        aliases=("Kafka",),
        homepage="http://kafka.apache.org/",
        status="established",
        stages=(
            month("podlings-history.json", "kafka", "started", "incubating", 2011, 7),
            month("podlings-history.json", "kafka", "ended", "graduated", 2012, 10),
            month("committees.json", "kafka", "established", "established", 2012, 11),
        ),
        description="Distributed publish-subscribe messaging system",
    )


def test_retired_tlps_current_podlings_and_retired_podlings() -> None:
    found = projects()
    assert [(e.stage, str(e.date)) for e in found["Apache Abdera"].stages] == [
        ("incubating", "2006-06"), ("graduated", "2008-11"), ("established", "2008-11"),
        ("retired", "2017-03"),
    ]  # fmt: skip
    assert found["Apache Abdera"].status == "retired"
    assert (found["Apache Amoro"].status, found["Apache Amoro"].aliases) == ("incubating", ("Amoro",))
    assert found["Apache Amoro"].stages == (
        month("podlings.json", "amoro", "started", "incubating", 2024, 3),
    )
    assert found["Apache ALOIS"].status == "retired"
    assert [e.stage for e in found["Apache ALOIS"].stages] == ["incubating", "retired"]


def test_ids_with_the_same_name_are_merged() -> None:
    lucene = projects()["Apache Lucene.Net"]
    assert lucene.aliases == ("Lucene.Net", "Lucene.NET", "Apache Lucene.NET")
    assert [(e.stage, e.location.item) for e in lucene.stages] == [
        ("incubating", "lucene.net"), ("graduated", "lucene.net"), ("established", "lucenenet"),
    ]  # fmt: skip


def test_bad_records_are_problems() -> None:
    result = IMPORTERS["apache"].read(GOOD)
    assert sorted(projects()) == [
        "Apache ALOIS", "Apache Abdera", "Apache Amoro", "Apache HTTP Server", "Apache Kafka",
        "Apache Lucene.Net", "Apache Odd",
    ]  # fmt: skip
    assert [str(p) for p in result.problems] == [
        "podlings-history.json: item 'odd', field 'started': missing",
        "podlings-history.json: item 'odd', field 'ended': "
        "'sometime' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)",
        "podlings-history.json: item 'limbo', field 'status': "
        "unknown podling status 'paused' (expected graduated or retired)",
        "podlings.json: item 'broken': not a JSON object",
        "committees.json: item '#4', field 'id': no id",
    ]
    assert [e.date for e in projects()["Apache Odd"].stages] == [None, None]
    assert (result.source, result.foundation, result.members) == (
        "apache", "apache-software-foundation", (),
    )  # fmt: skip
    assert result.upstream.path == "site/json/foundation/"


def test_a_wrongly_shaped_file_is_refused() -> None:
    with pytest.raises(ImportRefused, match="^committees.json: expected a JSON list of committees$"):
        IMPORTERS["apache"].read(FIXTURES / "wrong_shape")


def test_a_directory_without_the_committees_is_refused() -> None:
    with pytest.raises(ImportRefused, match="^incomplete: no committees.json or "
                       "committees.noroster.json in the directory$"):  # fmt: skip
        IMPORTERS["apache"].read(FIXTURES / "incomplete")


def test_a_file_is_not_a_directory() -> None:
    with pytest.raises(ImportRefused, match="^podlings.json is not a directory"):
        IMPORTERS["apache"].read(GOOD / "podlings.json")


def test_a_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ImportUnavailable, match="no such directory$"):
        IMPORTERS["apache"].read(tmp_path / "nowhere")
