"""OpenJS: project stage runs from the history of the cross-project-council README's tables.

The input is a CSV with one row per (project, stage) run: ``project, stage, first_seen,
last_seen`` (and optionally ``first_commit``). The dates are those of the README commits that
changed the tables, so every date is a "proxy", not a decision date. In particular the earliest
``first_seen`` (2019-06-24 in the snapshot) means "already a member when the tables began".

OpenJS's stages map onto ours: incubating -> incubating; growth, at-large, impact and
feature-complete -> hosted (the OpenJS stage names are not kept); emeritus -> retired;
archived -> archived. Consecutive runs that map to the same stage make one event. Rows whose
names differ only in case ("Node-Red", "Node-RED") are one project under its latest spelling.
A project has a current status only if one of its runs reaches the file's last date; one that
dropped out of the tables earlier has none.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from stewardgraph.importers.base import (
    ImportedProject,
    ImportProblem,
    ImportRefused,
    ImportResult,
    Location,
    Stage,
    StageEvent,
    Upstream,
    file_name,
    order_stages,
    parse_date,
    read_text,
    text,
)
from stewardgraph.records import PartialDate

COLUMNS = ("project", "stage", "first_seen", "last_seen")
STAGES: dict[str, Stage] = {
    "incubating": "incubating", "incubation": "incubating", "growth": "hosted",
    "at-large": "hosted", "impact": "hosted", "feature-complete": "hosted",
    "emeritus": "retired", "archived": "archived",
}  # fmt: skip


@dataclass(frozen=True)
class _Run:
    name: str
    stage: Stage
    first: PartialDate | None
    last: PartialDate | None
    where: Location


@dataclass
class OpenJSImporter:
    name: str = "openjs"
    foundation: str = "openjs-foundation"
    # The upstream the CSV is derived from; read() takes the derived CSV, not this README.
    default_url: str = (
        "https://raw.githubusercontent.com/openjs-foundation/cross-project-council/main/README.md"
    )

    def read(self, location: str | Path, *, commit: str | None = None) -> ImportResult:
        fname = file_name(location)
        reader = csv.DictReader(io.StringIO(read_text(location), newline=""))
        header = [h.strip() for h in reader.fieldnames or ()]
        if not set(COLUMNS) <= set(header):
            raise ImportRefused(
                f"{fname} is not an OpenJS stage history: expected the columns "
                f"{', '.join(COLUMNS)}; found {', '.join(header) or 'nothing'}"
            )
        reader.fieldnames = header
        problems: list[ImportProblem] = []
        groups: dict[str, list[_Run]] = {}
        for row_number, row in enumerate(reader, 2):
            run = _run(fname, row_number, row, problems)
            if run is not None:
                groups.setdefault(run.name.casefold(), []).append(run)
        lasts = [_day(r.last) for runs in groups.values() for r in runs if r.last is not None]
        end = max(lasts, default=None)
        projects = tuple(_project(fname, runs, end) for runs in groups.values())
        upstream = Upstream(
            url=str(location),
            repository="openjs-foundation/cross-project-council",
            path="README.md",
            commit=commit,
            title="OpenJS Foundation project stages (cross-project-council README tables, "
            "history flattened to CSV)",
            publisher="OpenJS Foundation",
        )
        return ImportResult(self.name, self.foundation, upstream, projects, (), tuple(problems))


def _run(
    fname: str, row_number: int, row: dict[str, str | None], problems: list[ImportProblem]
) -> _Run | None:
    name = text(row.get("project"))
    where = Location(fname, f"{name or ''} (row {row_number})".strip())
    if name is None:
        problems.append(ImportProblem(where.at("project"), "no project name"))
        return None
    raw = (text(row.get("stage")) or "").lower().replace(" ", "-")
    stage = STAGES.get(raw)
    if stage is None:
        problems.append(ImportProblem(
            where.at("stage"), f"unknown stage {raw!r} (expected one of {', '.join(STAGES)})"
        ))  # fmt: skip
        return None
    dates = []
    for column in ("first_seen", "last_seen"):
        if text(row.get(column)) is None:
            problems.append(ImportProblem(where.at(column), "missing"))
        dates.append(parse_date(text(row.get(column)), where.at(column), problems))
    return _Run(name, stage, dates[0], dates[1], where)


def _project(fname: str, runs: list[_Run], end: dt.date | None) -> ImportedProject:
    runs = sorted(runs, key=lambda r: (r.first is None, _day(r.first)))
    dated = [r for r in runs if r.first is not None]
    name = dated[-1].name if dated else runs[-1].name
    events: list[StageEvent] = []
    for run in runs:
        if events and events[-1].stage == run.stage:
            continue  # e.g. growth -> at-large: both "hosted"
        events.append(StageEvent(run.stage, run.first, "proxy", run.where.at("first_seen")))
    current = [r for r in runs if r.last is not None and _day(r.last) == end]
    return ImportedProject(
        name=name,
        location=Location(fname, name),
        aliases=tuple(dict.fromkeys(r.name for r in runs if r.name != name)),
        status=current[-1].stage if current else None,
        stages=order_stages(events),
    )


def _day(date: PartialDate | None) -> dt.date:
    return date.first_day() if date is not None else dt.date.min


importer = OpenJSImporter()
