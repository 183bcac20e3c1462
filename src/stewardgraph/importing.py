"""Importing foundation data into the graph: which file each importer reads, and the run.

The parsing lives in ``stewardgraph.importers`` (the kept facts in ``importers.kept``); matching
and mapping onto records in ``stewardgraph.loaders.imports``. This module ties them to settings
for the facade. A build reads each source's kept facts (``STEWARDGRAPH_KEPT_DIR``), or its
upstream file in ``STEWARDGRAPH_IMPORT_DIR`` when that is set; an import reads the file it is
given, else the one in the import directory, else the current file upstream.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from stewardgraph.config import Settings
from stewardgraph.errors import ImportUnavailable, ParameterError
from stewardgraph.importers import IMPORTERS, ImportResult, kept
from stewardgraph.loaders.curated import Located
from stewardgraph.loaders.imports import Known, Report, load_overrides, map_import
from stewardgraph.loaders.rdf import import_graph
from stewardgraph.records import PartialDate
from stewardgraph.resources import resource_dir


@dataclass(frozen=True)
class ImportSpec:
    source: str
    location: str | Path
    commit: str | None
    as_of: PartialDate | None  # None: the kept file's own
    kept: bool = False  # the location is a kept file, not an upstream one


def snapshots() -> dict[str, dict[str, str]]:
    document = yaml.safe_load((resource_dir("data") / "imports.yaml").read_text(encoding="utf-8"))
    return {k: {f: str(v) for f, v in spec.items()} for k, spec in document["snapshots"].items()}


def spec(settings: Settings, source: str, location: str | Path | None = None, *, commit: str | None = None,
         as_of: str | None = None) -> ImportSpec:
    """Where an importer reads from: the given path or URL, else the snapshot in the import
    directory (with its known commit and month), else the upstream URL."""
    if source not in IMPORTERS:
        raise ParameterError("source", f"'{source}' is not one of: {', '.join(IMPORTERS)}")
    today = PartialDate.parse(dt.date.today().isoformat()[:7])
    month = PartialDate.parse(as_of) if as_of else None
    if location is None and settings.import_dir is not None:
        known = snapshots().get(source, {})
        return ImportSpec(source, settings.import_dir / known["file"], commit or known.get("commit"),
                          month or PartialDate.parse(known.get("as_of", str(today))))
    return ImportSpec(source, location or IMPORTERS[source].default_url, commit, month or today)


def build_spec(settings: Settings, source: str) -> ImportSpec:
    """What a build reads for a source: its upstream file in the import directory when one is
    set, else its kept facts."""
    if settings.import_dir is not None:
        return spec(settings, source)
    if source not in IMPORTERS:
        raise ParameterError("source", f"'{source}' is not one of: {', '.join(IMPORTERS)}")
    path = kept_path(settings, source)
    if not path.exists():
        raise ImportUnavailable(f"no kept facts for '{source}' at {path}: run 'stewardgraph import {source}', "
                                f"or leave it out of STEWARDGRAPH_IMPORTS")
    return ImportSpec(source, path, None, None, kept=True)


def kept_path(settings: Settings, source: str) -> Path:
    return settings.kept_dir / f"{source}{kept.SUFFIX}"


def read_import(item: ImportSpec) -> tuple[ImportResult, PartialDate]:
    """The import's facts, in the order and form they are kept, and the month they stand for."""
    if item.kept:
        found = kept.read(Path(item.location))
        return found.result, found.as_of
    result = IMPORTERS[item.source].read(item.location, commit=item.commit)
    assert item.as_of is not None  # only a kept file brings its own
    return kept.canonical(result), item.as_of


def run_imports(settings: Settings, specs: list[ImportSpec], known: Known
                ) -> tuple[list[Located], list[Report], list[tuple[ImportResult, PartialDate]]]:
    """Read, match and map each import in turn; later ones match against earlier ones too."""
    overrides = load_overrides(settings.aliases_file)
    located: list[Located] = []
    reports = []
    read = []
    for item in specs:
        result, as_of = read_import(item)
        read.append((result, as_of))
        mapping = map_import(result, known, overrides=overrides, as_of=as_of)
        name = Path(f"{item.source} import")
        graph = str(import_graph(item.source))
        located += [Located(name, f"{item.source} record {i}", rec, graph) for i, rec in enumerate(mapping.records)]
        reports.append(mapping.report)
    return located, reports, read
