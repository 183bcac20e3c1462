"""Apache: podlings and top-level projects from projects.apache.org's JSON directory.

Four files, from apache/comdev-projects ``site/json/foundation/``:

- ``podlings-history.json``: former podlings, id -> started, ended (YYYY-MM), status
  graduated|retired;
- ``podlings.json``: podlings in incubation, id -> started;
- ``committees.json`` (or a copy without the roster, ``committees.noroster.json``): top-level
  projects (PMCs), a list with id, established;
- ``committees-retired.json`` (or ``committees-retired.noroster.json``): retired PMCs, with
  established and retired.

A project that was a podling and became a TLP appears in several files under one id; the
records are merged into one project. The dates are months of record ("month-of-record"); a
podling's ``ended`` and the TLP's ``established`` can differ by a month, or by years when a
podling graduated into another project and became a TLP later. Rosters are never read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stewardgraph.importers.base import (
    ImportedProject,
    ImportProblem,
    ImportRefused,
    ImportResult,
    ImportUnavailable,
    Location,
    Stage,
    StageEvent,
    Upstream,
    is_url,
    order_stages,
    parse_date,
    read_text,
    text,
)

FILES = {  # role -> the names it may have, upstream name first
    "podlings-history": ("podlings-history.json",),
    "podlings": ("podlings.json",),
    "committees": ("committees.json", "committees.noroster.json"),
    "committees-retired": ("committees-retired.json", "committees-retired.noroster.json"),
}
# Which record's name, status and homepage win when an id appears in several files.
_RANK = {"committees": 0, "podlings": 1, "committees-retired": 2, "podlings-history": 3}
# The lifecycle order, for equal dates: a retired committee before one re-established.
_ORDER = {"podlings-history": 0, "committees-retired": 1, "committees": 2, "podlings": 3}
_STATUS: dict[str, Stage] = {
    "committees": "established", "podlings": "incubating", "committees-retired": "retired",
}  # fmt: skip
_INCUBATING = re.compile(r"\s*\(incubating\)\s*$", re.IGNORECASE)


@dataclass
class _Project:
    """What the files say about one Apache id, gathered before it is merged."""

    records: list[tuple[int, str, Location, Stage, dict[str, Any]]] = field(default_factory=list)
    events: list[tuple[int, StageEvent]] = field(default_factory=list)  # (file order, event)

    def name(self) -> str | None:
        for record in sorted(self.records, key=lambda r: r[0]):
            if name := text(record[4].get("name")):
                return _INCUBATING.sub("", name)
        return None


@dataclass
class ApacheImporter:
    name: str = "apache"
    foundation: str = "apache-software-foundation"
    default_url: str = (
        "https://raw.githubusercontent.com/apache/comdev-projects/trunk/site/json/foundation/"
    )

    def read(self, location: str | Path, *, commit: str | None = None) -> ImportResult:
        problems: list[ImportProblem] = []
        found: dict[str, _Project] = {}
        for role in FILES:
            fname, doc = _load(location, role)
            entries = _entries(doc, fname, role, problems)
            for key, record in entries:
                where = Location(fname, key)
                status = _record_status(role, record, where, problems)
                if status is None:
                    continue
                project = found.setdefault(key, _Project())
                project.records.append((_RANK[role], role, where, status, record))
                events = _events(role, record, where, problems)
                project.events.extend((_ORDER[role], event) for event in events)
        projects = []
        for group in _same_name(found).values():
            merged = _merge(group, problems)
            if merged is not None:
                projects.append(merged)
        upstream = Upstream(
            url=str(location),
            repository="apache/comdev-projects",
            path="site/json/foundation/",
            commit=commit,
            title="Apache committees and podlings (projects.apache.org JSON)",
            publisher="The Apache Software Foundation",
        )
        return ImportResult(
            self.name, self.foundation, upstream, tuple(projects), (), tuple(problems)
        )


def _load(location: str | Path, role: str) -> tuple[str, Any]:
    names = FILES[role]
    if is_url(location):
        source: str | Path = str(location).rstrip("/") + "/" + names[0]
        fname = names[0]
    else:
        directory = Path(location)
        if not directory.exists():
            raise ImportUnavailable(f"could not read {directory}: no such directory")
        if not directory.is_dir():
            raise ImportRefused(
                f"{directory.name} is not a directory: the Apache importer reads a directory "
                f"holding {', '.join(n[0] for n in FILES.values())}"
            )
        present = [directory / n for n in names if (directory / n).is_file()]
        if not present:
            raise ImportRefused(f"{directory.name}: no {' or '.join(names)} in the directory")
        source, fname = present[0], present[0].name
    try:
        return fname, json.loads(read_text(source))
    except json.JSONDecodeError as exc:
        raise ImportRefused(f"{fname} is not valid JSON: {exc}") from exc
    except RecursionError:
        raise ImportRefused(f"{fname} is nested too deeply to be one of the Apache files") from None


def _entries(
    doc: Any, fname: str, role: str, problems: list[ImportProblem]
) -> list[tuple[str, dict[str, Any]]]:
    """(id, record) pairs; podling files are objects keyed by id, committee files are lists."""
    if role.startswith("podlings"):
        if not isinstance(doc, dict):
            raise ImportRefused(f"{fname}: expected a JSON object of podlings keyed by id")
        pairs = [(str(k), v) for k, v in doc.items()]
    else:
        if not isinstance(doc, list):
            raise ImportRefused(f"{fname}: expected a JSON list of committees")
        pairs = []
        for i, entry in enumerate(doc, 1):
            key = text(entry.get("id")) if isinstance(entry, dict) else None
            if key is None:
                problems.append(ImportProblem(Location(fname, f"#{i}", "id"), "no id"))
                continue
            pairs.append((key, entry))
    good = []
    for key, record in pairs:
        if isinstance(record, dict):
            good.append((key, record))
        else:
            problems.append(ImportProblem(Location(fname, key), "not a JSON object"))
    return good


def _record_status(
    role: str, record: dict[str, Any], where: Location, problems: list[ImportProblem]
) -> Stage | None:
    if role != "podlings-history":
        return _STATUS[role]
    raw = text(record.get("status"))
    if raw in ("graduated", "retired"):
        return "graduated" if raw == "graduated" else "retired"
    problems.append(ImportProblem(
        where.at("status"), f"unknown podling status {raw!r} (expected graduated or retired)"
    ))  # fmt: skip
    return None


def _events(
    role: str, record: dict[str, Any], where: Location, problems: list[ImportProblem]
) -> list[StageEvent]:
    def event(stage: Stage, key: str) -> StageEvent:
        at = where.at(key)
        if text(record.get(key)) is None:
            problems.append(ImportProblem(at, "missing"))
        return StageEvent(stage, parse_date(record.get(key), at, problems), "month-of-record", at)

    if role == "podlings-history":
        ended: Stage = "graduated" if record.get("status") == "graduated" else "retired"
        return [event("incubating", "started"), event(ended, "ended")]
    if role == "podlings":
        return [event("incubating", "started")]
    if role == "committees":
        return [event("established", "established")]
    return [event("established", "established"), event("retired", "retired")]


def _same_name(found: dict[str, _Project]) -> dict[str, _Project]:
    """Ids merged further when their names match but for case: a podling that became a TLP
    under another id ("lucene.net" -> "lucenenet"), a committee re-established under a new id."""
    groups: dict[str, _Project] = {}
    for key, project in found.items():
        group = groups.setdefault((project.name() or f"id:{key}").casefold(), _Project())
        group.records.extend(project.records)
        group.events.extend(project.events)
    return groups


def _merge(project: _Project, problems: list[ImportProblem]) -> ImportedProject | None:
    records = sorted(project.records, key=lambda r: r[0])
    where = records[0][2]
    name = project.name()
    if name is None:
        problems.append(ImportProblem(where.at("name"), "no name in any file"))
        return None
    names = [_INCUBATING.sub("", n) for r in records if (n := text(r[4].get("name")))]
    aliases = [re.sub(r"^Apache\s+", "", n) for n in names] + names
    homepages = [h for r in records if (h := text(r[4].get("homepage")))]
    descriptions = [
        d for r in records for k in ("shortdesc", "description") if (d := text(r[4].get(k)))
    ]
    events = [event for _, event in sorted(project.events, key=lambda pair: pair[0])]
    return ImportedProject(
        name=name,
        location=where,
        aliases=tuple(a for a in dict.fromkeys(aliases) if a != name),
        homepage=homepages[0] if homepages else None,
        status=records[0][3],
        stages=order_stages(events),
        description=descriptions[0] if descriptions else None,
    )


importer = ApacheImporter()
