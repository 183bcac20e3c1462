"""Building the graph: curated files and imports, checked, converted and swapped into the store.

The facade's build, validate and import commands run here; this module (and what it imports:
the loaders, the importers, rdflib and pyshacl) is loaded only when something is built.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import pyoxigraph as ox
from rdflib import URIRef

from stewardgraph.errors import ImportRefused, StewardGraphError, StoreError, ValidationFailed
from stewardgraph.importers import ImportResult, kept
from stewardgraph.importing import ImportSpec, build_spec, kept_path, run_imports
from stewardgraph.importing import spec as import_spec
from stewardgraph.loaders.rules import Figures, check_figures, figures
from stewardgraph.loaders.curated import CuratedData, check_records, curated_files, read_curated
from stewardgraph.loaders.imports import Known, Report, known_from, refine
from stewardgraph.loaders.rdf import RdfBuild, file_graph, import_graph, to_rdf
from stewardgraph.rdfgraph import rdflib_graph
from stewardgraph.records import PartialDate

if TYPE_CHECKING:
    from stewardgraph.service import StewardGraph

SHRINK_LIMIT = 0.5  # an import giving less than this share of what its source held is refused
Progress = Callable[[str], None]


@dataclass(frozen=True)
class FileSummary:
    file: str
    records: int
    triples: int


@dataclass(frozen=True)
class BuildSummary:
    files: list[FileSummary]
    total_triples: int
    reports: list[Report] = field(default_factory=list)
    dropped_imports: list[str] = field(default_factory=list)  # imported before, not by this build
    changes: list[kept.Changes] = field(default_factory=list)  # an import's, against the facts kept before
    figures: Figures | None = None  # what the curated data covers


@dataclass(frozen=True)
class Compiled:
    build: RdfBuild
    reports: list[Report]
    figures: Figures | None = None  # the curated data's, when a build read it



def compile_data(
    graph: StewardGraph, paths: Iterable[Path] | None = None, progress: Progress | None = None, *,
    imports: Sequence[ImportSpec] = (),
) -> Compiled:
    """Read, check and convert curated files and imports without touching the store."""
    step = progress or (lambda _: None)
    files = list(paths) if paths is not None else curated_files(graph.settings.curated_dir)
    if not files:
        raise StewardGraphError(f"no curated files (*.yaml) in {graph.settings.curated_dir}")
    step(f"reading {len(files)} curated files")
    vocab = graph.ontology.vocabularies
    data = read_curated(files, vocab)
    coverage = figures(data.records)
    if problems := check_figures(coverage):
        raise ValidationFailed(problems)
    reports: list[Report] = []
    if imports:
        known = Known()
        known.add_records([item.record for item in data.records])
        for item in imports:
            step(f"importing {item.source}")
            located, found, _ = run_imports(graph.settings, [item], known)
            data.records.extend(located)
            reports += found
        refine(data.records, [r for report in reports for r in report.refinements])
        problems = check_records(data.records, vocab)
        if problems:
            raise ValidationFailed(problems)
    step("converting to RDF")
    build = to_rdf(data, vocab, graph.ontology.graph)
    step("checking SHACL shapes")
    from stewardgraph.validation import check_shapes  # pyshacl is slow to import

    check_shapes(build, graph.ontology.shapes)
    return Compiled(build, reports, coverage)


def validate(graph: StewardGraph, paths: Iterable[Path] | None, progress: Progress | None) -> BuildSummary:
    return summary(compile_data(graph, paths, progress, imports=configured_imports(graph)))


def build(graph: StewardGraph, paths: Iterable[Path] | None, progress: Progress | None, *,
          allow_shrink: bool) -> BuildSummary:
    """Validate everything (with the configured imports), then replace the stored graph in one swap."""
    compiled = compile_data(graph, paths, progress, imports=configured_imports(graph))
    dropped = imports_not_rebuilt(graph)
    held = triples_by_graph(graph)
    for report in compiled.reports:
        named = import_graph(report.source)
        refuse_shrink(report, held.get(str(named), 0), len(compiled.build.graph(named)), allow_shrink)
    if progress:
        progress("loading the store")
    graph.store.load(compiled.build.nquads())
    found = summary(compiled)
    return BuildSummary(found.files, found.total_triples, found.reports, dropped)


def triples_by_graph(graph: StewardGraph) -> dict[str, int]:
    try:
        return {str(r["graph"]): int(str(r["triples"])) for r in graph.run("graph-stats").rows}
    except StoreError:  # nothing built yet
        return {}


def imports_not_rebuilt(graph: StewardGraph) -> list[str]:
    """Imported sources in the current graph that the build about to replace it leaves out."""
    try:
        graphs = graph.run("named-graphs").rows
    except StoreError:  # nothing built yet
        return []
    prefix = str(import_graph(""))
    present = {str(r["graph"])[len(prefix):] for r in graphs if str(r["graph"]).startswith(prefix)}
    return sorted(present - set(graph.settings.import_sources))


def configured_imports(graph: StewardGraph) -> list[ImportSpec]:
    return [build_spec(graph.settings, source) for source in graph.settings.import_sources]


def import_source(
    graph: StewardGraph, source: str, location: str | Path | None, *, commit: str | None, as_of: str | None,
    progress: Progress | None, allow_shrink: bool,
) -> BuildSummary:
    """Replace one source's named graph in the current graph, matching its entities against
    everything else there."""
    step = progress or (lambda _: None)
    named = str(import_graph(source))
    item = import_spec(graph.settings, source, location, commit=commit, as_of=as_of)
    step("reading what the graph holds")
    known = known_from(graph, skip=named)
    step(f"importing {source}")
    located, reports, [(result, month)] = run_imports(graph.settings, [item], known)
    defined = {"project": {k[1] for k in known.entities if k[0] == "project"},
               "organization": {k[1] for k in known.entities if k[0] == "organization"}}
    problems = check_records(located, graph.ontology.vocabularies, defined=defined)
    if problems:
        raise ValidationFailed(problems)
    built = to_rdf(CuratedData([], located), graph.ontology.vocabularies)
    everything = list(ox.parse(graph.store.dump("nquads"), format=ox.RdfFormat.N_QUADS))
    others = [q for q in everything
              if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == named)]
    for report in reports:
        refuse_shrink(report, len(everything) - len(others), len(built), allow_shrink)
    step("checking SHACL shapes")
    from stewardgraph.validation import check_shapes

    existing = rdflib_graph(others)
    whole = RdfBuild({**built.graphs, URIRef("urn:x-stewardgraph:existing"): existing}, dict(built.origins))
    check_shapes(whole, graph.ontology.shapes)
    changes = kept_changes(graph, item, result, month, reports[0])
    step("loading the store")
    others_nquads = (ox.serialize(others, format=ox.RdfFormat.N_QUADS) or b"")
    graph.store.load(others_nquads + built.nquads())
    if not item.kept:  # after the store: a refused or failed import leaves the kept facts as they were
        path = kept_path(graph.settings, source)
        try:
            kept.write(path, result, month)
        except OSError as exc:
            raise StoreError(f"the store holds the new {source} import, but its kept facts could not be written "
                             f"to {path}: {exc.strerror or exc}; set STEWARDGRAPH_KEPT_DIR to a writable "
                             "directory and import again") from exc
    found = summary(Compiled(built, reports))
    return BuildSummary(found.files, found.total_triples, found.reports, changes=[changes])


def kept_changes(graph: StewardGraph, item: ImportSpec, result: ImportResult, month: PartialDate,
                 report: Report) -> kept.Changes:
    """What changed in stewardship since the kept version; a kept file that cannot be read (a
    merge conflict, a hand edit) counts as no version, and the import replaces it."""
    path = kept_path(graph.settings, item.source)
    before = None
    if path.exists():
        try:
            before = kept.read(path)
        except ImportRefused as exc:
            report.problems.append(f"the kept facts could not be read, so they are replaced: {exc}")
    return kept.changes(before.result if before else None, result, old_as_of=before.as_of if before else None,
                        new_as_of=month)


def refuse_shrink(report: Report, before: int, after: int, allow: bool) -> None:
    """Refuse an import that would lose most of what the graph holds from its source."""
    if allow:
        return
    held = f"; the graph holds {before:,} triples from it" if before else ""
    advice = "nothing was changed; give --allow-shrink to import it anyway"
    if report.records == 0:
        raise ImportRefused(f"{report.source}: the file gives no records{held}; {advice}")
    if after < before * SHRINK_LIMIT:
        raise ImportRefused(f"{report.source}: the file gives {after:,} triples where the graph holds {before:,} "
                            f"from it ({(after - before) / before:+.0%}); {advice}")


def summary(compiled: Compiled) -> BuildSummary:
    build = compiled.build
    counts: dict[tuple[str, URIRef], int] = {}
    for item in build.origins.values():
        graph = URIRef(item.graph) if item.graph else file_graph(item.file)
        counts[(item.file.name, graph)] = counts.get((item.file.name, graph), 0) + 1
    files = [FileSummary(name, records, len(build.graph(graph))) for (name, graph), records in sorted(counts.items())]
    return BuildSummary(files, len(build), compiled.reports, figures=compiled.figures)
